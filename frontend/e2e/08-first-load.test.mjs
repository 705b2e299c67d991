// The first load on a slow link (issue 15, item 2): a placeholder before any script, little
// JavaScript before the sign-in form works, every file compressed and cached, and the overview's
// requests sent side by side instead of one after another. Timing is measured by the benchmark
// (bench/dashboard/first_load.mjs), not here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoPageErrors, launch, newPage, signIn } from './helpers.mjs';

const SIGN_IN_BUDGET = 150 * 1024;

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test('the page shows the app name and "Đang tải…" before any script runs', async () => {
  // Finding: index.html had an empty <div id="root">: a blank page for 24 s at 400 kbps.
  const context = await env.browser.newContext({ javaScriptEnabled: false, baseURL: process.env.E2E_BASE_URL });
  try {
    const page = await context.newPage();
    await page.goto('');
    await page.getByText('Khuyến học', { exact: true }).waitFor();
    await page.getByRole('status').getByText('Đang tải…').waitFor();
  } finally {
    await context.close();
  }
});

test('the sign-in form needs at most 150 KB of compressed JavaScript, brotli, cached for a year', async () => {
  // Finding: one 1.15 MB script, uncompressed, without cache headers, ECharts included.
  const context = await env.newContext();
  const page = await newPage(context);
  const scripts = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() !== 'script') return;
    scripts.push({ url: r.url(), headers: await r.allHeaders(), size: (await r.body()).length });
  });
  await page.goto('dang-nhap');
  await page.getByLabel('Mật khẩu').waitFor();
  await page.waitForLoadState('networkidle');
  assert.ok(scripts.length > 0);
  // The bytes on the wire: the encoded size the browser reports for each script.
  const sent = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      .map((e) => ({ name: e.name, encoded: e.encodedBodySize, decoded: e.decodedBodySize })),
  );
  const total = sent.reduce((s, e) => s + e.encoded, 0);
  assert.ok(total <= SIGN_IN_BUDGET, `${total} bytes of compressed JavaScript before the sign-in form`);
  assert.ok(!sent.some((e) => /EChartCanvas|extension/.test(e.name)), 'ECharts is loaded before it is needed');
  for (const s of scripts) {
    assert.equal(s.headers['content-encoding'], 'br', s.url);
    assert.equal(s.headers['cache-control'], 'public, max-age=31536000, immutable', s.url);
    assert.equal(s.headers['vary'], 'Accept-Encoding', s.url);
  }
  const index = await context.request.get('dang-nhap', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(index.headers()['cache-control'], 'no-cache');
  assert.equal(index.headers()['content-encoding'], 'gzip');
  assertNoPageErrors(page);
  await context.close();
});

test("on a reload the overview's requests go out beside /me, not after it", async () => {
  // Finding: /me, then the unit, then the year's series, then the highlights, then the trend: a chain.
  const context = await env.newContext();
  const page = await newPage(context);
  await signIn(page);
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  await page.locator('[data-testid="coverage"]').waitFor();

  const seen = [];
  const log = (what) => (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) seen.push(`${what} ${url.pathname}${url.searchParams.get('indicator') ? `:${url.searchParams.get('indicator')}` : ''}`);
  };
  page.on('request', log('start'));
  page.on('requestfinished', log('end'));
  // Slow answers for /me and the highlights, to see what is asked while they are on their way.
  await page.route('**/api/v1/me', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.route('**/api/v1/stats/highlights?**', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.reload();
  await page.locator('[data-testid="coverage"]').waitFor();
  await page.locator('ul.cards > li.card').first().waitFor();
  const meEnd = seen.indexOf('end /api/v1/me');
  const highlightsStart = seen.indexOf('start /api/v1/stats/highlights');
  const highlightsEnd = seen.indexOf('end /api/v1/stats/highlights');
  const trendStart = seen.indexOf('start /api/v1/stats/series:membership_rate');
  assert.ok(meEnd >= 0 && highlightsStart >= 0 && trendStart >= 0, seen.join('\n'));
  assert.ok(highlightsStart < meEnd, `the highlights waited for /me:\n${seen.join('\n')}`);
  assert.ok(trendStart < highlightsEnd, `the trend waited for the highlights:\n${seen.join('\n')}`);
  assertNoPageErrors(page);
  await context.close();
});
