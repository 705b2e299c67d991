// axe-core on every page of the dashboard, at desktop and phone width, the sign-in page included
// (its language switch sat outside every landmark). Any violation fails the test with its rule,
// its impact and the elements it names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { DESKTOP, launch, newPage, PHONE, signInAs } from './helpers.mjs';

// Evaluated, not added as a <script>: the dashboard's Content-Security-Policy refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = [
  ['overview', '', (p) => p.locator('.summary').waitFor()],
  ['units', 'don-vi', (p) => p.getByRole('table').first().waitFor()],
  ['unit', 'don-vi/33', (p) => p.getByRole('heading', { level: 1 }).waitFor()],
  ['compliance', 'tuan-thu', (p) => p.getByRole('table').first().waitFor()],
  ['reports', 'bao-cao', (p) => p.getByRole('table').first().waitFor()],
  ['report', 'bao-cao/12436/2024', (p) => p.locator('form input.num-input').first().waitFor()],
  ['associations', 'so-dang-ky/to-chuc-hoi', (p) => p.getByRole('table').first().waitFor()],
  ['funds', 'so-dang-ky/quy', (p) => p.getByRole('table').first().waitFor()],
  ['awards', 'so-dang-ky/khen-thuong', (p) => p.getByRole('table').first().waitFor()],
  ['commendations', 'so-dang-ky/thi-dua', (p) => p.locator('main').waitFor()],
  ['inspections', 'so-dang-ky/kiem-tra', (p) => p.locator('main').waitFor()],
  ['partnerships', 'so-dang-ky/phoi-hop', (p) => p.locator('main').waitFor()],
  ['activities', 'so-dang-ky/hoat-dong', (p) => p.locator('main').waitFor()],
  ['users', 'quan-tri/nguoi-dung', (p) => p.getByRole('table').first().waitFor()],
  ['keys', 'quan-tri/khoa-api', (p) => p.locator('main').waitFor()],
  ['audit', 'quan-tri/nhat-ky', (p) => p.getByRole('table').first().waitFor()],
  ['not-found', 'khong-co-trang-nay', (p) => p.getByRole('heading', { level: 1 }).waitFor()],
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** axe's violations on the page as short lines: "rule (impact): selector, selector". */
async function violations(page) {
  await page.evaluate(AXE);
  // Let the page settle (fonts, charts) so axe sees what the user sees.
  await page.waitForLoadState('networkidle');
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return found;
}

for (const [size, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
]) {
  test(`axe at ${size}: the sign-in page has no violation`, async () => {
    const context = await browser.newContext();
    const page = await newPage(context);
    await page.setViewportSize(viewport);
    await page.goto('dang-nhap');
    await page.getByLabel('Tên đăng nhập').waitFor();
    assert.deepEqual(await violations(page), []);
    await context.close();
  });

  test(`axe at ${size}: every page of the dashboard has no violation`, async () => {
    const page = await signInAs(browser, 'admin', { allow: [/status of 404/] });
    await page.setViewportSize(viewport);
    const all = [];
    for (const [name, path, ready] of PAGES) {
      await page.goto(path);
      await ready(page);
      for (const v of await violations(page)) all.push(`${name}: ${v}`);
    }
    assert.deepEqual(all, []);
    await page.context().close();
  });
}
