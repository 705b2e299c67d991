import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, newPage, screenshots, signIn } from './helpers.mjs';

const shot = screenshots('units');
let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(await browser.newContext());
  await signIn(page);
  await page.getByRole('banner').getByText('Quản trị E2E').waitFor();
});
after(async () => {
  await browser?.close();
});

const rows = () => page.locator('table.data tbody tr');

async function chooseMap(label) {
  const radio = page.getByRole('radio', { name: label });
  await radio.click();
  await page.waitForURL(label === 'Bản đồ hiện nay' ? /map=new/ : /map=old/);
  await page.getByRole('radio', { name: label, checked: true }).waitFor();
}

test('units: 63 provinces on the pre-2025 map, 34 today', async () => {
  await page.getByRole('navigation').getByRole('link', { name: 'Đơn vị hành chính' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đơn vị hành chính' }).waitFor();

  await chooseMap('Bản đồ trước 01/07/2025');
  await page.getByText('Đang hiển thị 63 đơn vị').waitFor();
  assert.equal(await rows().count(), 63);
  assert.match(page.url(), /map=old/);
  await page.getByRole('link', { name: 'Tỉnh Thái Bình', exact: true }).waitFor();
  await shot(page, 'units-old-map');

  await chooseMap('Bản đồ hiện nay');
  await page.getByText('Đang hiển thị 34 đơn vị').waitFor();
  assert.equal(await rows().count(), 34);
  assert.equal(await page.getByRole('link', { name: 'Tỉnh Thái Bình', exact: true }).count(), 0);
  await shot(page, 'units-new-map');
  assertNoPageErrors(page);
});

test('units: CSV export of the list through the API', async () => {
  await chooseMap('Bản đồ trước 01/07/2025');
  await page.getByText('Đang hiển thị 63 đơn vị').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải về CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^don-vi-hanh-chinh-2024-12-31-province\.csv$/);
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 BOM for Excel');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(lines[0], /^code,name,/);
  assert.equal(lines.length, 1 + 63);
  assert.ok(lines.some((l) => l.startsWith('34,Tỉnh Thái Bình,')));
  assertNoPageErrors(page);
});

test('units: "Xem thêm" loads the next page', async () => {
  await page.getByLabel('Cấp').selectOption('commune');
  await page.getByText('Đang hiển thị 100 đơn vị').waitFor();
  await page.getByRole('button', { name: 'Xem thêm' }).click();
  await page.getByText('Đang hiển thị 200 đơn vị').waitFor();
  assert.equal(await rows().count(), 200);
  await page.getByRole('button', { name: 'Xoá bộ lọc' }).click();
  await page.getByText('Đang hiển thị 63 đơn vị').waitFor();
  assertNoPageErrors(page);
});

test('units: search "thai binh" on the pre-2025 map, open Thái Bình: 8 districts, successor 33', async () => {
  await chooseMap('Bản đồ trước 01/07/2025');
  const search = page.getByLabel('Tìm theo tên');
  await search.fill('thai binh');
  await search.press('Enter');
  await page.waitForURL(/q=thai\+binh/);
  const link = page.getByRole('link', { name: 'Tỉnh Thái Bình', exact: true });
  await link.waitFor();
  await shot(page, 'units-search-thai-binh');

  await link.click();
  await page.getByRole('heading', { level: 1, name: 'Tỉnh Thái Bình' }).waitFor();
  const facts = page.locator('dl.facts');
  await facts.getByText('30/06/2025').waitFor(); // valid to
  await page.getByText('8 đơn vị trực thuộc').waitFor();
  assert.equal(await rows().count(), 8);
  const successor = facts.getByRole('link', { name: /^33/ });
  await successor.waitFor();
  // Named as the service names it on today's map.
  await facts.getByRole('link', { name: /^33 · .*Hưng Yên$/ }).waitFor();
  await shot(page, 'unit-thai-binh');

  // The successor, on today's map.
  await successor.click();
  await page.getByRole('heading', { level: 1, name: /Hưng Yên$/ }).waitFor();
  assert.match(page.url(), /\/don-vi\/33\?map=new$/);
  assert.equal(await page.getByRole('radio', { name: 'Bản đồ hiện nay' }).isChecked(), true);
  await facts.getByText('còn hiệu lực').waitFor();
  await shot(page, 'unit-hung-yen');
  assertNoPageErrors(page);
});

test('units: phone width', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('don-vi?map=old&q=thai+binh');
  await page.getByRole('link', { name: 'Tỉnh Thái Bình', exact: true }).waitFor();
  // The table keeps code, name and level; the rest folds away.
  assert.equal(await page.getByRole('columnheader', { name: 'Hiệu lực từ' }).isVisible(), false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-units-search');
  await page.setViewportSize({ width: 1280, height: 800 });
  assertNoPageErrors(page);
});
