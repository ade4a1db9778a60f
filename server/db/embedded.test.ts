// The embedded PostgreSQL under a real `slovo serve`: crash recovery after kill -9,
// a stale postmaster.pid, and a graceful SIGTERM.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll, pidAlive, postmasterPid, runSlovo, startSlovo, waitFor, type SlovoProcess } from '../ops/cli-process.ts';
import { freePort } from '../test/ports.ts';

const EMAIL = 'owner@crash.test';
const PASSWORD = 'a long enough password';
let dir: string;
let env: Record<string, string>;
let base: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-embedded-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    SLOVO_DATA_DIR: dir, PORT: String(port), SLOVO_PG_PORT: String(await freePort()), SLOVO_PG_SHARED_BUFFERS: '32MB',
    SLOVO_ADMIN_EMAIL: EMAIL, SLOVO_ADMIN_PASSWORD: PASSWORD,
  };
});

after(async () => {
  await killAll([dir]);
  rmSync(dir, { recursive: true, force: true });
});

async function serve(ms = 60_000): Promise<SlovoProcess> {
  const p = startSlovo(['serve'], env);
  let exit: unknown = null;
  void p.exited.then((e) => { exit = e; });
  await waitFor('/readyz', async () => {
    if (exit) throw new Error(`serve exited early (${JSON.stringify(exit)}):\n${p.output()}`);
    const r = await fetch(`${base}/readyz`).catch(() => null);
    return r?.status === 200;
  }, ms).catch((e: Error) => { throw new Error(`${e.message}\n${p.output()}`); });
  return p;
}

type Session = { cookie: string; csrf: string };

async function login(): Promise<Session> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  assert.equal(r.status, 200, await r.clone().text());
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: (await r.json()).csrfToken };
}

async function api(s: Session, method: string, url: string, body?: unknown) {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

async function createTicket(s: Session, subject: string) {
  const r = await api(s, 'POST', '/api/v1/tickets', { subject, requester: { email: 'crash@clients.test', name: 'Анна' }, message: { body: 'Проверка после сбоя' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: string; number: string };
}

describe('embedded PostgreSQL under slovo serve', () => {
  test('kill -9 of the node process: the orphaned postmaster is taken over and committed data is kept', async () => {
    const first = await serve(90_000); // the first start also runs initdb
    const s = await login();
    const t = await createTicket(s, 'Тикет до падения');
    const pg = postmasterPid(dir);
    assert.ok(pg, 'postmaster running');
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(pidAlive(pg!), 'the postmaster outlives the killed node process');

    const started = Date.now();
    const second = await serve(30_000);
    assert.ok(Date.now() - started < 30_000);
    assert.ok(!pidAlive(pg!), 'the old postmaster was stopped');
    assert.notEqual(postmasterPid(dir), pg);
    const s2 = await login();
    const got = await api(s2, 'GET', `/api/v1/tickets/${t.number}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.subject, 'Тикет до падения');
    // the old session survived too
    assert.equal((await api(s, 'GET', `/api/v1/tickets/${t.id}`)).status, 200);
    second.child.kill('SIGKILL');
    await second.exited;
  });

  test('kill -9 of node and the postmaster: the stale postmaster.pid is cleared and WAL recovery runs', async () => {
    const pg = postmasterPid(dir);
    assert.ok(pg, 'the postmaster left by the previous test still runs');
    const s = await login().catch(() => null);
    assert.equal(s, null, 'nothing serves HTTP now');
    // a running server to crash: start, write, kill both
    const p = await serve(60_000);
    const s1 = await login();
    const t = await createTicket(s1, 'Тикет перед kill -9 базы');
    const pm = postmasterPid(dir)!;
    p.child.kill('SIGKILL');
    process.kill(pm, 'SIGKILL');
    await p.exited;
    await waitFor('the postmaster to die', () => !pidAlive(pm), 10_000);
    assert.ok(existsSync(path.join(dir, 'pg', 'postmaster.pid')), 'a stale pid file is left behind');

    const again = await serve(30_000);
    const got = await api(await login(), 'GET', `/api/v1/tickets/${t.number}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.subject, 'Тикет перед kill -9 базы');
    again.child.kill('SIGKILL');
    await again.exited;
  });

  test('slovo demo and slovo backup next to a running serve use its postmaster instead of stopping it', async () => {
    const p = await serve(60_000);
    const pm = postmasterPid(dir);
    const demo = await runSlovo(['demo'], env);
    assert.equal(demo.code, 0, demo.output);
    assert.match(demo.output, /using the embedded PostgreSQL already running/);
    const password = /shown once\): (\S+)/.exec(demo.output)?.[1];
    assert.ok(password, demo.output);
    const file = path.join(dir, 'running.backup.gz');
    const b = await runSlovo(['backup', file], env);
    assert.equal(b.code, 0, b.output);
    assert.ok(existsSync(file));
    assert.equal(postmasterPid(dir), pm, 'same postmaster');
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'anna.sokolova@slovo-demo.example', password }) });
    assert.equal(r.status, 200);
    p.child.kill('SIGKILL');
    await p.exited;
  });

  test('SIGTERM during a request: the request is finished and committed before the database stops', async () => {
    const p = await serve(60_000);
    const s = await login();
    const half = Buffer.alloc(64 * 1024, 'a');
    const status = new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/attachments?filename=slow.log`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/plain', 'content-length': String(half.length * 2) },
      }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(half);
      // the body is half sent when the signal arrives; the rest follows a moment later
      setTimeout(() => { p.child.kill('SIGTERM'); setTimeout(() => req.end(half), 500); }, 300);
    });
    const r = await status;
    assert.equal(r.code, 201, r.body);
    const exit = await p.exited;
    assert.equal(exit.code, 0, p.output());
    const again = await serve(30_000);
    const s2 = await login();
    const got = await fetch(`${base}/api/v1/attachments/${JSON.parse(r.body).id}`, { headers: { cookie: s2.cookie } });
    assert.equal(got.status, 200);
    assert.equal((await got.arrayBuffer()).byteLength, half.length * 2);
    again.child.kill('SIGTERM');
    await again.exited;
  });

  test('SIGTERM: serve exits 0 and stops the postmaster', async () => {
    const p = await serve(60_000);
    const pm = postmasterPid(dir);
    assert.ok(pm);
    p.child.kill('SIGTERM');
    const r = await p.exited;
    assert.equal(r.code, 0, p.output());
    assert.ok(!pidAlive(pm!), 'postmaster stopped');
    assert.ok(!existsSync(path.join(dir, 'pg', 'postmaster.pid')), 'postmaster.pid removed');
    const gone = await fetch(`${base}/healthz`).catch(() => null);
    assert.equal(gone, null, 'nothing listens any more');
  });
});
