// A real `slovo serve` with an open event stream stops at once on SIGTERM (streams end first).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WEB_DIST } from '../../../web/build.ts';
import { killAll, startSlovo, waitFor } from '../../ops/cli-process.ts';
import { createTestDatabase } from '../../test/harness.ts';
import { freePort } from '../../test/ports.ts';
import { openStream } from './sse-client.ts';

let dir: string;
let db: { url: string; drop: () => Promise<void> };

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-live-stop-'));
  db = await createTestDatabase();
});
after(async () => {
  await killAll([]);
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('slovo serve with an open stream stops within seconds on SIGTERM', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const p = startSlovo(['serve'], {
    DATABASE_URL: db.url, PORT: String(port), SLOVO_DATA_DIR: dir, SLOVO_JOBS: 'false', SLOVO_WEB_DIST: WEB_DIST,
    SLOVO_ADMIN_EMAIL: 'owner@live.test', SLOVO_ADMIN_PASSWORD: 'a long enough password',
  });
  await waitFor('/readyz', async () => {
    if (p.child.exitCode !== null) throw new Error(`serve exited:\n${p.output()}`);
    return (await fetch(`${base}/readyz`).catch(() => null))?.status === 200;
  }, 90_000);
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@live.test', password: 'a long enough password' }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const s = await openStream(base, '/api/v1/stream', { cookie });
  assert.equal(s.status, 200);

  const started = Date.now();
  p.child.kill('SIGTERM');
  const exit = await p.exited;
  const took = Date.now() - started;
  await s.ended;
  assert.equal(exit.code, 0, p.output());
  assert.ok(took < 5000, `stopped in ${took} ms`);
});
