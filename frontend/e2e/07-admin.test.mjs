// Administration as the admin made for this run: a user created, disabled and deleted; an API key
// created — its secret shown once, copied, working — then revoked; the audit trail of all that.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, newPage, PHONE, screenshots, signIn, USERNAME, viewportShot } from './helpers.mjs';

const shot = screenshots('admin');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function adminPage(allow = []) {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await newPage(context, { allow });
  await signIn(page);
  await page.waitForURL((u) => !u.pathname.endsWith('/dang-nhap'));
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  return page;
}

test('users: an admin creates one (old-map unit, chosen permissions), disables and deletes it', async () => {
  const page = await adminPage();
  await page.getByRole('navigation').getByRole('link', { name: 'Quản trị' }).click();
  await page.getByRole('tab', { name: 'Người dùng', selected: true }).waitFor();
  await page.getByRole('cell', { name: USERNAME, exact: true }).waitFor();
  await viewportShot(page, 'readme-admin.png');

  await page.getByRole('button', { name: '+ Thêm người dùng' }).click();
  const form = page.getByRole('form', { name: 'Thêm người dùng' });
  await form.getByLabel('Tên đăng nhập').fill('e2e.xabo-xuyen');
  await form.getByLabel('Họ tên').fill('Cán bộ phường Bồ Xuyên (E2E)');
  await form.getByLabel('Vai trò').selectOption('editor');
  await form.getByLabel('Mã đơn vị').fill('12436');
  await form.getByText('Phường Bồ Xuyên · bản đồ trước 01/07/2025').waitFor();
  await form.getByLabel('Mật khẩu', { exact: true }).fill('ngan');
  await form.getByRole('button', { name: 'Tạo người dùng' }).click();
  await form.getByRole('alert').waitFor();
  assert.equal(await form.getByLabel('Mật khẩu', { exact: true }).getAttribute('aria-invalid'), 'true');
  await form.getByRole('button', { name: 'Tạo mật khẩu ngẫu nhiên' }).click();
  assert.ok((await form.getByLabel('Mật khẩu', { exact: true }).inputValue()).length >= 10);
  await form.getByRole('checkbox', { name: /Xem báo cáo/ }).check();
  await form.getByRole('checkbox', { name: /Nhập báo cáo/ }).check();
  await form.getByRole('checkbox', { name: /Xem sổ đăng ký/ }).check();
  await form.getByRole('checkbox', { name: /Ghi sổ đăng ký/ }).check();
  await form.getByText('4 quyền được chọn').waitFor();
  await shot(page, 'user-form');
  await form.getByRole('button', { name: 'Tạo người dùng' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã tạo người dùng e2e.xabo-xuyen.' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'e2e.xabo-xuyen' });
  await row.getByRole('cell', { name: 'Phường Bồ Xuyên 12436' }).waitFor();
  await row.getByText('4 quyền được chọn').waitFor();

  await row.getByRole('button', { name: 'Khoá tài khoản e2e.xabo-xuyen' }).click();
  await page.getByRole('status').filter({ hasText: /Đã khoá tài khoản e2e\.xabo-xuyen/ }).waitFor();
  await row.getByText('đã khoá').waitFor();
  await row.getByRole('button', { name: 'Mở khoá tài khoản e2e.xabo-xuyen' }).waitFor();

  await row.getByRole('button', { name: 'Sửa «e2e.xabo-xuyen»' }).click();
  const edit = page.getByRole('form', { name: 'Sửa người dùng e2e.xabo-xuyen' });
  await edit.getByLabel('Họ tên').fill('Cán bộ khuyến học phường Bồ Xuyên (E2E)');
  await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu thay đổi của e2e.xabo-xuyen.' }).waitFor();
  await row.getByText('Cán bộ khuyến học phường Bồ Xuyên (E2E)').waitFor();
  await shot(page, 'users');

  await row.getByRole('button', { name: 'Xoá «e2e.xabo-xuyen»' }).click();
  await row.getByRole('group', { name: 'Xoá hẳn người dùng e2e.xabo-xuyen?' }).getByRole('button', { name: 'Xoá' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã xoá người dùng e2e.xabo-xuyen.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assertNoPageErrors(page);
  await page.context().close();
});

test('API keys: the secret is shown once, copied, works; revoked, it stops working', async () => {
  // 401: the revoked key, on purpose.
  const page = await adminPage([/status of 401/]);
  await page.goto('quan-tri/khoa-api');
  await page.getByRole('tab', { name: 'Khoá API', selected: true }).waitFor();
  await page.getByRole('cell', { name: 'Hội Khuyến học tỉnh Hà Nam (demo)', exact: true }).waitFor();
  await page.getByRole('button', { name: '+ Tạo khoá API' }).click();
  const form = page.getByRole('form', { name: 'Tạo khoá API' });
  const name = 'Kịch bản thống kê E2E';
  await form.getByLabel('Tên (hệ thống hoặc kịch bản dùng khoá)').fill(name);
  await form.getByLabel('Vai trò').selectOption('viewer');
  await form.getByLabel('Mã đơn vị').fill('34');
  await form.getByText('Tỉnh Thái Bình · bản đồ trước 01/07/2025').waitFor();
  await form.getByRole('button', { name: 'Tạo khoá', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Khoá API mới' });
  await dialog.waitFor();
  await dialog.getByText('Chỉ hiện một lần').waitFor();
  const secret = await dialog.getByLabel('Khoá API').inputValue();
  assert.match(secret, /^khk_[0-9a-f]+_\S{20,}$/);
  await dialog.getByRole('button', { name: 'Sao chép khoá' }).click();
  await dialog.getByText('Đã sao chép khoá vào bộ nhớ tạm.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await shot(page, 'key-secret');

  // The key works, as a viewer of Thái Bình.
  const me = await apiAs(page, '/api/v1/me', { token: secret });
  assert.equal(me.status, 200);
  assert.equal(me.body.kind, 'api_key');
  assert.equal(me.body.unit_code, '34');

  // Closed, it is gone: not on the page, not in the list the API gives.
  await dialog.getByRole('button', { name: 'Tôi đã lưu khoá, đóng' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await page.content()).includes(secret), false);
  const listed = await apiAs(page, '/api/v1/api-keys');
  assert.equal(JSON.stringify(listed.body).includes(secret.split('_').at(-1)), false);
  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByText(`khk_${secret.split('_')[1]}_…`).waitFor();
  await row.getByText('đang hoạt động').waitFor();

  await row.getByRole('button', { name: `Thu hồi khoá ${name}` }).click();
  await row.getByRole('group').getByRole('button', { name: 'Thu hồi' }).click();
  await page.getByRole('status').filter({ hasText: `Đã thu hồi khoá «${name}»` }).waitFor();
  await row.getByText('đã thu hồi').waitFor();
  assert.equal((await apiAs(page, '/api/v1/me', { token: secret })).status, 401);
  await shot(page, 'keys');
  assertNoPageErrors(page);
  await page.context().close();
});

test('audit trail: filtered by kind of record and actor, paged, as CSV', async () => {
  const page = await adminPage();
  await page.goto('quan-tri/nhat-ky');
  await page.getByRole('tab', { name: 'Nhật ký thay đổi', selected: true }).waitFor();
  await page.getByText('Trang 1 · 50 mục').waitFor();
  await page.getByRole('button', { name: /Trang sau/ }).click();
  await page.getByText('Trang 2 · 50 mục').waitFor();
  await page.getByRole('button', { name: /Trang trước/ }).click();
  await page.getByText('Trang 1 · 50 mục').waitFor();

  await page.getByLabel('Loại bản ghi').selectOption('api_key');
  await page.getByLabel('Người thực hiện').fill(USERNAME);
  await page.getByRole('button', { name: 'Lọc', exact: true }).click();
  await page.waitForURL(/entity=api_key/);
  const table = page.getByRole('table', { name: 'Nhật ký thay đổi' });
  await table.getByRole('cell', { name: 'Thu hồi', exact: true }).waitFor();
  const actions = await table.locator('tbody tr td:nth-child(4)').allInnerTexts();
  assert.deepEqual(actions, ['Thu hồi', 'Tạo'], 'newest first');
  assert.match(await table.locator('tbody tr').last().innerText(), /name: Kịch bản thống kê E2E/);
  await shot(page, 'audit');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải về CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'nhat-ky-thay-doi.csv');
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'Excel reads it as UTF-8');
  assert.equal(text.trim().split('\n').length, 3, 'a header and the two entries');
  assert.match(text, /api_key/);

  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
  await shot(page, 'phone-audit');
  assertNoPageErrors(page);
  await page.context().close();
});
