// Staff in a real browser: log in, drag a point's marker, save, and see it move on the public
// map and in the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STAFF, apiPosition, shot, startServerAndBrowser, stopServerAndBrowser, watchProblems,
} from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

test('drag a marker, save, and the public map shows the new place', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await context.route(/tile\.openstreetmap\.org/, (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  const problems = watchProblems(page);

  await page.goto(`${server.url}/admin/points/331003001001`);
  assert.match(page.url(), /\/admin\/login\?next=/, 'the edit page asks for a login first');
  await page.fill('input[name=username]', STAFF.username);
  await page.fill('input[name=password]', STAFF.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#edit-map[data-ready=true]');
  assert.match(page.url(), /\/admin\/points\/331003001001$/);

  const before = await apiPosition(server, '331003001001');
  await page.click('#edit-location'); // the marker drags only in the location mode
  const marker = page.locator('#edit-map .leaflet-marker-draggable');
  await marker.scrollIntoViewIfNeeded();
  const box = await marker.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step += 1) await page.mouse.move(x + 8 * step, y - 5 * step);
  await page.mouse.up();
  const typed = { lat: Number(await page.inputValue('#lat')), lon: Number(await page.inputValue('#lon')) };
  assert.equal(await page.inputValue('#crs'), 'wgs84', 'the tiles are WGS-84, so the dragged position is too');
  assert.ok(typed.lon > before.lon && typed.lat > before.lat, `dragged north-east: ${JSON.stringify(typed)}`);
  await shot(page, 'staff-edit-dragged');

  await page.click('button[name=action][value=save]');
  await page.waitForURL(/saved=2/);
  const after = await apiPosition(server, '331003001001');
  assert.ok(Math.abs(after.lat - typed.lat) < 1e-6 && Math.abs(after.lon - typed.lon) < 1e-6, JSON.stringify({ after, typed }));

  await page.goto(`${server.url}/points/331003001001`);
  await page.waitForSelector('#map[data-ready=true]');
  const focus = await page.evaluate(() => ({
    lat: Number(document.getElementById('map').dataset.focusLat),
    lon: Number(document.getElementById('map').dataset.focusLon),
  }));
  assert.ok(Math.abs(focus.lat - after.lat) < 1e-9 && Math.abs(focus.lon - after.lon) < 1e-9);
  const data = await (await fetch(`${server.url}/map/data.json`)).json();
  const onMap = data.points.find((p) => p.code === '331003001001');
  assert.ok(Math.abs(onMap.lat - after.lat) < 1e-6 && Math.abs(onMap.lon - after.lon) < 1e-6, 'public map data moved');
  assert.ok(await page.locator('#map .pin').count() >= 1, 'the marker is drawn');
  await shot(page, 'staff-edit-public-after');

  // The coverage page draws the grid over the map, with the suggested sites.
  await page.goto(`${server.url}/admin/coverage?mode=bike&k=3`);
  await page.waitForSelector('#coverage-map[data-ready=true]');
  const overlay = await page.evaluate(() => {
    const image = document.querySelector('#coverage-map img.leaflet-image-layer');
    return image && { loaded: image.complete && image.naturalWidth > 0, width: image.naturalWidth };
  });
  assert.ok(overlay?.loaded, `the coverage image is drawn: ${JSON.stringify(overlay)}`);
  assert.equal(await page.locator('#coverage-map .suggestion').count(), 3);
  await shot(page, 'staff-coverage');
  assert.deepEqual(problems, []);
  await context.close();
});
