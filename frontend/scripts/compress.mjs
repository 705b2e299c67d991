// Precompress the built dashboard: next to each text file of dist/ (scripts, styles, index.html,
// SVG, JSON) a .br (brotli, best quality) and a .gz (gzip -9), written once at build time so
// that the service (api/core/dashboard.py) answers `Accept-Encoding: br` or `gzip` with the
// smaller file and no work per request. A file that would not shrink is left alone.
//
//   node scripts/compress.mjs [dist]      (run by `npm run build`)
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
const TEXT = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.webmanifest']);
// Below this, the header bytes and a round trip cost more than the compression saves.
const MIN_BYTES = 256;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let raw = 0;
let br = 0;
let gz = 0;
for (const path of [...files(dist)]) {
  if (path.endsWith('.br') || path.endsWith('.gz')) {
    unlinkSync(path); // left by an earlier build into the same folder
    continue;
  }
  if (!TEXT.has(extname(path))) continue;
  const body = readFileSync(path);
  if (body.length < MIN_BYTES) continue;
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  const gzip = gzipSync(body, { level: 9 });
  raw += body.length;
  if (brotli.length < body.length) {
    writeFileSync(`${path}.br`, brotli);
    br += brotli.length;
  }
  if (gzip.length < body.length) {
    writeFileSync(`${path}.gz`, gzip);
    gz += gzip.length;
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`compress: ${kb(raw)} of text → ${kb(br)} brotli, ${kb(gz)} gzip (${dist})`);
