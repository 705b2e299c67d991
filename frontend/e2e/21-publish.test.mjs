// Publishing from the dashboard: the national admin publishes Hà Nam's approved 2023 report
// (the demo leaves it unpublished), a visitor who never signed in opens its public page and finds
// the figure, then the admin withdraws it with a reason and the page says it is not published.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, newPage, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('publish');
let browser;
let admin;
before(async () => {
  browser = await launch();
});
after(async () => {
  // Leave the demo as it was for the other files (11-public expects Hà Nam 2023 unpublished).
  if (admin) await apiAs(admin, '/api/v1/reports/35/2023/publish', { method: 'DELETE', body: { reason: 'e2e' } });
  await browser?.close();
});

async function visitor(allow = []) {
  const context = await browser.newContext(); // no token in its storage
  return newPage(context, { allow });
}

test('publish a year, see it signed out, withdraw it with a reason', async () => {
  admin = await signInAs(browser, 'admin');
  await admin.goto('bao-cao/35/2023');
  const panel = admin.getByTestId('publish-panel');
  await panel.getByText(/Chưa công bố/).waitFor();
  await panel.getByRole('button', { name: 'Công bố' }).click();
  const ask = admin.getByRole('dialog', { name: 'Công bố số liệu năm 2023 — Tỉnh Hà Nam?' });
  await ask.getByRole('button', { name: 'Công bố' }).click();
  await panel.getByText('Đã công bố số liệu năm 2023.').waitFor();
  await panel.getByText(/Đã công bố ngày \d{2}\/\d{2}\/\d{4}/).waitFor();
  assert.equal(await panel.getByRole('link', { name: /Trang công khai/ }).getAttribute('href'), '/cong-khai/35/2023');
  await shot(admin, 'published');

  const page = await visitor();
  await page.goto('cong-khai/35/2023');
  await page.getByRole('heading', { level: 1, name: 'Số liệu công khai năm 2023 — Tỉnh Hà Nam' }).waitFor();
  assert.doesNotMatch(page.url(), /dang-nhap/);
  await page.locator('tr[data-key="members"]').getByText('221.000', { exact: true }).waitFor();
  assertNoPageErrors(page);

  await panel.getByRole('button', { name: 'Thu hồi công bố' }).click();
  const withdraw = admin.getByRole('dialog', { name: 'Thu hồi công bố năm 2023 — Tỉnh Hà Nam?' });
  await withdraw.getByRole('button', { name: 'Thu hồi công bố' }).click();
  await withdraw.getByText('Hãy ghi lý do thu hồi.').waitFor(); // a reason is required
  await withdraw.getByLabel('Lý do thu hồi (bắt buộc)').fill('Kiểm tra lại số hội viên');
  await withdraw.getByRole('button', { name: 'Thu hồi công bố' }).click();
  await panel.getByText('Đã thu hồi công bố số liệu năm 2023.').waitFor();
  await panel.getByRole('button', { name: 'Công bố' }).waitFor();
  assertNoPageErrors(admin);

  const later = await visitor([/404/]);
  await later.goto('cong-khai/35/2023');
  await later.getByRole('alert').getByText('Số liệu năm này của đơn vị chưa được công bố.').waitFor();
  // The reason is in the audit trail.
  const audit = await apiAs(admin, '/api/v1/audit?entity=publication&order=desc');
  assert.equal(audit.status, 200);
  const last = audit.body.items.find((e) => e.action === 'unpublish');
  assert.deepEqual(last?.changes?.reason, [null, 'Kiểm tra lại số hội viên']);
});
