// The staff edit page on a phone (360x640): on-site GPS capture (a good fix, and a poor one that
// needs a reason), no moves from stray taps or drags outside the location mode, the save banners
// and their focus, and two editors' changes merging (different fields) or conflicting (the same).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, apiPosition, phonePage, shot, startServerAndBrowser, stopServerAndBrowser } from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const ESTIMATE = '331003107202'; // a town-centre placeholder
const LOCATED = '331003001001';

async function loggedIn(options = {}) {
  const phone = await phonePage(browser, options);
  await phone.page.goto(`${server.url}/admin/login`);
  await phone.page.fill('input[name=username]', STAFF.username);
  await phone.page.fill('input[name=password]', STAFF.password);
  await phone.page.click('#login-form button[type=submit]');
  await phone.page.waitForURL(/\/admin\/points$/);
  return phone;
}

async function openEdit(page, code) {
  await page.goto(`${server.url}/admin/points/${code}`);
  await page.waitForSelector('#edit-map[data-ready=true]');
}

async function properties(code) {
  return (await (await fetch(`${server.url}/api/v1/points/${code}`)).json()).properties;
}

/** The banner after a save attempt: its text, and whether it has the focus. */
async function banner(page) {
  await page.waitForSelector('#save-status');
  return page.evaluate(() => ({
    text: document.getElementById('save-status').textContent,
    focused: document.activeElement === document.getElementById('save-status'),
  }));
}

async function fitsTheScreen(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
}

/** Where the GPS reports, `metres` north-east of a point's stored position. */
async function near(code, metres) {
  const at = await apiPosition(server, code);
  return { latitude: at.lat + metres / 111_000, longitude: at.lon + metres / 97_000 };
}

test('a good on-site fix is saved as gps_on_site with its accuracy', async () => {
  const { context, page, problems } = await loggedIn();
  await context.grantPermissions(['geolocation'], { origin: server.url });
  await context.setGeolocation({ ...(await near(ESTIMATE, 200)), accuracy: 8 });
  await openEdit(page, ESTIMATE);
  await fitsTheScreen(page);
  await page.click('#use-gps');
  await page.waitForFunction(() => document.getElementById('gps-status').textContent.includes('已定位'));
  assert.equal(await page.inputValue('#accuracy_m'), '8.0');
  assert.equal(await page.inputValue('#crs'), 'wgs84');
  const preview = await page.textContent('#location-preview');
  assert.match(preview, /新位置距原位置 \d+ 米/);
  assert.match(preview, /在黄岩区界内/);
  assert.equal(await page.locator('#edit-map path.leaflet-interactive, #edit-map path').count() > 0, true, 'the circle and outline are drawn');
  await shot(page, 'edit-gps-good-fix');
  await page.click('button[name=action][value=save] >> nth=-1');
  await page.waitForURL(/saved=2/);
  const saved = await banner(page);
  assert.match(saved.text, /已保存（第 2 版）/);
  assert.ok(saved.focused, 'focus is on the banner');
  const stored = await properties(ESTIMATE);
  assert.equal(stored.location_quality, 'gps_on_site');
  assert.equal(stored.accuracy_m, 8);
  assert.match(await page.textContent('#point-status'), /定位精度 8 米/);
  await shot(page, 'edit-gps-saved');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a poor fix is refused without a reason and saved with one', async () => {
  const { context, page, problems } = await loggedIn();
  await context.grantPermissions(['geolocation'], { origin: server.url });
  await context.setGeolocation({ ...(await near(LOCATED, 150)), accuracy: 180 });
  await openEdit(page, LOCATED);
  await page.click('#use-gps');
  await page.waitForFunction(() => document.getElementById('gps-status').textContent.includes('精度差于'));
  await page.click('div.actions button[value=save]');
  const refused = await banner(page);
  assert.match(refused.text, /尚未保存/);
  assert.ok(refused.focused, 'focus is on the banner');
  assert.equal(await page.locator('#save-status #gps_reason').count(), 1, 'the reason is asked for in the banner');
  await fitsTheScreen(page);
  await shot(page, 'edit-gps-poor-refused');
  assert.equal((await properties(LOCATED)).location_quality, 'geocoded', 'nothing saved');

  await page.fill('#save-status #gps_reason', '室内，已对照门牌确认');
  await page.click('#save-status button[value=save]');
  await page.waitForURL(/saved=/);
  assert.match((await banner(page)).text, /已保存/);
  const stored = await properties(LOCATED);
  assert.equal(stored.location_quality, 'gps_on_site');
  assert.equal(stored.accuracy_m, 180);
  assert.deepEqual(problems, []);
  await context.close();
});

test('outside the location mode a stray tap or drag moves nothing; 取消 puts it back', async () => {
  const { context, page, problems } = await loggedIn();
  const code = '331003001002';
  await openEdit(page, code);
  const before = { lat: await page.inputValue('#lat'), lon: await page.inputValue('#lon') };
  const map = page.locator('#edit-map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + 40, box.y + 40);
  await page.touchscreen.tap(box.x + box.width - 40, box.y + box.height - 40);
  const marker = page.locator('#edit-map .leaflet-marker-icon.pin');
  const pin = await marker.boundingBox();
  const [x, y] = [pin.x + pin.width / 2, pin.y + pin.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step += 1) await page.mouse.move(x + 6 * step, y - 4 * step);
  await page.mouse.up();
  assert.deepEqual({ lat: await page.inputValue('#lat'), lon: await page.inputValue('#lon') }, before);
  assert.equal(await page.locator('#edit-map .leaflet-marker-draggable').count(), 0, 'the marker does not drag');
  assert.ok(await page.locator('#lat').evaluate((input) => input.readOnly), 'the fields are locked too');
  // Without tiles the map still shows the district outline and the town's other points.
  assert.ok(await page.locator('#edit-map path.leaflet-interactive').count() >= 3, 'neighbours drawn');

  await page.click('#edit-location');
  await map.scrollIntoViewIfNeeded();
  const now = await map.boundingBox(); // clicking the button may have scrolled the page
  await page.mouse.click(now.x + now.width / 2 + 50, now.y + now.height / 2 - 30);
  assert.notEqual(await page.inputValue('#lat'), before.lat, 'in the mode a tap moves the point');
  assert.match(await page.textContent('#location-preview'), /新位置距原位置/);
  await shot(page, 'edit-location-mode');
  await page.click('#cancel-location');
  assert.deepEqual({ lat: await page.inputValue('#lat'), lon: await page.inputValue('#lon') }, before);

  await page.click('div.actions button[value=save]');
  const unchanged = await banner(page);
  assert.match(unchanged.text, /没有修改/);
  assert.ok(unchanged.focused);
  assert.equal((await properties(code)).version ?? 1, 1);
  await shot(page, 'edit-unchanged');
  assert.deepEqual(problems, []);
  await context.close();
});

test('two editors: different fields merge, the same field is shown side by side', async () => {
  const code = '331003001003';
  const a = await loggedIn();
  const b = await loggedIn();
  await openEdit(a.page, code);
  await openEdit(b.page, code);
  await a.page.fill('input[name=phone]', '0576-84000011');
  await b.page.fill('input[name=hours]', '周一至周五 8:30-17:00');
  await a.page.click('div.actions button[value=save]');
  await a.page.waitForURL(/saved=2/);
  await b.page.click('div.actions button[value=save]');
  await b.page.waitForURL(/saved=3/);
  let stored = await properties(code);
  assert.equal(stored.phone, '0576-84000011');
  assert.equal(stored.hours, '周一至周五 8:30-17:00');

  await a.page.fill('input[name=name]', '塔苑社区（甲）');
  await b.page.fill('input[name=name]', '塔苑社区（乙）');
  await a.page.click('div.actions button[value=save]');
  await a.page.waitForURL(/saved=4/);
  await b.page.click('div.actions button[value=save]');
  const conflict = await banner(b.page);
  assert.ok(conflict.focused);
  assert.match(conflict.text, /尚未保存/);
  const cells = await b.page.locator('table.conflicts tbody tr').first().locator('td').allTextContents();
  assert.match(cells[0], /塔苑社区（甲）/);
  assert.match(cells[0], /tester 于/);
  assert.match(cells[1], /塔苑社区（乙）/);
  await fitsTheScreen(b.page);
  await shot(b.page, 'edit-conflict');
  stored = await properties(code);
  assert.equal(stored.name, '塔苑社区（甲）');
  assert.deepEqual([...a.problems, ...b.problems], []);
  await a.context.close();
  await b.context.close();
});
