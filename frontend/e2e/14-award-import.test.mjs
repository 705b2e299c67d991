// Issue 19, item 7 (imports people get wrong), as the district editor importing 2023 awards of
// Phường Bồ Xuyên (12436), which no other test touches: the template is in sight, a category is
// written by its Vietnamese name, errors name columns by their header without internal codes, a
// failed file stops the progress bar, and the same file imported twice is not doubled.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('award-import');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HEADER = 'Mã đơn vị,Họ và tên,Đối tượng,Trường,Loại khen thưởng,Năm,Ngày trao,Số tiền (đồng),Giá trị quà (đồng)';
const AWARDS = '/api/v1/awards?unit=12436&year=2023&category=hoc_sinh_gioi_tinh&limit=1000';
const NAMES = ['Nguyễn Văn Tên', 'Trần Thị Loại', 'Lê Văn Mã'];

/** The awards of this file's three people, every page read. */
async function ours(page) {
  const found = [];
  let cursor = '';
  do {
    const r = (await apiAs(page, `${AWARDS}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
    found.push(...r.items.filter((a) => NAMES.includes(a.recipient_name)));
    cursor = r.next_cursor ?? '';
  } while (cursor);
  return found;
}

function csv(name, rows) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${HEADER}\n${rows.join('\n')}\n`, 'utf8') };
}

const GOOD = csv('khen-thuong-2023.csv', [
  '12436,Nguyễn Văn Tên,học sinh,THCS Bồ Xuyên,Thưởng học sinh giỏi cấp tỉnh,2023,05/09/2023,500000,0',
  '12436,Trần Thị Loại,sinh viên,,thuong hoc sinh gioi cap tinh,2023,05/09/2023,300000,0',
  '12436,Lê Văn Mã,giáo viên,,hoc_sinh_gioi_tinh,2023,,200000,0',
]);
const BAD = csv('sai.csv', ['12436,Phạm Văn Sai,robot,,Thưởng học sinh giỏi cấp tỉnh,2023,,100,0']);

async function openPanel(page) {
  await page.goto('so-dang-ky/khen-thuong');
  await page.getByRole('button', { name: 'Nhập danh sách từ tệp' }).click();
  return page.getByRole('region', { name: 'Nhập danh sách khen thưởng từ tệp' });
}

test('errors name columns by their header, never internal codes; a failed file stops the progress bar', async () => {
  const page = await signInAs(browser, 'huyen.thanhpho');
  const panel = await openPanel(page);
  // The template is in sight, not folded away in the column help.
  assert.ok(await panel.getByRole('button', { name: /^Tải tệp mẫu/ }).isVisible());

  await panel.getByLabel('Tệp CSV hoặc Excel (.xlsx)').setInputFiles(BAD);
  await panel.getByRole('button', { name: 'Kiểm tra thử' }).click();
  await panel.getByRole('alert').getByText('Tệp có lỗi', { exact: true }).waitFor();
  const row = panel.getByRole('table', { name: 'Các ô có lỗi (1)' }).locator('tbody tr');
  const [, column, message] = await row.evaluate((tr) => [...tr.cells].map((td) => td.textContent));
  assert.equal(column, 'C (Đối tượng)');
  assert.doesNotMatch(message, /pupil|student|teacher|other|recipient_kind/);

  // A file refused before any row was read: the bar stands still.
  await panel.getByLabel('Tệp CSV hoặc Excel (.xlsx)').setInputFiles({ name: 'rong.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await panel.getByRole('button', { name: 'Kiểm tra thử' }).click();
  await panel.getByRole('alert').getByText('Tệp có lỗi', { exact: true }).waitFor();
  const bar = panel.getByRole('progressbar');
  assert.doesNotMatch((await bar.getAttribute('class')) ?? '', /indeterminate/);
  await shot(page, 'failed-file');
  assertNoPageErrors(page);
  await page.context().close();
});

test('categories by name; the same file imported twice is not doubled, with the true duplicate count', async () => {
  const page = await signInAs(browser, 'huyen.thanhpho');
  assert.equal((await ours(page)).length, 0);
  const panel = await openPanel(page);
  await panel.getByLabel('Tệp CSV hoặc Excel (.xlsx)').setInputFiles(GOOD);
  await panel.getByRole('button', { name: 'Nhập', exact: true }).click();
  await panel.getByText('Đã nhập 3 khen thưởng').waitFor();
  // All three under the category, whether written by its name (with or without diacritics) or its code.
  assert.equal((await ours(page)).length, 3);

  // The same file again: the dry run says how many repeat and that nothing would be written.
  await panel.getByRole('button', { name: 'Kiểm tra thử' }).click();
  await panel.getByText('3 dòng trùng sẽ được bỏ qua.').waitFor();
  await panel.getByText('Bấm «Nhập» để ghi 0 dòng.').waitFor();
  await panel.getByRole('table', { name: /^Có thể trùng \(3\)/ }).waitFor();
  await shot(page, 'duplicates-dry-run');
  await panel.getByRole('button', { name: 'Nhập', exact: true }).click();
  await panel.getByText('Đã nhập 0 khen thưởng').waitFor();
  assert.equal((await ours(page)).length, 3, 'not doubled');

  // Asked for: the duplicates are imported.
  await panel.getByRole('checkbox', { name: /Nhập cả các dòng trùng/ }).check();
  await panel.getByRole('button', { name: 'Nhập', exact: true }).click();
  await panel.getByText('Đã nhập 3 khen thưởng').waitFor();
  assert.equal((await ours(page)).length, 6);
  assertNoPageErrors(page);
  await page.context().close();
});
