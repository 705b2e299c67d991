// The open-data page without signing in: the article's figures, the Open Graph tags of its URL, the print
// view without the buttons, and the year's report as PDF.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, newPage, screenshots } from './helpers.mjs';

const shot = screenshots('public');
let browser;
let context;
before(async () => {
  browser = await launch();
  context = await browser.newContext(); // no token in its storage: a visitor
});
after(async () => {
  await browser?.close();
});

test('a public page opens without signing in and shows the article figures', async () => {
  const page = await newPage(context);
  await page.goto('cong-khai/34/2023');
  await page.getByRole('heading', { level: 1, name: 'Số liệu công khai năm 2023 — Tỉnh Thái Bình' }).waitFor();
  assert.doesNotMatch(page.url(), /dang-nhap/);
  const row = (key) => page.locator(`tr[data-key="${key}"]`);
  await row('members').getByText('662.525', { exact: true }).waitFor();
  assert.match(await row('membership_rate').innerText(), /34,9%/);
  assert.match(await row('membership_rate').innerText(), /\+0,5 điểm/);
  await row('branches').getByText('2.576', { exact: true }).waitFor();
  await row('awards_count').getByText('224.729', { exact: true }).waitFor();
  assert.match(await row('fund_raised_vnd').innerText(), /163,3 tỷ đồng/);
  assert.match(await row('emulation_flags').innerText(), /\b17\b/);
  assert.match(await row('medals').innerText(), /\b146\b/);
  assert.match(await row('certificates_of_merit').innerText(), /\b82\b/);
  assert.match(await row('learning_family_rate').innerText(), /65,6%[\s\S]*Chưa đạt/);
  await page.getByText('Số liệu của 242/242 xã, từ 242 báo cáo đã phê duyệt.').waitFor();
  // The children (districts of old Thái Bình), ranked.
  await page.getByRole('heading', { level: 2, name: /Các đơn vị trực thuộc/ }).waitFor();
  assert.equal(await page.locator('table').nth(1).locator('tbody tr').count(), 8);
  await shot(page, 'thai-binh-2023');

  // Printing: the title and the figures, without the buttons and links.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.public-actions').isVisible(), false);
  assert.equal(await page.getByRole('heading', { level: 1 }).isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  assertNoPageErrors(page);
});

test('the URL carries its Open Graph tags, and the year report is a PDF', async () => {
  const page = await newPage(context);
  const html = await (await page.request.get('cong-khai/34/2023')).text();
  assert.match(html, /<meta property="og:title" content="Khuyến học Tỉnh Thái Bình năm 2023: số liệu công khai">/);
  assert.match(html, /og:description" content="[^"]*662\.525 hội viên/);
  const pdf = await page.request.get('api/v1/public/reports/34/2023/highlights?format=pdf');
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  // The report's HTML renders in Chromium too.
  await page.goto('api/v1/public/reports/34/2023/highlights');
  await page.getByRole('heading', { level: 1, name: 'Những dấu ấn nổi bật năm 2023 — Tỉnh Thái Bình' }).waitFor();
  assert.ok((await page.locator('svg.chart').count()) >= 2);
  await page.getByText('662.525', { exact: true }).first().waitFor();
  await shot(page, 'report-2023');
});

test('a year that is not published says so, still without signing in', async () => {
  const page = await newPage(context, { allow: [/404/] });
  await page.goto('cong-khai/35/2023');
  await page.getByRole('alert').getByText('Số liệu năm này của đơn vị chưa được công bố.').waitFor();
  assert.doesNotMatch(page.url(), /dang-nhap/);
});
