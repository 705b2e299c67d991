// The dashboard's overview page in the browser tests' Chromium (Debian's, driven by playwright-core
// from frontend/node_modules): the time from navigation start to "interactive", its figures and its
// chart drawn, for a national admin (the whole country). Called by bench/scenarios/dashboard.py,
// which reads the JSON this prints on stdout; progress goes to stderr.
//
//   KH_BENCH_TOKEN=… node bench/dashboard/overview.mjs --base http://127.0.0.1:PORT/ [--cold 5] [--warm 5] [--fresh 3]
//
// Runs, each its own navigation (times from the page's own clock: performance.now(), 0 = navigation start):
// - prime:  loads not counted: the service's workers and Chromium warm up; then the API requests these
//           made are sent again, 8 at a time, so that every worker (each keeps its own statistics
//           answers) has answered them, as after a few earlier visitors;
// - shell:  the baseline, the sign-in page with no session (index.html and assets, no API request):
//           until its form is drawn, in a fresh context;
// - cold:   the overview in a fresh context (no HTTP cache), signed in: until interactive;
// - fresh:  the same, every request with `Cache-Control: no-cache`: the statistics computed afresh,
//           as for the first visitor after an approval;
// - warm:   reloads of the overview in one context (assets from the HTTP cache, API answers revalidated).
//
// The session: the data set's admin has a token and no usable password, so the token is put where the
// dashboard keeps its session after a sign-in (sessionStorage "kh.session", see frontend/src/auth/session.ts)
// before the page's scripts run; the page then asks /api/v1/me as after any reload.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(repo, 'frontend', 'package.json'))('playwright-core');

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    prime: { type: 'string', default: '2' },
    cold: { type: 'string', default: '5' },
    warm: { type: 'string', default: '5' },
    fresh: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '60' },
  },
});
const BASE = opts.base;
const TOKEN = process.env.KH_BENCH_TOKEN;
if (!BASE || !TOKEN) {
  console.error('usage: KH_BENCH_TOKEN=… node bench/dashboard/overview.mjs --base URL');
  process.exit(2);
}
const TIMEOUT_MS = Number(opts.timeout) * 1000;
const log = (message) => process.stderr.write(`${message}\n`);

/**
 * Installed before the page's own scripts: the session (when a token is given), an LCP observer,
 * and a watch over the DOM that notes when the page is "ready", then the frame that draws it.
 * Serialised by playwright: it may use nothing from outside.
 */
function probe({ token, kind }) {
  if (token && !sessionStorage.getItem('kh.session')) {
    sessionStorage.setItem('kh.session', JSON.stringify({ token, expiresAt: Date.now() + 3_600_000 }));
  }
  const kh = { kind, seen: null, ready: null, lcp: null };
  window.__kh = kh;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kh.lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {
    /* no LCP in this browser */
  }
  const ready = {
    // The overview (frontend/src/pages/overview/OverviewPage.tsx) with its data: the coverage line
    // and the highlight cards come with /stats/highlights; the trend chart exists only once
    // /stats/series has answered with figures, and its line drawn by ECharts (SVG renderer).
    overview: () =>
      document.querySelector('[data-testid="coverage"]') !== null &&
      document.querySelectorAll('ul.cards > li.card').length > 0 &&
      document.querySelector('[aria-busy="true"]') === null &&
      // ECharts clips a series to its grid: a clipped path is the line (axes are not clipped).
      document.querySelector('.chart-box [role="img"] svg g[clip-path] path') !== null,
    // The static shell: the sign-in form, drawn without any API answer.
    signin: () => document.querySelector('form input[name="password"]') !== null,
  }[kind];
  const check = () => {
    if (kh.seen !== null || !ready()) return;
    kh.seen = performance.now();
    observer.disconnect();
    // The frame that paints it.
    requestAnimationFrame(() => {
      kh.ready = performance.now();
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

/** What the browser measured for the page's navigation, once it is ready. */
function collect() {
  const kh = window.__kh;
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  const resources = performance.getEntriesByType('resource').map((e) => {
    const url = new URL(e.name);
    return {
      path: url.pathname + url.search,
      api: url.pathname.startsWith('/api/'),
      start: e.startTime,
      end: e.responseEnd,
      duration: e.duration,
      // Request sent to first byte of the answer: the server's time plus the loopback.
      waiting: e.responseStart > 0 ? e.responseStart - e.requestStart : null,
      status: e.responseStatus ?? null,
      transfer: e.transferSize,
    };
  });
  return {
    seen: kh.seen,
    ready: kh.ready,
    lcp: kh.lcp,
    firstPaint: paint['first-paint'] ?? null,
    firstContentfulPaint: paint['first-contentful-paint'] ?? null,
    responseEnd: nav.responseEnd,
    domInteractive: nav.domInteractive,
    domContentLoaded: nav.domContentLoadedEventEnd,
    loadEventEnd: nav.loadEventEnd,
    transfer: nav.transferSize,
    resources,
  };
}

async function measure(page, navigate) {
  const failed = [];
  // An API error (a refused token, a 500) ends the run at once rather than at the timeout.
  let apiFailed;
  const failure = new Promise((_, reject) => {
    apiFailed = reject;
  });
  failure.catch(() => undefined);
  const onFailed = (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`);
  const onResponse = (r) => {
    if (r.status() < 400) return;
    failed.push(`${r.url()} ${r.status()}`);
    if (new URL(r.url()).pathname.startsWith('/api/')) apiFailed(new Error(`${r.url()} answered ${r.status()}`));
  };
  page.on('requestfailed', onFailed);
  page.on('response', onResponse);
  try {
    await navigate();
    await Promise.race([
      page.waitForFunction(() => window.__kh?.ready != null, null, { timeout: TIMEOUT_MS, polling: 50 }),
      failure,
    ]);
    await page.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0, null, {
      timeout: TIMEOUT_MS,
    });
    // LCP entries are reported after the frame that paints them.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const out = await page.evaluate(collect);
    const api = out.resources.filter((r) => r.api);
    const before = api.filter((r) => r.end <= out.ready);
    return {
      ...out,
      apiRequests: before.length,
      apiTotalMs: before.reduce((s, r) => s + r.duration, 0),
      apiAfterReady: api.length - before.length,
      failed,
    };
  } catch (e) {
    const text = await page
      .locator('body')
      .innerText({ timeout: 2000 })
      .catch(() => '');
    throw new Error(`${e.message}\nfailed requests: ${JSON.stringify(failed)}\npage text: ${text.slice(0, 1500)}`);
  } finally {
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  // The browser tests' options (frontend/e2e/helpers.mjs).
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

async function context({ kind, token, headers }) {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    baseURL: BASE,
    extraHTTPHeaders: headers,
  });
  await ctx.addInitScript(probe, { token: token ?? null, kind });
  return ctx;
}

/** One load in a context of its own, closed after it. */
async function once(kind, { token, headers } = {}) {
  const ctx = await context({ kind, token, headers });
  try {
    const page = await ctx.newPage();
    const path = kind === 'signin' ? 'dang-nhap' : '';
    return await measure(page, () => page.goto(path, { waitUntil: 'commit', timeout: TIMEOUT_MS }));
  } finally {
    await ctx.close();
  }
}

const round = (x) => (x === null || x === undefined ? x : Math.round(x * 10) / 10);
function summary(run) {
  const { resources, ...rest } = run;
  const api = resources
    .filter((r) => r.api)
    .map((r) => ({ ...r, start: round(r.start), end: round(r.end), duration: round(r.duration), waiting: round(r.waiting) }));
  const assets = resources.filter((r) => !r.api);
  return {
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
    assets: assets.length,
    assetBytes: assets.reduce((s, r) => s + (r.transfer ?? 0), 0),
    api: api.map(({ api: _, ...r }) => r),
  };
}

const out = { prime: [], shell: [], cold: [], fresh: [], warm: [] };
const note = (what, r) =>
  log(`  ${what}: ready ${r.ready.toFixed(0)} ms, ${r.apiRequests} API requests (${r.apiTotalMs.toFixed(0)} ms)`);
try {
  for (let i = 0; i < Number(opts.prime); i++) {
    const r = await once('overview', { token: TOKEN });
    note('prime', r);
    out.prime.push(summary(r));
  }
  // Concurrent requests go out on as many connections, which the workers accept in turn.
  const paths = new Set(out.prime.flatMap((r) => r.api.map((a) => a.path)));
  for (const path of paths) {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => fetch(new URL(path, BASE), { headers: { Authorization: `Bearer ${TOKEN}` } })),
    );
    for (const a of answers) {
      await a.arrayBuffer();
      if (!a.ok) throw new Error(`${path}: ${a.status}`);
    }
  }
  // Baseline and cold loads taken alternately, each first in turn, so that both see the same machine.
  const shell = async () => {
    const r = await once('signin');
    note('shell', r);
    out.shell.push(summary(r));
  };
  const cold = async () => {
    const r = await once('overview', { token: TOKEN });
    note('cold', r);
    out.cold.push(summary(r));
  };
  for (let i = 0; i < Number(opts.cold); i++) {
    for (const load of i % 2 ? [cold, shell] : [shell, cold]) await load();
  }
  for (let i = 0; i < Number(opts.fresh); i++) {
    const r = await once('overview', { token: TOKEN, headers: { 'Cache-Control': 'no-cache' } });
    note('fresh', r);
    out.fresh.push(summary(r));
  }
  if (Number(opts.warm) > 0) {
    const ctx = await context({ kind: 'overview', token: TOKEN });
    try {
      const page = await ctx.newPage();
      await measure(page, () => page.goto('', { waitUntil: 'commit', timeout: TIMEOUT_MS }));
      for (let i = 0; i < Number(opts.warm); i++) {
        const r = await measure(page, () => page.reload({ waitUntil: 'commit', timeout: TIMEOUT_MS }));
        note('warm', r);
        out.warm.push(summary(r));
      }
    } finally {
      await ctx.close();
    }
  }
  out.browser = browser.version();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
