// Issue 19 item 9: a new tab keeps the session, signing out in one tab signs out all; the audit
// log shows the newest first and sorts both ways.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs, assertNoPageErrors, launch, newPage, screenshots, signInAs } from './helpers.mjs';

const shot = screenshots('tabs-audit');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('item 9: a new tab (a shared link pasted, a Ctrl+click) opens signed in; signing out there signs out the first tab', async () => {
  const first = await signInAs(browser, 'tinh.hungyen');
  const second = await newPage(first.context());
  // A link pasted into a new tab: nothing is copied from the first tab's sessionStorage.
  await second.goto('don-vi');
  await second.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  assert.ok(!second.url().includes('dang-nhap'), `the new tab asked to sign in again: ${second.url()}`);
  await shot(second, 'new-tab-signed-in');

  await second.getByRole('button', { name: 'Đăng xuất' }).click();
  await second.waitForURL(/\/dang-nhap$/);
  await first.waitForFunction(() => sessionStorage.getItem('kh.session') === null);
  await first.waitForURL(/\/dang-nhap/);
  // And a tab opened after the sign-out is signed out too.
  const third = await newPage(first.context());
  await third.goto('don-vi');
  await third.waitForURL(/\/dang-nhap/);
  for (const p of [first, second, third]) assertNoPageErrors(p);
  await first.context().close();
});

test('item 9: a new tab opened while the first one is busy still signs in, once the first one answers', async () => {
  // CI under load found it: the open tab drawing its charts answered after the new tab's 250 ms wait,
  // and the new tab stayed on the sign-in page. A late answer now signs it in and takes it where it went.
  const first = await signInAs(browser, 'tinh.hungyen');
  // Keep the first tab's main thread busy for 1.5 s: it cannot answer the new tab's question before then.
  const busy = first.evaluate(() => {
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      /* busy */
    }
  });
  const second = await newPage(first.context());
  await second.goto('don-vi');
  await second.waitForURL(/\/dang-nhap/);
  await busy;
  await second.waitForURL(/\/don-vi$/);
  await second.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  for (const p of [first, second]) assertNoPageErrors(p);
  await first.context().close();
});

test('item 9: the audit log lists the newest entries first, and its time heading reverses the order', async () => {
  const page = await signInAs(browser, 'admin');
  await page.goto('quan-tri/nhat-ky');
  const table = page.getByRole('table', { name: 'Nhật ký thay đổi' });
  await table.locator('tbody tr').first().waitFor();
  const newest = await apiAs(page, '/api/v1/audit?order=desc&limit=1');
  const ids = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map(Number);
  let shown = await ids();
  assert.equal(shown[0], newest.body.items[0].id, 'the newest entry comes first');
  assert.deepEqual(shown, [...shown].sort((a, b) => b - a));
  const heading = table.getByRole('columnheader', { name: /Thời điểm/ });
  assert.equal(await heading.getAttribute('aria-sort'), 'descending');

  await heading.getByRole('button').click();
  await page.waitForURL(/order=asc/);
  // The heading follows the URL on the next render: wait for it rather than read it at once.
  await table.locator('th[aria-sort="ascending"]').waitFor();
  assert.equal(await heading.getAttribute('aria-sort'), 'ascending');
  await page.waitForFunction(() => Number(document.querySelector('table.audit tbody tr td')?.textContent) === 1);
  shown = await ids();
  assert.deepEqual(shown, [...shown].sort((a, b) => a - b));
  await shot(page, 'audit-oldest-first');
  assertNoPageErrors(page);
  await page.context().close();
});
