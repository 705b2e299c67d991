// Webhooks as the admin made for this run: an endpoint registered for the demo's Hà Nam partner key — its
// signing secret shown once, copied, never shown again — paused and resumed, and its (empty) delivery log.
// The delivery log's lines, redelivery and the notice of an automatic disabling are in
// src/pages/admin/WebhooksSection.test.tsx (no delivery process runs here).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, newPage, screenshots, signIn } from './helpers.mjs';

const shot = screenshots('webhooks');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('webhooks: created for a partner key with its secret shown once, paused, resumed, its log opened', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await newPage(context);
  await signIn(page);
  await page.waitForURL((u) => !u.pathname.endsWith('/dang-nhap'));
  await page.getByRole('navigation').getByRole('link', { name: 'Quản trị' }).click();
  await page.getByRole('tab', { name: 'Webhook' }).click();
  await page.getByRole('tab', { name: 'Webhook', selected: true }).waitFor();
  await page.waitForURL((u) => u.pathname.endsWith('/quan-tri/webhook'));

  const url = 'http://127.0.0.1:9/nhan-thay-doi'; // allowed by KH_WEBHOOK_ALLOW_HOSTS in e2e/run.mjs
  await page.getByRole('button', { name: '+ Thêm webhook' }).click();
  const form = page.getByRole('form', { name: 'Thêm webhook' });
  await form.getByRole('button', { name: 'Tạo webhook' }).click();
  await form.getByRole('alert').waitFor(); // no key chosen, the URL incomplete
  assert.equal(await form.getByLabel('Khoá API của đối tác').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Địa chỉ nhận (URL)').fill(url);
  const key = form.getByLabel('Khoá API của đối tác');
  const option = key.locator('option', { hasText: 'Hà Nam' }).first();
  await key.selectOption(await option.getAttribute('value'));
  await form.getByLabel('Loại bản ghi').fill('report, award');
  await form.getByLabel('Mô tả').fill('Hệ thống Hà Nam (E2E)');
  await form.getByRole('button', { name: 'Tạo webhook' }).click();

  const dialog = page.getByRole('dialog', { name: 'Khoá ký webhook mới' });
  await dialog.waitFor();
  await dialog.getByText('Chỉ hiện một lần').waitFor();
  const secret = await dialog.getByLabel('Khoá ký (whsec_…)').inputValue();
  assert.match(secret, /^whsec_\S{20,}$/);
  await dialog.getByRole('button', { name: 'Sao chép khoá ký' }).click();
  await dialog.getByText('Đã sao chép khoá ký vào bộ nhớ tạm.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await shot(page, 'secret');
  await dialog.getByRole('button', { name: 'Tôi đã lưu khoá ký, đóng' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await page.content()).includes(secret), false);
  const listed = await apiAs(page, '/api/v1/webhooks');
  assert.equal(listed.status, 200);
  assert.equal(JSON.stringify(listed.body).includes(secret), false);

  const row = page.getByRole('row').filter({ hasText: url });
  await row.getByText('đang gửi').waitFor();
  await row.getByText('award, report').waitFor(); // as the API keeps them: sorted
  await row.getByRole('button', { name: `Tạm dừng webhook ${url}` }).click();
  await page.getByRole('status').filter({ hasText: `Đã tạm dừng webhook ${url}` }).waitFor();
  await row.getByText('tạm dừng').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0); // paused by a person: no warning
  await row.getByRole('button', { name: `Bật lại webhook ${url}` }).click();
  await page.getByRole('status').filter({ hasText: `Đã bật lại webhook ${url}.` }).waitFor();
  await row.getByText('đang gửi').waitFor();

  await row.getByRole('button', { name: `Nhật ký gửi của ${url}` }).click();
  const log = page.getByRole('region', { name: `Nhật ký gửi: ${url}` });
  await log.getByText('Chưa có lần gửi nào.').waitFor();
  await shot(page, 'list');
  assertNoPageErrors(page);
  await context.close();
});
