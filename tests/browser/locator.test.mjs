// What a resident sees on a phone: search, location (granted and refused), mode switch, a
// point's page, the map without tiles, larger text, and the weight of the first view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiPosition, mapShot, phonePage, shot, startServerAndBrowser, stopServerAndBrowser,
} from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

async function mapReady(page) {
  await page.waitForSelector('#map[data-ready=true]');
}

test('the home page at phone size: list before map, markers and boundary without tiles', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/');
  await mapReady(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('h1'), /查找最近的公共法律服务点/);
  assert.ok(await page.isVisible('#locate'), 'the location button is shown when JavaScript runs');
  assert.match(await page.textContent('.privacy'), /不会被保存或记录/);
  // Reading order: the results section comes before the map.
  const order = await page.evaluate(() => {
    const results = document.getElementById('results');
    const map = document.getElementById('map');
    return results.compareDocumentPosition(map) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, 'results precede the map');
  // The district boundary and the (clustered) markers are drawn although no tile loaded.
  assert.ok(await page.locator('#map path').count() >= 1, 'boundary drawn');
  // Every point is on the map: alone, or counted in a cluster.
  const shown = await page.evaluate(() => {
    const pins = document.querySelectorAll('#map .pin').length;
    const clustered = [...document.querySelectorAll('#map .cluster')].reduce((sum, c) => sum + Number(c.textContent), 0);
    return { pins, clustered, estimateClusters: document.querySelectorAll('#map .cluster-estimate').length };
  });
  assert.equal(shown.pins + shown.clustered, 346, JSON.stringify(shown));
  assert.ok(shown.estimateClusters > 0, 'clusters holding estimates look different');
  // Touch targets are at least 44 px.
  for (const selector of ['#place', '#search button[type=submit]', '#locate', 'label.mode span', '.text-size button']) {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box.height >= 44, `${selector} is ${box.height}px tall`);
  }
  await shot(page, 'home-360x640');
  await mapShot(page, 'home-360x640');
  assert.deepEqual(problems, []);
  await context.close();
});

test('searching a town lists its points; picking one shows it and the nearest others', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/');
  await mapReady(page);
  await page.fill('#place', '院桥');
  await page.click('#search button[type=submit]');
  await page.waitForSelector('ul.choices a');
  assert.match(await page.textContent('#results-heading'), /院桥/);
  const names = await page.locator('ul.choices a').allTextContents();
  assert.ok(names.length > 10 && names.every((name) => name.includes('院桥镇')), names.join(','));
  await shot(page, 'search-yuanqiao');
  const first = page.locator('ul.choices a').first();
  const picked = (await first.textContent()).replace('院桥镇', '');
  await first.click();
  await page.waitForSelector('ol.results li');
  assert.equal(await page.locator('ol.results li h3').first().textContent(), picked);
  assert.match(page.url(), /nearest\?code=/);
  await shot(page, 'search-picked');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the location button with a granted position finds the nearest point; the mode switch re-ranks', async () => {
  const baihua = await apiPosition(server, '331003001001');
  const { context, page, problems } = await phonePage(browser, {
    geolocation: { latitude: baihua.lat + 0.0003, longitude: baihua.lon },
    permissions: ['geolocation'],
  });
  await page.goto(server.url + '/');
  await mapReady(page);
  await page.click('#locate');
  await page.waitForSelector('ol.results li');
  assert.match(await page.textContent('#results-heading'), /您的位置/);
  assert.equal(await page.locator('ol.results li h3').first().textContent(), '百花社区居委会');
  assert.match(await page.textContent('ol.results li .reach'), /距离 3\d 米 · 步行/);
  assert.match(await page.textContent('ol.results li .badges'), /15分钟内可到/);
  assert.ok(await page.locator('#map .pin-origin').count() === 1, 'origin drawn on the map');
  await shot(page, 'located-walk');
  await mapShot(page, 'located-walk');

  await page.click('label.mode:has-text("驾车")');
  await page.waitForSelector('.mode-switch span[aria-current]:has-text("驾车")');
  assert.match(await page.textContent('ol.results li .reach'), /驾车/);
  assert.match(page.url(), /mode=drive/);
  await shot(page, 'located-drive');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a refused location says so and offers the alternatives', async () => {
  const { context, page, problems } = await phonePage(browser, { permissions: [] });
  await page.goto(server.url + '/');
  await page.click('#locate');
  await page.waitForSelector('#locate-status.problem');
  const status = await page.textContent('#locate-status');
  assert.match(status, /定位权限|无法获取|超时/);
  assert.match(status, /地图上点选/);
  assert.match(status, /搜索/);
  await shot(page, 'location-refused');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a point page: details, call and navigation links, and its small map', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(server.url + '/points/331003107202');
  await mapReady(page);
  assert.ok((await page.textContent('h1')).length > 0);
  assert.match(await page.textContent('article'), /位置为估算，待核实/);
  const links = await page.locator('ul.navigation a').evaluateAll((as) => as.map((a) => a.href));
  assert.equal(links.length, 4);
  assert.ok(links.some((href) => href.startsWith('https://uri.amap.com/marker?position=')));
  assert.ok(links.some((href) => href.startsWith('geo:')));
  assert.ok(await page.locator('a[href="tel:12348"]').count() >= 1);
  await shot(page, 'point-page');
  await mapShot(page, 'point-page');
  assert.deepEqual(problems, []);
  await context.close();
});

test('larger text persists across pages', async () => {
  const { context, page } = await phonePage(browser);
  await page.goto(server.url + '/points/331003001001');
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  await page.click('.text-size button');
  await page.waitForURL(/\/points\/331003001001/);
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(after > before, `${after} > ${before}`);
  await page.goto(server.url + '/');
  assert.equal(await page.getAttribute('html', 'class'), 'large-text');
  await shot(page, 'home-large-text');
  await context.close();
});

test('the first view weighs under 200 KB and does not jump when the map loads', async () => {
  const { context, page } = await phonePage(browser);
  await page.addInitScript(() => {
    window.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(server.url + '/');
  await mapReady(page);
  const { bytes, shift } = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    const ours = entries.filter((e) => e.name.startsWith(location.origin));
    return { bytes: ours.reduce((sum, e) => sum + e.transferSize, 0), shift: window.__layoutShift };
  });
  console.log(`first view: ${bytes} bytes transferred (tiles excluded), cumulative layout shift ${shift.toFixed(4)}`);
  assert.ok(bytes > 10_000 && bytes < 200_000, `${bytes} bytes`);
  assert.ok(shift < 0.05, `layout shift ${shift}`);
  await context.close();
});
