// The dashboard's first load on a slow link (issue 15): Chromium (Debian's, driven by playwright-core
// from frontend/node_modules) with the network emulated through the DevTools protocol
// (Network.emulateNetworkConditions), each load in a fresh context (cold HTTP cache). Called by
// bench/scenarios/first_load.py, which reads the JSON printed on stdout; progress goes to stderr.
//
//   KH_BENCH_TOKEN=… node bench/dashboard/first_load.mjs --base http://127.0.0.1:PORT/ [--runs 3] [--unit null]
//
// Per network profile and run, two loads:
// - signin:   the sign-in page without a session, until its form works (the script that handles it
//             has run: React has replaced the placeholder and the password field is in the DOM);
// - overview: the overview with a session, as after a reload: the token and the user's unit where
//             the dashboard keeps them after a sign-in (sessionStorage "kh.session" and "kh.unit",
//             frontend/src/auth/session.ts), until its figures (coverage line and highlight cards)
//             and then its trend chart are drawn.
// Each records first contentful paint (the placeholder in index.html counts: it is what a user sees),
// the bytes received (encoded, headers included, from the protocol's loadingFinished events), and the
// JavaScript among them.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(repo, 'frontend', 'package.json'))('playwright-core');

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    runs: { type: 'string', default: '3' },
    unit: { type: 'string', default: 'null' },
    timeout: { type: 'string', default: '120' },
  },
});
const BASE = opts.base;
const TOKEN = process.env.KH_BENCH_TOKEN;
if (!BASE || !TOKEN) {
  console.error('usage: KH_BENCH_TOKEN=… node bench/dashboard/first_load.mjs --base URL [--runs N] [--unit CODE|null]');
  process.exit(2);
}
const TIMEOUT_MS = Number(opts.timeout) * 1000;
const log = (message) => process.stderr.write(`${message}\n`);

// Chrome DevTools' presets: "Slow 4G" (1.6 Mbps down, 750 kbps up, 150 ms), and a commune office on a
// weak mobile link (400 kbps both ways, 400 ms). Throughput in bytes per second.
export const PROFILES = {
  slow4g: { latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 },
  rural: { latency: 400, downloadThroughput: 400e3 / 8, uploadThroughput: 400e3 / 8 },
};

/** Installed before the page's scripts: the session, and the times the page reaches each stage. */
function probe({ token, unit }) {
  if (token) {
    sessionStorage.setItem('kh.session', JSON.stringify({ token, expiresAt: Date.now() + 3_600_000 }));
    sessionStorage.setItem('kh.unit', unit);
  }
  const kh = { signin: null, figures: null, chart: null };
  window.__kh = kh;
  const stages = {
    signin: () => document.querySelector('form input[name="password"]') !== null,
    figures: () =>
      document.querySelector('[data-testid="coverage"]') !== null &&
      document.querySelectorAll('ul.cards > li.card').length > 0,
    // ECharts clips a series to its grid: a clipped path is the line (axes are not clipped).
    chart: () => document.querySelector('.chart-box [role="img"] svg g[clip-path] path') !== null,
  };
  const check = () => {
    for (const [name, reached] of Object.entries(stages)) {
      if (kh[name] !== null || !reached()) continue;
      kh[name] = -1;
      // The frame that paints it.
      requestAnimationFrame(() => {
        kh[name] = performance.now();
      });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});

async function load(kind, profile) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', baseURL: BASE });
  try {
    await context.addInitScript(probe, kind === 'overview' ? { token: TOKEN, unit: opts.unit } : { token: null });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILES[profile] });
    const types = new Map();
    let bytes = 0;
    let scriptBytes = 0;
    let requests = 0;
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      requests += 1;
      bytes += e.encodedDataLength;
      if (types.get(e.requestId) === 'Script') scriptBytes += e.encodedDataLength;
    });
    await page.goto(kind === 'signin' ? 'dang-nhap' : '', { waitUntil: 'commit', timeout: TIMEOUT_MS });
    const done = kind === 'signin' ? 'signin' : 'chart';
    await page.waitForFunction((stage) => window.__kh[stage] > 0, done, { timeout: TIMEOUT_MS, polling: 50 });
    const out = await page.evaluate(() => ({
      ...window.__kh,
      firstContentfulPaint: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')
        ?.startTime,
    }));
    const round = (x) => (typeof x === 'number' ? Math.round(x) : null);
    return {
      signin: round(out.signin),
      figures: round(out.figures),
      chart: round(out.chart),
      fcp: round(out.firstContentfulPaint),
      bytes,
      scriptBytes,
      requests,
    };
  } finally {
    await context.close();
  }
}

const out = { profiles: PROFILES, runs: {} };
try {
  for (const profile of Object.keys(PROFILES)) {
    for (const kind of ['signin', 'overview']) {
      const key = `${profile}/${kind}`;
      out.runs[key] = [];
      for (let i = 0; i < Number(opts.runs); i++) {
        const r = await load(kind, profile);
        log(`  ${key}: FCP ${r.fcp} ms, form ${r.signin ?? '—'} ms, figures ${r.figures ?? '—'} ms, chart ${r.chart ?? '—'} ms, ${r.bytes} B (${r.scriptBytes} B JS)`);
        out.runs[key].push(r);
      }
    }
  }
  out.browser = browser.version();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
