// A point page's "显示15分钟范围" on a phone: the three mode buttons draw the point's area on the
// map (the estimate's circle, since the bundled data has no road network), the pressed button
// says so, the caption tells the resident in Chinese that the area is an estimate, and a server
// that has gone away gets a message rather than a button stuck on "正在计算".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mapShot, phonePage, shot, startServer, startServerAndBrowser, stopServerAndBrowser,
} from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const AREA_COLOUR = '#0a7d3b';

/** The area's SVG paths on the map (the district outline is another colour). */
function areaPaths(page) {
  return page.locator(`#map .leaflet-overlay-pane path[stroke="${AREA_COLOUR}"]`);
}

/** The three buttons' aria-pressed, in order. */
async function pressed(page) {
  return page.locator('#isochrone button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-pressed')));
}

/** Metres as the caption writes them ("865 米", "2.4 公里"). */
function distanceText(metres) {
  return metres >= 1000 ? `${(metres / 1000).toFixed(1)} 公里` : `${Math.round(metres)} 米`;
}

test('each mode draws the 15-minute area on a located point, says it is an estimate, and a second press hides it', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/points/331003001001');
  await page.waitForSelector('#map[data-ready=true]');
  // Before any choice the point's popup is open on its marker.
  assert.match(await page.textContent('#map .leaflet-popup'), /百花社区居委会/);

  // The control appears once the map is drawn: a named group of three named buttons.
  const group = page.getByRole('group', { name: '显示15分钟范围：' });
  assert.ok(await group.isVisible());
  const names = ['步行', '骑行', '驾车'];
  for (const name of names) assert.equal(await group.getByRole('button', { name, exact: true }).count(), 1, name);
  assert.deepEqual(await pressed(page), ['false', 'false', 'false']);
  assert.equal(await areaPaths(page).count(), 0);
  assert.equal(await page.isVisible('#isochrone-caption'), false, 'no empty caption before a choice');

  const modes = { 步行: 'walk', 骑行: 'bike', 驾车: 'drive' };
  let lastRadius = 0;
  for (const [index, name] of names.entries()) {
    const answer = await (await fetch(`${server.url}/map/points/331003001001/isochrone?mode=${modes[name]}&minutes=15`)).json();
    const { radius_m: radius, travel_basis: basis } = answer.features[0].properties;
    assert.equal(basis, 'estimate', 'the bundled data has no road network');
    assert.ok(radius > lastRadius, `${name} reaches further than the mode before (${radius} m)`);
    lastRadius = radius;

    await group.getByRole('button', { name, exact: true }).click();
    await page.waitForSelector('#map[data-area=estimate]');
    const expected = ['false', 'false', 'false'];
    expected[index] = 'true';
    assert.deepEqual(await pressed(page), expected, `${name} pressed`);

    // One area at a time, drawn inside the map and big enough to see.
    assert.equal(await areaPaths(page).count(), 1);
    const area = await areaPaths(page).boundingBox();
    const map = await page.locator('#map').boundingBox();
    assert.ok(area.width > 100 && area.height > 100, `${name}: area ${area.width}x${area.height}px`);
    assert.ok(area.x >= map.x - 1 && area.x + area.width <= map.x + map.width + 1, `${name}: area within the map's width`);
    assert.ok(area.y >= map.y - 1 && area.y + area.height <= map.y + map.height + 1, `${name}: area within the map's height`);
    // The page's own point shows at the circle's centre, not hidden in a cluster, and no popup
    // covers the area.
    const own = await page.locator('#map .leaflet-marker-icon.pin-hit[title="百花社区居委会"]').boundingBox();
    assert.ok(own, `${name}: the point's marker is drawn`);
    const centre = { x: area.x + area.width / 2, y: area.y + area.height / 2 };
    const marker = { x: own.x + own.width / 2, y: own.y + own.height / 2 };
    assert.ok(Math.hypot(centre.x - marker.x, centre.y - marker.y) < 3, `${name}: marker at the area's centre`);
    await page.locator('#map .leaflet-popup').waitFor({ state: 'detached' }); // after its 200 ms fade
    // The whole map and the caption are on screen after the tap.
    const viewport = page.viewportSize();
    const onScreen = await page.evaluate(() => ({
      mapTop: document.getElementById('map').getBoundingClientRect().top,
      captionBottom: document.getElementById('isochrone-caption').getBoundingClientRect().bottom,
    }));
    assert.ok(onScreen.mapTop >= 0 && onScreen.captionBottom <= viewport.height, `${name}: ${JSON.stringify(onScreen)}`);

    // The caption (a polite live region) says what the area is and that it is an estimate.
    const caption = await page.textContent('#isochrone-caption');
    assert.equal(caption, `${name}15分钟范围：估算：直线距离范围（半径约 ${distanceText(radius)}），实际沿道路可能更远。`);
    assert.equal(await page.getAttribute('#isochrone-caption', 'role'), 'status');
    if (name === '步行') {
      await shot(page, 'isochrone-walk-360x640');
      await mapShot(page, 'isochrone-walk');
    }
  }
  await shot(page, 'isochrone-drive-360x640');

  // Pressing the shown mode again hides the area and the caption.
  await group.getByRole('button', { name: '驾车', exact: true }).click();
  assert.deepEqual(await pressed(page), ['false', 'false', 'false']);
  assert.equal(await areaPaths(page).count(), 0);
  assert.equal(await page.getAttribute('#map', 'data-area'), null);
  assert.equal(await page.isVisible('#isochrone-caption'), false);

  // Nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a point placed at its town centre, the caption says the circle is around the town centre', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/points/331003107202');
  await page.waitForSelector('#map[data-ready=true]');
  await page.getByRole('button', { name: '步行', exact: true }).click();
  await page.waitForSelector('#map[data-area=estimate]');
  assert.equal(await areaPaths(page).count(), 1);
  assert.match(await page.textContent('#isochrone-caption'), /估算：直线距离范围/);
  assert.match(await page.textContent('#isochrone-caption'), /服务点位置待核实，范围以镇街中心代替。/);
  await page.locator('#map .leaflet-popup').waitFor({ state: 'detached' });
  await shot(page, 'isochrone-town-centre-360x640');
  assert.deepEqual(problems, []);
  await context.close();
});

test('with the server gone, a press says the area cannot be shown and leaves no button pressed', async () => {
  const own = await startServer();
  const { context, page, problems } = await phonePage(browser);
  try {
    await page.goto(own.url + '/points/331003001001');
    await page.waitForSelector('#map[data-ready=true]');
    // A real failure, not a mocked answer: the isochrone is not something the service worker keeps.
    await own.stop();
    await page.getByRole('button', { name: '步行', exact: true }).click();
    await page.waitForFunction(() => /暂时无法显示范围/.test(document.getElementById('isochrone-caption').textContent));
    assert.equal(await page.textContent('#isochrone-caption'), '暂时无法显示范围（需要联网），请稍后再试。');
    assert.deepEqual(await pressed(page), ['false', 'false', 'false']);
    assert.equal(await areaPaths(page).count(), 0);
    assert.equal(await page.getAttribute('#map', 'data-area'), null);
    await shot(page, 'isochrone-failed-360x640');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await own.stop();
  }
});
