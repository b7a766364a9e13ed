// Residents' correction reports on a phone (360x640): from a point's page, 位置不对？告诉我们, the
// form with the current location attached (and removed, and attached again), the thanks; then
// staff log in, find the report with its location at /admin/reports and close it. Without
// JavaScript the form still sends, just with no location.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, phonePage, shot, startServerAndBrowser, stopServerAndBrowser } from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const ESTIMATE = '331003107202'; // a town-centre placeholder: residents know better
const HERE = { latitude: 28.580123, longitude: 121.270456, accuracy: 9 };

async function fitsTheScreen(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
}

async function locationFields(page) {
  return page.evaluate(() => ['lat', 'lon', 'accuracy_m'].map((n) => document.querySelector(`input[name=${n}]`).value));
}

test('a resident sends the right location from the spot; staff see it and close it', async () => {
  const { context, page, problems } = await phonePage(browser);
  await context.grantPermissions(['geolocation'], { origin: server.url });
  await context.setGeolocation(HERE);

  await page.goto(`${server.url}/points/${ESTIMATE}`);
  const link = page.getByRole('link', { name: '位置不对？告诉我们' });
  await link.scrollIntoViewIfNeeded();
  await link.tap();
  await page.waitForURL(new RegExp(`/points/${ESTIMATE}/report$`));
  await fitsTheScreen(page);
  assert.equal(await page.locator('#report-location').isVisible(), true, 'app.js shows the location part');
  assert.deepEqual(await locationFields(page), ['', '', ''], 'no location before the button is pressed');
  await shot(page, 'report-form');

  await page.getByLabel('位置不对', { exact: true }).tap();
  await page.getByLabel('请说明').fill('服务点在村委会办公楼一楼，不在镇政府。');
  await page.getByRole('button', { name: '我现在就在正确的位置' }).tap();
  await page.waitForFunction(() => document.getElementById('location-status').textContent.includes('已附上'));
  assert.deepEqual(await locationFields(page), ['28.580123', '121.270456', '9']);
  assert.match(await page.textContent('#location-status'), /精度约 9 米/);

  // The resident can take it back, and attach it again.
  await page.getByRole('button', { name: '移除位置' }).tap();
  assert.deepEqual(await locationFields(page), ['', '', '']);
  assert.match(await page.textContent('#location-status'), /已移除位置/);
  assert.equal(await page.locator('#remove-location').isVisible(), false);
  await page.getByRole('button', { name: '我现在就在正确的位置' }).tap();
  await page.waitForFunction(() => document.getElementById('location-status').textContent.includes('已附上'));
  await fitsTheScreen(page);
  await page.locator('#location-status').scrollIntoViewIfNeeded();
  await shot(page, 'report-location-attached');

  await page.getByRole('button', { name: '发送' }).tap();
  await page.waitForURL(new RegExp(`/points/${ESTIMATE}/report/sent$`));
  const thanks = await page.evaluate(() => ({ focused: document.activeElement?.id, text: document.body.textContent }));
  assert.equal(thanks.focused, 'report-sent', 'focus is on the confirmation');
  assert.match(thanks.text, /谢谢您！已收到您的纠错/);
  assert.doesNotMatch(thanks.text, /村委会办公楼一楼/, 'nothing sent is shown back');
  await fitsTheScreen(page);
  await shot(page, 'report-sent');
  assert.deepEqual(problems, []);
  await context.close();

  // Staff: the login leads on to the reports; the report is there with its location.
  const staff = await phonePage(browser);
  await staff.page.goto(`${server.url}/admin/reports`);
  assert.match(staff.page.url(), /\/admin\/login\?next=%2Fadmin%2Freports/);
  await staff.page.fill('input[name=username]', STAFF.username);
  await staff.page.fill('input[name=password]', STAFF.password);
  await staff.page.click('#login-form button[type=submit]');
  await staff.page.waitForURL(/\/admin\/reports$/);
  const card = staff.page.locator('li.report-card').first();
  const text = await card.textContent();
  assert.match(text, /位置不对/);
  assert.match(text, /服务点在村委会办公楼一楼/);
  assert.match(text, /28\.580123, 121\.270456/);
  assert.match(text, /精度约 9 米/);
  assert.match(text, /距服务点现在的位置约/);
  assert.match(text, /收到于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/, 'Beijing time of receipt');
  assert.equal(await card.locator(`a[href="/admin/points/${ESTIMATE}"]`).count() >= 1, true, 'links the edit page');
  await fitsTheScreen(staff.page);
  await shot(staff.page, 'staff-reports');

  await card.getByLabel(/备注/).fill('已到现场核实，位置已更正');
  await card.getByRole('button', { name: '关闭' }).tap();
  await staff.page.waitForURL(/\/admin\/reports\?closed=\d+$/);
  assert.match(await staff.page.textContent('#report-closed'), /已关闭纠错 #\d+/);
  assert.equal(await staff.page.locator('li.report-card').count(), 0, 'no open report left');
  await staff.page.getByRole('link', { name: '已关闭' }).tap();
  await staff.page.waitForURL(/state=closed/);
  const closed = await staff.page.locator('li.report-card').first().textContent();
  assert.match(closed, new RegExp(`已由 ${STAFF.username} 于 .* 关闭。备注：已到现场核实，位置已更正`));
  await shot(staff.page, 'staff-reports-closed');
  assert.deepEqual(staff.problems, []);
  await staff.context.close();
});

test('without JavaScript the form still sends, with no location', async () => {
  const { context, page } = await phonePage(browser, { javaScriptEnabled: false });
  await page.goto(`${server.url}/points/${ESTIMATE}/report`);
  assert.equal(await page.locator('#report-location').isVisible(), false, 'no button that cannot work');
  // Sending with nothing chosen comes back with the problems, tied to their fields.
  await page.getByRole('button', { name: '发送' }).click();
  assert.match(await page.textContent('#report-problems'), /请选择哪里不对/);
  assert.equal(await page.getAttribute('fieldset.kinds', 'aria-describedby'), 'kind-error');
  await fitsTheScreen(page);
  await shot(page, 'report-problems');
  await page.getByLabel('电话或地址等信息不对').check();
  await page.getByLabel('请说明').fill('电话应为 0576-84000000');
  await page.getByRole('button', { name: '发送' }).click();
  await page.waitForURL(/\/report\/sent$/);
  assert.match(await page.textContent('h1'), /已收到您的纠错/);
  await context.close();
});
