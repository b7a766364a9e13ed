// Opening hours on a phone (360x640): staff tick weekdays and fill a morning and an afternoon in
// the edit form, the page stays within the screen, the rules are stored in OpenStreetMap syntax,
// and the public point page shows the week in words with whether the point is open now.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, phonePage, shot, startServerAndBrowser, stopServerAndBrowser } from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const CODE = '331003001002';

test('staff enter the week as rows and residents read it with the status now', async () => {
  const { context, page, problems } = await phonePage(browser);
  await page.goto(`${server.url}/admin/login`);
  await page.fill('input[name=username]', STAFF.username);
  await page.fill('input[name=password]', STAFF.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForURL(/\/admin\/points$/);
  await page.goto(`${server.url}/admin/points/${CODE}`);

  for (const day of [1, 2, 3, 4, 5]) await page.check(`input[name=oh1_d${day}]`);
  await page.fill('input[name=oh1_from1]', '08:30');
  await page.fill('input[name=oh1_to1]', '12:00');
  await page.fill('input[name=oh1_from2]', '13:30');
  await page.fill('input[name=oh1_to2]', '17:30');
  await page.check('input[name=oh2_d6]');
  await page.fill('input[name=oh2_from1]', '09:00');
  await page.fill('input[name=oh2_to1]', '12:00');
  await page.fill('input[name=hours]', '法定节假日休息');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the edit page is ${width}px wide`);
  await page.locator('#opening-hours-fields').scrollIntoViewIfNeeded();
  await shot(page, 'edit-opening-hours');
  await page.click('div.actions button[value=save]');
  await page.waitForURL(/saved=2/);

  const stored = (await (await fetch(`${server.url}/api/v1/points/${CODE}`)).json()).properties;
  assert.equal(stored.opening_hours, 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00');
  assert.equal(stored.hours, '法定节假日休息');

  await page.goto(`${server.url}/points/${CODE}`);
  const hours = await page.textContent('#opening-hours');
  assert.match(hours, /周一至周五 08:30–12:00、13:30–17:30；周六 09:00–12:00；周日休息/);
  assert.match(hours, /营业中（\d{1,2}:\d\d 结束）|已休息/);
  assert.match(hours, /法定节假日休息/);
  await page.locator('#opening-hours').scrollIntoViewIfNeeded();
  await shot(page, 'point-opening-hours');
  assert.deepEqual(problems, []);
  await context.close();
});
