// Builds the web apps into web/dist when the sources changed since the last build (a stamp of
// their contents), so `npm start` and `npm test` on a fresh clone serve the current UI.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

export const WEB_ROOT = import.meta.dirname;
/** SLOVO_WEB_DIST: another output folder (parallel builds of different checkouts or sessions). */
export const WEB_DIST = process.env.SLOVO_WEB_DIST ? path.resolve(process.env.SLOVO_WEB_DIST) : path.join(WEB_ROOT, 'dist');
const STAMP = path.join(WEB_DIST, '.source-hash');

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'dist' || e.name === 'test' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        h.update(path.relative(WEB_ROOT, p));
        h.update(fs.readFileSync(p));
      }
    }
  };
  walk(WEB_ROOT);
  for (const f of ['../api', '../package-lock.json']) {
    const p = path.join(WEB_ROOT, f);
    if (fs.statSync(p).isDirectory()) for (const n of fs.readdirSync(p).sort()) h.update(fs.readFileSync(path.join(p, n)));
    else h.update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

export function webIsBuilt(): boolean {
  return fs.existsSync(path.join(WEB_DIST, 'index.html'));
}

/** Build unless web/dist is current. Returns true when it built. */
export async function ensureWebBuilt(opts: { quiet?: boolean } = {}): Promise<boolean> {
  const hash = sourceHash();
  if (webIsBuilt() && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash) return false;
  const { build } = await import('vite');
  if (!opts.quiet) console.log('  building the web app (web/dist)…');
  // always the production build, also when a test process (NODE_ENV=test) triggers it
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), mode: 'production', logLevel: opts.quiet ? 'error' : 'warn' });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
  compressAssets(WEB_DIST);
  fs.writeFileSync(STAMP, hash);
  return true;
}

/** Brotli and gzip copies of the text assets beside them; the server sends them to browsers that accept them. */
export function compressAssets(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    if (!e.isFile() || !/\.(js|css|svg|json|txt|map)$/.test(e.name)) continue;
    const data = fs.readFileSync(p);
    if (data.length < 1024) continue;
    fs.writeFileSync(`${p}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
    fs.writeFileSync(`${p}.gz`, zlib.gzipSync(data, { level: 9 }));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureWebBuilt();
