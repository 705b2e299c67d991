// Issue 19 item 9: the API's Vietnamese error prose was shown in English mode. The problem's
// `type` and each `errors[].type` now choose the message in the user's language.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, newPage, screenshots, USERNAME } from './helpers.mjs';

const shot = screenshots('errors');
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('item 9: in English, a refused sign-in is explained in English, not in the API’s Vietnamese', async () => {
  const page = await newPage(await browser.newContext(), { allow: [/status of 401/] });
  await page.goto('dang-nhap');
  await page.getByRole('button', { name: 'EN' }).click();
  await page.getByLabel('Username').fill(USERNAME);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByLabel('Password').press('Enter');
  const alert = page.getByRole('alert');
  await alert.getByText('Sign-in failed').waitFor();
  const text = await alert.innerText();
  assert.match(text, /The username or password is wrong/);
  assert.doesNotMatch(text, /không đúng|Tên đăng nhập/, 'no Vietnamese prose in English mode');
  await shot(page, 'sign-in-refused-english');

  // In Vietnamese the API's own sentence is the message.
  await page.getByRole('button', { name: 'VI' }).click();
  await page.getByLabel('Mật khẩu').fill('van-sai');
  await page.getByLabel('Mật khẩu').press('Enter');
  await page.getByRole('alert').getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});
