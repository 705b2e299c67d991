// End-to-end tests against the real service: a fresh SQLite database with the demo data,
// `khuyenhoc serve` on a free loopback port serving frontend/dist, and Chromium driven by
// playwright-core from Node's test runner. The server is always stopped at the end; the exit
// code is non-zero when any test fails.
//
//   npm run e2e                      (after `npm run build`)
//   npm run e2e -- 08 03             only the files whose names contain 08 or 03
//   E2E_KEEP=1 npm run e2e           keep the temporary folder (database, server log)
//   E2E_READY_SECONDS=240 npm run e2e   wait longer for the service to start (a busy machine)
//   CHROMIUM_PATH=/path npm run e2e  another Chromium than /usr/bin/chromium
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(frontend, '..');
const cli = join(repo, '.venv', 'bin', 'khuyenhoc');
const dist = join(frontend, 'dist');
const artifacts = join(frontend, 'test-artifacts');

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(join(dist, 'index.html'))) fail('frontend/dist/index.html is missing: run `npm run build` first.');
if (!existsSync(cli)) fail(`${cli} is missing: run \`make install\` in the repository root first.`);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) fail(`${chromium} is missing: run \`make browser\` (apt-get install chromium).`);

mkdirSync(artifacts, { recursive: true });
for (const f of readdirSync(artifacts)) rmSync(join(artifacts, f), { recursive: true, force: true });

const work = mkdtempSync(join(tmpdir(), 'kh-e2e-'));
const username = 'e2e-admin';
const password = randomBytes(18).toString('base64url');
// The demo accounts the workflow tests sign in with; their passwords are random, set here.
const DEMO_USERS = ['admin', 'tinh.hungyen', 'huyen.thanhpho', 'xa.lehongphong', 'xem.thaibinh', 'xa.tayninh', 'huyen.tienhai'];
const demoPasswords = Object.fromEntries(DEMO_USERS.map((u) => [u, randomBytes(15).toString('base64url')]));
const env = {
  ...process.env,
  KH_DATABASE_URL: `sqlite:///${join(work, 'e2e.db')}`,
  KH_FRONTEND_DIST: dist,
  KH_ENVIRONMENT: 'test',
  KH_LOG_JSON: 'false',
  // Webhook URLs on this machine (e2e/22-webhooks.test.mjs); no delivery process runs.
  KH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  PYTHONUNBUFFERED: '1',
};

function step(args, extraEnv = {}) {
  const started = Date.now();
  const r = spawnSync(cli, args, { cwd: repo, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`khuyenhoc ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  console.log(`e2e: khuyenhoc ${args.join(' ')} (${took}s)`);
}

function freePort() {
  return new Promise((ok, ko) => {
    const srv = createServer();
    srv.once('error', ko);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

let server = null;
let serverExited = null;

function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      ok();
    }, 8000);
    server.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    try {
      process.kill(-server.pid, 'SIGTERM'); // its own process group: uvicorn and anything it started
    } catch {
      clearTimeout(timer);
      ok();
    }
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void stopServer().then(() => process.exit(130));
  });
}

async function waitReady(base, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (serverExited) throw new Error(`the server exited early (${serverExited}); see test-artifacts/server.log`);
    try {
      const r = await fetch(`${base}/api/v1/ready`);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${base}/api/v1/ready did not answer 200 within ${seconds}s`);
}

let failed = 0;
let passed = 0;
let skipped = 0;
const logFile = join(work, 'server.log');

try {
  step(['migrate']);
  step(['demo', 'load']);
  step(['users', 'create-admin', '--username', username, '--display-name', 'Quản trị E2E'], {
    KH_ADMIN_PASSWORD: password,
  });
  for (const [user, pw] of Object.entries(demoPasswords)) {
    step(['users', 'set-password', user], { KH_ADMIN_PASSWORD: pw });
  }

  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const log = openSync(logFile, 'a');
  server = spawn(cli, ['serve', '--host', HOST, '--port', String(port)], {
    cwd: repo,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  server.once('exit', (code, signal) => (serverExited = signal ?? `exit ${code}`));
  await waitReady(base, Number(process.env.E2E_READY_SECONDS ?? 60)); // more on a loaded machine
  console.log(`e2e: service ready at ${base}/`);

  Object.assign(process.env, {
    E2E_BASE_URL: `${base}/`,
    E2E_USERNAME: username,
    E2E_PASSWORD: password,
    E2E_DEMO_PASSWORDS: JSON.stringify(demoPasswords),
    E2E_ARTIFACTS: artifacts,
    CHROMIUM_PATH: chromium,
  });
  const files = readdirSync(join(frontend, 'e2e'))
    .filter((f) => f.endsWith('.test.mjs'))
    // `npm run e2e -- 08 first-load`: only the files whose names contain one of the words.
    .filter((f) => process.argv.length <= 2 || process.argv.slice(2).some((w) => f.includes(w)))
    .sort()
    .map((f) => join(frontend, 'e2e', f));

  const stream = run({ files, concurrency: 1, timeout: 5 * 60_000 });
  stream.on('test:pass', (t) => {
    if (t.details?.type === 'suite') return;
    if (t.skip || t.todo) skipped++;
    else passed++;
  });
  stream.on('test:fail', (t) => {
    if (t.details?.type !== 'suite') failed++;
  });
  await new Promise((ok, ko) => {
    const out = stream.compose(spec);
    out.pipe(process.stdout, { end: false });
    out.on('end', ok);
    out.on('error', ko);
  });
  if (passed + failed === 0) {
    console.error('e2e: no test ran');
    failed++;
  }
} catch (e) {
  console.error(`e2e: ${e instanceof Error ? e.message : e}`);
  failed++;
} finally {
  await stopServer();
  if (existsSync(logFile)) copyFileSync(logFile, join(artifacts, 'server.log'));
  if (process.env.E2E_KEEP) console.log(`e2e: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
