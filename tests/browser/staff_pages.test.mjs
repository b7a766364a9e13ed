// Staff pages on a phone (360x640): nothing is wider than the screen. Tables scroll inside
// their own box (or the page reflows); the page itself never scrolls sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STAFF, phonePage, screenshotDir, shot, startServerAndBrowser, stopServerAndBrowser,
} from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

/** The staff pages to check, with a name for their screenshot. */
const PAGES = [
  ['points', '/admin/points'],
  ['points-filtered', '/admin/points?town=331003107&quality=town_centre&page=1'],
  ['edit', '/admin/points/331003001001?back=%2Fadmin%2Fpoints%3Fpage%3D2'],
  ['history', '/admin/points/331003001001/history'],
  ['changes', '/admin/changes'],
  ['users', '/admin/users'],
  ['import', '/admin/import'],
  ['campaign', '/admin/campaign'],
  ['reports', '/admin/reports'],
  ['not-found', '/admin/points/999999999999'],
];

test('no staff page is wider than a 360 px phone', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(`${server.url}/admin/login`);
  await page.fill('input[name=username]', STAFF.username);
  await page.fill('input[name=password]', STAFF.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin\/points/);

  // One change, so the history and the change log have a row with field changes.
  await page.goto(`${server.url}/admin/points/331003001001`);
  await page.fill('input[name=reason]', '电话核实后更正名称，并补充地址与服务时间等较长的说明文字');
  await page.fill('input[name=name]', '百花社区居委会公共法律服务工作室（新址）');
  await page.click('button[name=action][value=save]');
  await page.waitForURL(/saved=2/);

  for (const [name, uri] of PAGES) {
    await page.goto(`${server.url}${uri}`);
    await page.waitForLoadState('load');
    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    await shot(page, `staff-360-${name}`);
    const table = page.locator('table').first();
    if (await table.count()) {
      // What a phone shows where the table starts.
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${screenshotDir}/staff-360-${name}-table.png` });
    }
    assert.ok(width.scroll <= width.inner, `${uri}: ${width.scroll} px wide on a ${width.inner} px screen`);
    assert.equal(await page.locator('html[lang=zh-CN]').count(), 1, uri);
  }
  const log = await page.goto(`${server.url}/admin/changes`);
  assert.equal(log.status(), 200);
  assert.match(await page.locator('table.changes-log').innerText(), /名称/);
  assert.deepEqual(problems, []);
  await context.close();
});
