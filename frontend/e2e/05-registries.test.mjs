// The registries against the demo data: the district editor imports an award list (a file with
// errors saves nothing; a good one imports with its progress to the end), the commune editor
// works in its fund's ledger (an overdraft is refused with the balance) and records, changes and
// deletes an activity; every change shows without reloading the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, PHONE, screenshots, signInAs, viewportShot } from './helpers.mjs';

const shot = screenshots('registries');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HEADER = 'Mã đơn vị,Họ và tên,Đối tượng,Trường,Loại khen thưởng,Năm,Ngày trao,Số tiền (đồng),Giá trị quà (đồng)';
const GOOD_ROWS = 12_000;

function csv(rows) {
  return { name: 'khen-thuong-bo-xuyen-2024.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${HEADER}\n${rows.join('\n')}\n`, 'utf8') };
}

const BAD = csv([
  '12436,Nguyễn Văn An,học sinh,Trường THCS Bồ Xuyên,hoc_sinh_gioi_tinh,2024,05/09/2024,500000,0',
  '12436,Trần Thị Bình,robot,Trường THCS Bồ Xuyên,hoc_sinh_gioi_tinh,2024,05/09/2024,năm trăm nghìn,0',
  '99999,Lê Văn Cường,học sinh,Trường THCS Bồ Xuyên,hoc_sinh_gioi_tinh,2024,05/09/2024,500000,0',
]);

const GOOD = csv(
  Array.from({ length: GOOD_ROWS }, (_, i) =>
    [
      '12436',
      `Học sinh E2E số ${i + 1}`,
      i % 9 ? 'học sinh' : 'giáo viên',
      'Trường THCS Bồ Xuyên',
      i % 2 ? 'hoc_sinh_gioi_tinh' : 'hoc_bong_vuot_kho',
      '2024',
      '05/09/2024',
      '100000',
      i % 10 ? '0' : '50000',
    ].join(','),
  ),
);

const AWARDS_2024 = '/api/v1/awards?unit=12436&year=2024&limit=1000';

test('district editor: an award file with errors shows the bad cells and saves nothing; a good file imports to the end', async () => {
  // 422: nothing; the import answers its errors in the job, not as an HTTP error.
  const page = await signInAs(browser, 'huyen.thanhpho');
  await page.getByRole('navigation').getByRole('link', { name: 'Sổ đăng ký' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sổ đăng ký' }).waitFor();
  await page.getByRole('tab', { name: 'Khen thưởng', exact: true }).click();
  await page.waitForURL(/\/so-dang-ky\/khen-thuong/);
  // The user's own unit by default.
  const unit = page.getByLabel('Mã đơn vị (cả đơn vị cấp dưới)');
  // Shown by its name in the unit picker (issue 19 item 3); a code typed in full still chooses.
  assert.equal(await unit.inputValue(), 'Thành phố Thái Bình');
  await unit.fill('12436');
  await page.getByLabel('Năm', { exact: true }).selectOption('2024');
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.waitForURL(/unit=12436/);
  await page.getByText('Không có bản ghi nào khớp với điều kiện lọc.').waitFor();
  assert.equal((await apiAs(page, AWARDS_2024)).body.items.length, 0);

  await page.getByRole('button', { name: 'Nhập danh sách từ tệp' }).click();
  const panel = page.getByRole('region', { name: 'Nhập danh sách khen thưởng từ tệp' });
  await panel.getByLabel('Tệp CSV hoặc Excel (.xlsx)').setInputFiles(BAD);
  await panel.getByText('Đã chọn: khen-thuong-bo-xuyen-2024.csv').waitFor();
  await panel.getByRole('button', { name: 'Nhập', exact: true }).click();
  const alert = panel.getByRole('alert');
  await alert.getByText('Chưa nhập dòng nào', { exact: true }).waitFor();
  assert.match(await alert.innerText(), /Tệp có 3 lỗi; chưa nhập dòng nào/);
  const errors = panel.getByRole('table', { name: 'Các ô có lỗi (3)' });
  const cells = await errors.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(
    cells.map(([row, column]) => [row, column]),
    [
      ['3', 'C (Đối tượng)'],
      ['3', 'H (Số tiền (đồng))'],
      ['4', 'A (Mã đơn vị)'],
    ],
  );
  assert.match(cells[2][2], /Không có đơn vị mã 99999/);
  // Nothing saved, nothing changed on the page.
  assert.equal((await apiAs(page, AWARDS_2024)).body.items.length, 0);
  await page.getByText('Không có bản ghi nào khớp với điều kiện lọc.').waitFor();
  await shot(page, 'awards-import-errors');
  await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -72));
  await viewportShot(page, 'readme-registries-import.png');

  // A good file: checked first (nothing saved), then imported.
  await panel.getByLabel('Tệp CSV hoặc Excel (.xlsx)').setInputFiles(GOOD);
  await panel.getByRole('button', { name: 'Kiểm tra thử' }).click();
  await panel.getByText('Tệp hợp lệ').waitFor({ timeout: 60_000 });
  await panel.getByText('Bấm «Nhập» để ghi 12.000 dòng.').waitFor();
  assert.equal((await apiAs(page, AWARDS_2024)).body.items.length, 0, 'a dry run saves nothing');

  // Record every value the progress bar shows.
  await page.evaluate(() => {
    window.progressSeen = [];
    const seen = () => {
      const bar = document.querySelector('.import-panel [role=progressbar]');
      const v = bar ? `${bar.getAttribute('aria-valuenow')}/${bar.getAttribute('aria-valuemax')}` : 'none';
      if (window.progressSeen.at(-1) !== v) window.progressSeen.push(v);
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await panel.getByRole('button', { name: 'Nhập', exact: true }).click();
  await panel.getByText('Đã nhập 12.000 khen thưởng').waitFor({ timeout: 120_000 });
  const bar = panel.getByRole('progressbar');
  assert.equal(await bar.getAttribute('aria-valuenow'), String(GOOD_ROWS));
  assert.equal(await bar.getAttribute('aria-valuemax'), String(GOOD_ROWS));
  // From the moment the new job replaced the dry run's outcome.
  const all = await page.evaluate(() => window.progressSeen);
  const seen = all.slice(all.lastIndexOf('none') + 1);
  console.log(`progress bar values: ${seen.join(' → ')}`);
  assert.equal(seen.at(-1), `${GOOD_ROWS}/${GOOD_ROWS}`);
  // (null/null: the total is not known yet, while the file is read and checked.)
  const numbers = seen.filter((v) => !v.startsWith('null')).map((v) => Number(v.split('/')[0]));
  assert.ok(numbers.length >= 1);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'the bar only moves forward');

  // The list shows the new awards without reloading.
  await page.getByText('Trang 1 · 50 bản ghi').waitFor();
  await page.getByRole('cell', { name: /^Học sinh E2E số 1\b/ }).first().waitFor();
  const stored = await apiAs(page, AWARDS_2024);
  assert.equal(stored.body.items.length, 1000);
  assert.ok(stored.body.next_cursor, 'more than one page of 1000');
  await shot(page, 'awards-import-done');

  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-awards');
  assertNoPageErrors(page);
  await page.context().close();
});

test("commune editor: the fund's ledger with its running balance; an overdraft is refused with the balance", async () => {
  // 409: the overdraft, on purpose.
  const page = await signInAs(browser, 'xa.lehongphong', { allow: [/status of 409/] });
  await page.goto('so-dang-ky/quy');
  await page.getByRole('tab', { name: 'Quỹ', selected: true }).waitFor();
  const fundRow = page.getByRole('row').filter({ hasText: 'Quỹ khuyến học Phường Lê Hồng Phong' });
  await fundRow.getByText('153.329.722 đ').waitFor();
  await fundRow.getByRole('button', { name: 'Sổ quỹ «Quỹ khuyến học Phường Lê Hồng Phong»' }).click();
  await page.waitForURL(/record=\d+/);
  const ledger = page.getByRole('table', { name: /^Sổ quỹ Quỹ khuyến học Phường Lê Hồng Phong/ });
  const balances = () => ledger.locator('tbody tr td:nth-child(7)').allInnerTexts();
  await ledger.locator('tbody tr').nth(2).waitFor();
  assert.deepEqual(await balances(), ['153.329.722 đ', '755.038.308 đ', '153.329.722 đ']);
  const facts = page.locator('.detail-panel dl.facts');
  await facts.getByText('153.329.722 đ').waitFor();

  // More than the fund holds: refused, with the balance, at the amount.
  const form = page.getByRole('form', { name: 'Ghi bút toán' });
  await form.getByRole('radio', { name: 'Chi', exact: true }).check();
  await form.getByLabel('Số tiền (đồng)').fill('999999999999');
  await form.getByLabel('Nội dung').fill('Chi thử quá số dư');
  await form.getByRole('button', { name: 'Ghi bút toán' }).click();
  const alert = form.getByRole('alert');
  await alert.getByText('Quỹ không đủ tiền', { exact: true }).waitFor();
  assert.match(await alert.innerText(), /số dư 153\.329\.722 đồng/);
  assert.match(await alert.innerText(), /Số dư hiện tại của quỹ: 153\.329\.722 đ/);
  assert.equal(await form.getByLabel('Số tiền (đồng)').getAttribute('aria-invalid'), 'true');
  assert.equal((await balances()).length, 3, 'nothing recorded');
  await shot(page, 'fund-overdraft');

  // A contribution: the ledger, the balance and the list change at once.
  // No force: the radio covers its label (styles.css, .segmented input), nothing lies over it.
  await form.getByRole('radio', { name: 'Thu (vận động, đóng góp)' }).check();
  await form.getByLabel('Số tiền (đồng)').fill('1000000');
  await form.getByLabel('Nội dung').fill('Ủng hộ của doanh nghiệp');
  await form.getByRole('button', { name: 'Ghi bút toán' }).click();
  await form.getByRole('status').filter({ hasText: /Đã ghi bút toán #\d+ \(Thu \(vận động, đóng góp\)\): \+1\.000\.000 đ\./ }).waitFor();
  await facts.getByText('154.329.722 đ').waitFor();
  await ledger.locator('tbody tr').nth(3).waitFor();
  assert.equal((await balances()).at(-1), '154.329.722 đ');
  await fundRow.getByText('154.329.722 đ').waitFor();
  assert.equal(await form.getByRole('alert').count(), 0);
  await shot(page, 'fund-ledger');
  assertNoPageErrors(page);
  await page.context().close();
});

test('commune editor: records an activity, changes it, deletes it; a bad link is refused at its field', async () => {
  // 422: the bad link, on purpose.
  const page = await signInAs(browser, 'xa.lehongphong', { allow: [/status of 422/] });
  await page.goto('so-dang-ky/hoat-dong');
  await page.getByText('Không có bản ghi nào khớp với điều kiện lọc.').waitFor();
  await page.getByRole('button', { name: '+ Thêm hoạt động' }).click();
  const form = page.getByRole('form', { name: 'Hoạt động mới' });
  assert.equal(await form.getByLabel('Đơn vị', { exact: true }).inputValue(), 'Phường Lê Hồng Phong');
  await form.getByText('Phường Lê Hồng Phong · bản đồ trước 01/07/2025').waitFor();
  // Required fields are checked before sending.
  await form.getByRole('button', { name: 'Thêm', exact: true }).click();
  await form.getByRole('alert').getByText('Tên: Không được để trống.').waitFor();
  assert.equal(await form.getByRole('textbox', { name: 'Tên', exact: true }).getAttribute('aria-invalid'), 'true');

  const title = 'Tuần lễ hưởng ứng học tập suốt đời 2024';
  await form.getByRole('textbox', { name: 'Tên', exact: true }).fill(title);
  await form.getByRole('textbox', { name: 'Năm', exact: true }).fill('2024');
  await form.getByLabel('Ngày', { exact: true }).fill('2024-10-01');
  await form.getByLabel('Số người tham gia').fill('120');
  await form.getByLabel('Số tin, bài').fill('6');
  await shot(page, 'activity-form');
  await form.getByRole('button', { name: 'Thêm', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Đã thêm «${title}».` }).waitFor();
  const row = page.getByRole('row').filter({ hasText: title });
  await row.getByRole('cell', { name: '120', exact: true }).waitFor();

  await row.getByRole('button', { name: `Sửa «${title}»` }).click();
  const edit = page.getByRole('form', { name: `Sửa «${title}»` });
  assert.equal(await edit.getByLabel('Số người tham gia').inputValue(), '120');
  await edit.getByLabel('Số người tham gia').fill('150');
  await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await page.getByRole('status').filter({ hasText: `Đã lưu thay đổi của «${title}».` }).waitFor();
  await row.getByRole('cell', { name: '150', exact: true }).waitFor();
  await shot(page, 'activity-saved');

  await row.getByRole('button', { name: `Xoá «${title}»` }).click();
  await row.getByRole('group', { name: `Xoá «${title}»?` }).getByRole('button', { name: 'Xoá' }).click();
  await page.getByRole('status').filter({ hasText: `Đã xoá «${title}».` }).waitFor();
  await page.getByText('Không có bản ghi nào khớp với điều kiện lọc.').waitFor();

  // The API's 422 for one line of a list lands at its field.
  await page.getByRole('tab', { name: 'Phối hợp' }).click();
  await page.getByRole('button', { name: '+ Thêm thoả thuận phối hợp' }).click();
  const p = page.getByRole('form', { name: 'Thoả thuận phối hợp mới' });
  await p.getByRole('textbox', { name: 'Tên', exact: true }).fill('Chương trình phối hợp với Đoàn Thanh niên phường');
  await p.getByLabel('Văn bản (đường dẫn)').fill('https://example.vn/ct-01.pdf\nkhong-phai-duong-dan');
  await p.getByRole('button', { name: 'Thêm', exact: true }).click();
  await p.getByRole('alert').getByText('Chưa lưu được').waitFor();
  const docs = p.getByLabel('Văn bản (đường dẫn)');
  assert.equal(await docs.getAttribute('aria-invalid'), 'true');
  await p.getByText('dòng 2: Sai định dạng', { exact: true }).waitFor();
  await shot(page, 'partnership-invalid');
  await p.getByLabel('Văn bản (đường dẫn)').fill('https://example.vn/ct-01.pdf');
  await p.getByRole('button', { name: 'Thêm', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Đã thêm «Chương trình phối hợp với Đoàn Thanh niên phường».' }).waitFor();

  // Each registry tab, for the record.
  for (const [tab, name] of [
    ['Tổ chức hội', 'associations'],
    ['Thi đua khen thưởng', 'commendations'],
    ['Kiểm tra', 'inspections'],
    ['Phối hợp', 'partnerships'],
  ]) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('heading', { level: 2, name: tab }).waitFor();
    await page.getByText(/^Trang 1 · \d+ bản ghi$/).waitFor();
    await shot(page, `tab-${name}`);
  }
  await page.getByRole('tab', { name: 'Tổ chức hội' }).click();
  const branch = page.getByRole('row').filter({ hasText: 'Chi hội tổ dân phố số 1' }).first();
  await branch.getByRole('button', { name: /^Hội viên theo năm của/ }).click();
  await page.getByRole('table', { name: /^Hội viên và xếp loại theo năm · Chi hội tổ dân phố số 1/ }).getByRole('cell', { name: '2023' }).waitFor();
  await shot(page, 'association-years');
  assertNoPageErrors(page);
  await page.context().close();
});
