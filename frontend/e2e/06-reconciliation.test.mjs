// Reconciliation on the report page: Phường Lê Hồng Phong's 2023 report agrees with its registries
// everywhere; Phường Đề Thám's lacks one award in the registry; a district editor fills a new
// draft from the registries (Bồ Xuyên 2024, whose awards the previous test imported).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, screenshots, signInAs, viewportShot } from './helpers.mjs';

const shot = screenshots('reconciliation');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const panelOf = (page) => page.getByRole('region', { name: 'Đối chiếu với sổ đăng ký' });
const rowOf = (page, label) => panelOf(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
const cellsOf = (row) => row.locator('td').allInnerTexts();

test('12433/2023 agrees everywhere; 12439/2023 shows the missing award in red', async () => {
  const page = await signInAs(browser, 'admin');
  await page.goto('bao-cao/12433/2023');
  await page.getByRole('heading', { level: 1, name: 'Báo cáo năm 2023 · Phường Lê Hồng Phong' }).waitFor();
  await panelOf(page).getByText('Cả 11 số liệu khớp với sổ đăng ký.').waitFor();
  assert.equal(await panelOf(page).locator('tr.recon-disagree').count(), 0);

  await page.goto('bao-cao/12439/2023');
  await page.getByRole('heading', { level: 1, name: 'Báo cáo năm 2023 · Phường Đề Thám' }).waitFor();
  const panel = panelOf(page);
  await panel.getByText('2/11 số liệu không khớp với sổ đăng ký.').waitFor();
  const awards = rowOf(page, 'Số suất khen thưởng, học bổng');
  assert.equal(await awards.getAttribute('class'), 'recon-disagree');
  assert.deepEqual(await cellsOf(awards), ['1.261', '1.260', '+1', 'Lệch']);
  const value = rowOf(page, 'Tổng giá trị khen thưởng, học bổng (đồng)');
  assert.equal(await value.getAttribute('class'), 'recon-disagree');
  const members = rowOf(page, 'Số hội viên');
  assert.equal(await members.getAttribute('class'), 'recon-agree');
  assert.deepEqual(await cellsOf(members), ['4.187', '4.187', '0', 'Khớp']);
  // Red and green, not just words.
  const [bad, good] = await Promise.all([awards.locator('td').first(), members.locator('td').first()].map((l) => l.evaluate((td) => getComputedStyle(td).backgroundColor)));
  assert.notEqual(bad, good);
  // An approved report is not pre-filled.
  assert.equal(await panel.getByRole('button', { name: 'Điền từ sổ đăng ký' }).count(), 0);
  await panel.scrollIntoViewIfNeeded();
  await panel.getByRole('heading', { name: 'Đối chiếu với sổ đăng ký' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -70));
  await viewportShot(page, 'readme-reconciliation.png');
  await shot(page, 'de-tham-2023');

  // The figure links to its registry, filtered on the unit.
  await awards.getByRole('link', { name: 'Số suất khen thưởng, học bổng' }).click();
  await page.waitForURL(/\/so-dang-ky\/khen-thuong\?unit=12439$/);
  await page.getByRole('tab', { name: 'Khen thưởng', selected: true }).waitFor();
  await page.getByText('Trang 1 · 50 bản ghi').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('district editor: a new draft is filled from the registries, and then agrees with them', async () => {
  // 404: the report does not exist yet.
  const page = await signInAs(browser, 'huyen.thanhpho', { allow: [/status of 404/] });
  await page.goto('bao-cao/12436/2024');
  await page.getByText('Đơn vị chưa có báo cáo năm 2024.').waitFor();
  const panel = panelOf(page);
  await panel.getByText('Đơn vị chưa có báo cáo năm này: chỉ có số liệu của sổ đăng ký.').waitFor();
  const awards = rowOf(page, 'Số suất khen thưởng, học bổng');
  assert.deepEqual(await cellsOf(awards), ['—', '12.000', '—', 'Chưa có']);

  await panel.getByRole('button', { name: 'Điền từ sổ đăng ký' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã điền các số liệu từ sổ đăng ký vào bản nháp.' }).waitFor();
  await page.locator('dl.facts').getByText('Nháp').waitFor();
  assert.equal(await page.getByLabel('Số suất khen thưởng, học bổng', { exact: true }).inputValue(), '12.000');
  assert.equal(await page.getByLabel('Tổng giá trị khen thưởng, học bổng (đồng)', { exact: true }).inputValue(), '1.260.000.000');
  await panel.getByText('Cả 11 số liệu khớp với sổ đăng ký.').waitFor();
  assert.deepEqual(await cellsOf(awards), ['12.000', '12.000', '0', 'Khớp']);
  // The other figures stay for the editor to enter.
  assert.equal(await page.getByLabel('Dân số', { exact: true }).inputValue(), '');
  await page.getByRole('table', { name: 'Lịch sử thay đổi của báo cáo' }).getByRole('cell', { name: 'Tạo', exact: true }).waitFor();
  await shot(page, 'bo-xuyen-2024-prefilled');
  assertNoPageErrors(page);
  await page.context().close();
});
