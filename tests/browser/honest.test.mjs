// Answers that do not mislead, as a resident sees them on a phone: placeholders on one town
// centre take one line, the real places stay in the list, the mode radios move with arrow keys
// without reloading at each step, and a point's signboard prints with its QR code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { phonePage, shot, startServerAndBrowser, stopServerAndBrowser } from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

test('from 28.64/121.26 the list groups 东城街道 placeholders and keeps 百花社区 and 锦江社区', async () => {
  const { context, page, problems } = await phonePage(browser, { geolocation: { latitude: 28.64, longitude: 121.26 } });
  await context.grantPermissions(['geolocation']);
  await page.goto(server.url + '/');
  await page.click('#locate');
  await page.waitForSelector('ol.results li');
  const lines = page.locator('ol.results > li');
  assert.equal(await lines.count(), 5);
  const text = await page.textContent('ol.results');
  assert.match(text, /百花社区/);
  assert.match(text, /锦江社区/);
  const group = page.locator('li.estimate-group');
  assert.equal(await group.count(), 1);
  assert.match(await group.locator('h3').textContent(), /东城街道：\d+ 个服务点位置待核实，暂以街道中心代替/);
  // The group's points are behind a disclosure, closed until asked for.
  assert.equal(await group.locator('ul.group-members').isVisible(), false);
  await group.locator('summary').click();
  assert.ok(await group.locator('ul.group-members li').count() >= 10);
  await shot(page, 'grouped-360x640');
  // The map's controls speak Chinese.
  await page.waitForSelector('#map[data-ready=true]');
  assert.equal(await page.getAttribute('.leaflet-control-zoom-in', 'title'), '放大');
  assert.equal(await page.getAttribute('.leaflet-control-zoom-out', 'title'), '缩小');
  assert.match(await page.textContent('.leaflet-control-attribution'), /OpenStreetMap 贡献者/);
  // Nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual(problems, []);
  await context.close();
});

test('arrow keys move between modes without a reload at each step; the results follow the last', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/nearest?lat=28.64&lon=121.26&mode=walk');
  const requests = [];
  page.on('request', (request) => { if (request.url().includes('fragment=1')) requests.push(request.url()); });
  await page.focus('input[name=mode][value=walk]');
  await page.keyboard.press('ArrowRight'); // bike
  await page.keyboard.press('ArrowRight'); // drive
  assert.equal(await page.locator('input[name=mode][value=drive]').isChecked(), true);
  assert.equal(requests.length, 0, 'no reload while the resident is still choosing');
  await page.waitForSelector('.mode-switch span[aria-current=true]:has-text("驾车")');
  assert.equal(requests.length, 1, `one reload, for the mode chosen last: ${requests}`);
  assert.match(requests[0], /mode=drive/);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'drive', 'focus stays on the radios');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a signboard prints on A4 with a QR code of the point page', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/points/331003001001/sign');
  assert.match(await page.textContent('.sign'), /扫码查看最近的公共法律服务点/);
  const qr = await page.locator('.sign-qr svg').boundingBox();
  assert.ok(qr.width > 150, `QR ${qr.width}px wide on a phone`);
  await shot(page, 'sign-360x640');
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 1000);
  assert.deepEqual(problems, []);
  await context.close();
});
