// Drift check: regenerate the API types from ../openapi.yaml into a temporary file and fail
// when they differ from the committed src/api/schema.d.ts (fix: `npm run gen-types`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '..', 'openapi.yaml');
const committed = join(root, 'src', 'api', 'schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'kh-schema-'));
const fresh = join(dir, 'schema.d.ts');

try {
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), [spec, '-o', fresh], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const want = readFileSync(fresh, 'utf8');
  let have = '';
  try {
    have = readFileSync(committed, 'utf8');
  } catch {
    /* missing: reported below */
  }
  if (want !== have) {
    const a = have.split('\n');
    const b = want.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    console.error(
      `src/api/schema.d.ts is out of date with ../openapi.yaml (first difference at line ${line + 1}).\n` +
        `  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
        `  generated: ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
        'Run `npm run gen-types` in frontend/ and commit the result.',
    );
    process.exitCode = 1;
  } else {
    console.log('src/api/schema.d.ts matches ../openapi.yaml');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
