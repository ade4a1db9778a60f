// The first load stays small and the pages stay strict: the agent entry and everything it imports
// statically is ≤ 300 KB gzipped, no admin module is in it (admin is a lazy chunk), index.html has
// no inline script, and / and /portal/ carry the strict CSP.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { setup, type TestCtx } from '../../server/test/harness.ts';
import { WEB_DIST, WEB_ROOT } from '../build.ts';

const LIMIT = 300 * 1024;
const gz = (b: Buffer | string) => zlib.gzipSync(b).length;

type Chunk = { type: 'chunk'; fileName: string; code: string; isEntry: boolean; isDynamicEntry: boolean; facadeModuleId: string | null; moduleIds: string[]; imports: string[]; dynamicImports: string[] };
type Manifest = Record<string, { file: string; imports?: string[]; dynamicImports?: string[]; isDynamicEntry?: boolean }>;

function closure<T>(start: T, next: (x: T) => T[]): T[] {
  const seen = new Set<T>();
  const walk = (x: T) => {
    if (seen.has(x)) return;
    seen.add(x);
    next(x).forEach(walk);
  };
  walk(start);
  return [...seen];
}

describe('web bundle', () => {
  let chunks: Chunk[] = [];
  let tmp = '';
  before(async () => {
    // a build of our own (not written to disk) that tells which modules each chunk holds
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slovo-bundle-'));
    const { build } = await import('vite');
    const out = await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: tmp, write: false } });
    const outputs = (Array.isArray(out) ? out : [out]) as { output: (Chunk | { type: 'asset' })[] }[];
    chunks = outputs.flatMap((o) => o.output).filter((c): c is Chunk => c.type === 'chunk');
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  const entry = () => {
    const e = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith(`${path.sep}web${path.sep}index.html`));
    assert.ok(e, `no agent entry chunk among ${chunks.map((c) => c.fileName).join(', ')}`);
    return e;
  };
  const staticChunks = () => {
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    return closure(entry(), (c) => c.imports.map((i) => byName.get(i)).filter((x): x is Chunk => !!x));
  };

  test('the agent entry and its static imports are ≤ 300 KB gzipped', () => {
    const first = staticChunks();
    const size = first.reduce((a, c) => a + gz(c.code), 0);
    assert.ok(size <= LIMIT, `first load ${Math.round(size / 1024)} KB gzipped > 300 KB: ${first.map((c) => `${c.fileName} ${Math.round(gz(c.code) / 1024)} KB`).join(', ')}`);
    // the route screens are not in it: they load when their route is visited
    const lazy = chunks.filter((c) => c.isDynamicEntry).map((c) => c.fileName);
    assert.ok(lazy.some((f) => /ListPage/.test(f)) && lazy.some((f) => /TicketPage/.test(f)), `lazy chunks: ${lazy.join(', ')}`);
  });

  test('no admin module is loaded by the entry: admin is code-split', () => {
    const first = staticChunks();
    const adminDir = `${path.sep}src${path.sep}agent${path.sep}admin${path.sep}`;
    const leaked = first.flatMap((c) => c.moduleIds.filter((m) => m.includes(adminDir)).map((m) => `${path.relative(WEB_ROOT, m)} in ${c.fileName}`));
    assert.deepEqual(leaked, [], 'admin modules in the first load');
    const admin = chunks.find((c) => c.facadeModuleId?.endsWith(`${adminDir}AdminPage.tsx`));
    assert.ok(admin?.isDynamicEntry, 'AdminPage is a lazy chunk of its own');
    assert.ok(!first.includes(admin), 'the AdminPage chunk is not a static import of the entry');
  });

  test('the served build (manifest of web/dist) has the same budget', () => {
    const m = JSON.parse(fs.readFileSync(path.join(WEB_DIST, '.vite/manifest.json'), 'utf8')) as Manifest;
    assert.ok(m['index.html'], 'index.html in the manifest');
    const keys = closure('index.html', (k) => m[k]?.imports ?? []);
    const size = keys.reduce((a, k) => a + gz(fs.readFileSync(path.join(WEB_DIST, m[k].file))), 0);
    assert.ok(size <= LIMIT, `web/dist first load ${Math.round(size / 1024)} KB gzipped`);
    assert.deepEqual(keys.filter((k) => k.startsWith('src/agent/admin/')), []);
  });

  for (const html of ['index.html', 'portal/index.html']) {
    test(`${html} has no inline script, no event handler attributes, no inline style`, () => {
      const text = fs.readFileSync(path.join(WEB_DIST, html), 'utf8');
      const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      assert.ok(scripts.length >= 1, 'the app script');
      for (const [, attrs, body] of scripts) {
        assert.match(attrs, /\bsrc="\/assets\/[\w.-]+\.js"/, `script without a same-origin src: ${attrs}`);
        assert.equal(body.trim(), '', 'inline script body');
      }
      assert.doesNotMatch(text, /\son[a-z]+\s*=/i, 'event handler attribute');
      assert.doesNotMatch(text, /\sstyle\s*=/i, 'style attribute');
      assert.doesNotMatch(text, /<style\b/i, 'inline <style>');
      assert.doesNotMatch(text, /javascript:/i);
    });
  }
});

describe('web pages: CSP', () => {
  let ctx: TestCtx;
  before(async () => { ctx = await setup({ web: true }); });
  after(async () => { await ctx?.close(); });

  for (const url of ['/', '/tickets/10001', '/portal/', '/portal/tickets/5']) {
    test(`GET ${url} carries the strict CSP`, async () => {
      const r = await fetch(`${ctx.base}${url}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/);
      const csp = Object.fromEntries((r.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
      assert.equal(csp['script-src'], "'self'");
      assert.equal(csp['style-src'], "'self'");
      assert.equal(csp['object-src'], "'none'");
      assert.equal(csp['base-uri'], "'none'");
      assert.equal(csp['frame-ancestors'], "'none'");
      assert.equal(csp['default-src'], "'self'");
      for (const v of Object.values(csp)) assert.doesNotMatch(v, /unsafe-inline|unsafe-eval|\*|data:.*script/);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      const body = await r.text();
      assert.match(body, url.startsWith('/portal') ? /assets\/portal-[\w-]+\.js/ : /assets\/agent-[\w-]+\.js/);
    });
  }

  test('scripts are served with the CSP and nosniff', async () => {
    const html = await (await fetch(`${ctx.base}/`)).text();
    const src = /src="(\/assets\/[\w.-]+\.js)"/.exec(html)![1];
    const r = await fetch(`${ctx.base}${src}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /javascript/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok((await r.arrayBuffer()).byteLength > 0); // read: an unread body holds the connection open at close
  });
});
