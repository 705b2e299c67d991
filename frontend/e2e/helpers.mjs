// Shared set-up for the browser tests: one Chromium (Debian's, driven by playwright-core) with
// a fresh profile, a page per test, screenshots in test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000/';
export const USERNAME = process.env.E2E_USERNAME ?? 'e2e-admin';
export const PASSWORD = process.env.E2E_PASSWORD ?? '';
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? join(process.cwd(), 'test-artifacts');

const url = new URL(BASE);
assert.ok(['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname), `loopback only, not ${url.hostname}`);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Launch Chromium. Playwright gives it a new empty profile (a fresh --user-data-dir in a
 * temporary folder, removed on close); each test then opens its own context, so storage and
 * the chosen language never leak from one test to the next.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async newContext() {
      const context = await browser.newContext({
        viewport: DESKTOP,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        acceptDownloads: true,
        baseURL: BASE,
      });
      context.setDefaultTimeout(15_000);
      return context;
    },
    close: () => browser.close(),
  };
}

/**
 * Screenshots for one test file: full-page PNGs in test-artifacts/ named
 * "<prefix>-<NN>-<name>.png", numbered in the order taken.
 */
export function screenshots(prefix) {
  let n = 0;
  return async function shot(page, name) {
    n += 1;
    const file = join(ARTIFACTS, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    // From the top: a sticky header would otherwise be drawn where the page was scrolled to.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/**
 * A new page that fails the test on any uncaught page error or console error, except the
 * network errors the test provokes on purpose (`allow`).
 */
export async function newPage(context, { allow = [] } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (allow.some((re) => re.test(text))) return;
    problems.push(`console: ${text}`);
  });
  page.problems = problems;
  return page;
}

export function assertNoPageErrors(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
}

/** Sign in through the form, with the keyboard only. */
export async function signIn(page, { username = USERNAME, password = PASSWORD } = {}) {
  await page.goto('dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByLabel('Mật khẩu').press('Enter');
}

/** Password of a demo account (set by run.mjs with `khuyenhoc users set-password`). */
export function demoPassword(user) {
  const all = JSON.parse(process.env.E2E_DEMO_PASSWORDS ?? '{}');
  assert.ok(all[user], `no password for the demo account ${user}: run the tests with npm run e2e`);
  return all[user];
}

/** A fresh context signed in as a demo account, waiting for the header to show it. */
export async function signInAs(browser, user, { allow = [] } = {}) {
  const context = await browser.newContext();
  const page = await newPage(context, { allow });
  await signIn(page, { username: user, password: demoPassword(user) });
  await page.waitForURL((u) => !u.pathname.endsWith('/dang-nhap'));
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  return page;
}

/** Call the API as the signed-in user of the page (its token is in sessionStorage): {status, body}. */
export function apiAs(page, path, { method = 'GET', body, token } = {}) {
  return page.evaluate(
    async ({ path, method, body, token }) => {
      const bearer = token ?? JSON.parse(sessionStorage.getItem('kh.session')).token;
      const headers = { Authorization: `Bearer ${bearer}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: json };
    },
    { path, method, body, token },
  );
}

/** Screenshot of what the viewport shows (not the whole page): for the README. */
export async function viewportShot(page, file) {
  await page.screenshot({ path: join(ARTIFACTS, file), fullPage: false });
}
