// Issue 19, item 6 (approval is thin): the commune editor is asked to confirm when its figures
// disagree with the registries, the district editor finds the report in "Chờ duyệt" (with a count
// in the menu) and reopens it with a reason, and the commune sees why. Uses 12433's 2021 report,
// which no other test touches.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, PHONE, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('approval-inbox');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const REPORT = '/api/v1/reports/12433/2021';
const REASON = 'Số hội viên chưa khớp với sổ hội viên';
const FIGURES = {
  population: 6820, households: 2075, members: 2251, branches: 9, boards: 23,
  citizens_assessed: 4700, citizens_registered: 1400, learning_citizens: 1180,
  families_assessed: 2075, families_registered: 1450, learning_families: 1320,
  clans: 31, clans_registered: 23, learning_clans: 19,
  communities: 7, communities_registered: 6, learning_communities: 5,
  units_assessed: 10, units_registered: 9, learning_units: 8,
  communes: 1, communes_rated_learning_community: 1,
  fund_raised_vnd: 620_000_000, fund_balance_vnd: 160_000_000, awards_count: 850, awards_vnd: 450_000_000,
  emulation_flags: 0, medals: 1, certificates_of_merit: 1, inspections: 1,
};

test('commune editor: submitting figures that disagree with the registries asks first, listing them', async () => {
  const page = await signInAs(browser, 'xa.lehongphong', { allow: [/status of 404/] });
  assert.equal((await apiAs(page, REPORT, { method: 'PUT', body: FIGURES })).status, 201);
  const rec = await apiAs(page, `${REPORT}/reconciliation`);
  const disagree = rec.body.items.filter((i) => !i.agrees);
  assert.ok(disagree.length > 0, 'the demo registries disagree with these figures');

  await page.goto('bao-cao/12433/2021');
  await page.getByRole('button', { name: 'Lưu và nộp báo cáo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Số liệu chưa khớp với sổ đăng ký' });
  await dialog.waitFor();
  await dialog.getByText(`Có ${disagree.length} chỉ tiêu trong báo cáo khác với số cộng từ sổ đăng ký.`).waitFor();
  assert.equal(await dialog.locator('tbody tr').count(), disagree.length);
  await dialog.getByRole('rowheader', { name: 'Số hội viên', exact: true }).waitFor();
  await shot(page, 'submit-confirm');

  // Going back submits nothing.
  await dialog.getByRole('button', { name: 'Quay lại sửa' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await apiAs(page, REPORT)).body.status, 'draft');

  await page.getByRole('button', { name: 'Lưu và nộp báo cáo' }).click();
  await dialog.getByRole('button', { name: 'Vẫn nộp báo cáo' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã nộp báo cáo. Đơn vị cấp trên sẽ phê duyệt.' }).waitFor();
  assert.equal((await apiAs(page, REPORT)).body.status, 'submitted');
  assertNoPageErrors(page);
  await page.context().close();
});

test('district editor: "Chờ duyệt" in the menu with its count lists the report; reopening takes a reason', async () => {
  const page = await signInAs(browser, 'huyen.thanhpho');
  const waiting = (await apiAs(page, '/api/v1/reports?awaiting=me&limit=100')).body.items;
  assert.ok(waiting.some((r) => r.unit_code === '12433' && r.year === 2021));
  const link = page.getByRole('navigation').getByRole('link', { name: /^Chờ duyệt/ });
  const count = link.getByTestId('inbox-count');
  await count.waitFor();
  assert.equal(await count.textContent(), `${waiting.length} mục đang chờ`);
  await link.click();
  await page.getByRole('heading', { level: 1, name: 'Chờ duyệt' }).waitFor();
  assert.equal(await page.locator('table.data tbody tr').count(), waiting.length);
  const row = page.getByRole('row').filter({ hasText: 'Phường Lê Hồng Phong' }).filter({ hasText: '2021' });
  await shot(page, 'inbox');
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await row.getByRole('link', { name: 'Phường Lê Hồng Phong' }).click();
  await page.waitForURL(/\/bao-cao\/12433\/2021$/);

  const reopen = page.getByRole('button', { name: 'Mở lại để sửa' });
  assert.equal(await reopen.isDisabled(), true, 'no reopening without a reason');
  await page.getByLabel(/^Lý do/).fill(REASON);
  await reopen.click();
  await page.getByRole('status').filter({ hasText: 'Đã mở lại báo cáo thành bản nháp.' }).waitFor();

  // Back in the inbox, the report no longer waits, and the count went down.
  await page.goto('cho-duyet');
  await page.getByRole('heading', { level: 1, name: 'Chờ duyệt' }).waitFor();
  assert.equal(await page.getByRole('row').filter({ hasText: 'Phường Lê Hồng Phong' }).filter({ hasText: '2021' }).count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

test('commune editor: the reopened report says why', async () => {
  const page = await signInAs(browser, 'xa.lehongphong');
  await page.goto('bao-cao/12433/2021');
  await page.locator('dl.facts').getByText('Nháp').waitFor();
  await page.locator('dl.facts').getByText(REASON).waitFor();
  // No inbox for a commune: nothing is below it.
  assertNoPageErrors(page);
  await page.context().close();
});
