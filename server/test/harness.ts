// Test harness: a fresh database per test file (cloned from the migrated template that
// server/test/run.ts prepared), the real app, and HTTP clients signed in as each role.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { createDb } from '../db/db.ts';
import type { Role } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import type { App } from '../http/types.ts';
import { startBoss, stopJobs } from '../jobs/boss.ts';
import { registerWorkers } from '../jobs/workers.ts';
import { hashPassword } from '../modules/auth/password.ts';
import { WEB_DIST } from '../../web/build.ts';
import { freePort } from './ports.ts';

export const PASSWORD = 'correct horse battery staple';

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.SLOVO_TEST_ADMIN_URL;
  const template = process.env.SLOVO_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('run tests with `npm test` (it starts PostgreSQL and sets SLOVO_TEST_ADMIN_URL)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export type Res = { status: number; body: any; headers: Record<string, string | string[] | undefined>; raw: string };

/** An HTTP client over app.inject that keeps cookies and sends the CSRF header like the web app. */
export class Client {
  cookies = new Map<string, string>();
  csrf: string | null = null;
  token: string | null = null;
  constructor(readonly app: App) {}

  async req(method: string, url: string, opts: { body?: unknown; headers?: Record<string, string>; raw?: Buffer | string } = {}): Promise<Res> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && !headers['x-csrf-token']) headers['x-csrf-token'] = this.csrf;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const r = await this.app.inject({ method: method as 'GET', url, headers, payload });
    for (const c of r.cookies as { name: string; value: string; expires?: Date }[]) {
      if (!c.value || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    let body: unknown = r.body;
    if (String(r.headers['content-type'] ?? '').includes('json') && r.body) body = JSON.parse(r.body);
    return { status: r.statusCode, body, headers: r.headers as Res['headers'], raw: r.body };
  }
  get = (url: string, headers?: Record<string, string>) => this.req('GET', url, { headers });
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('POST', url, { body: body ?? {}, headers });
  patch = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('PATCH', url, { body: body ?? {}, headers });
  put = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('PUT', url, { body: body ?? {}, headers });
  del = (url: string, headers?: Record<string, string>) => this.req('DELETE', url, { headers });

  async login(email: string, password = PASSWORD): Promise<Res> {
    const r = await this.post('/api/v1/auth/login', { email, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}

export type TestCtx = {
  app: App;
  deps: Deps;
  url: string;
  config: Config;
  /** http://127.0.0.1:port when set up with { web: true }. */
  base: string;
  anon: () => Client;
  /** A user with the role, signed in through the login route. */
  as: (role: Role, opts?: { level?: number; email?: string }) => Promise<Client & { userId: string }>;
  createUser: (role: Role, opts?: { email?: string; level?: number; name?: string }) => Promise<{ id: string; email: string }>;
  /** A customer signed in to the portal through a real magic link. */
  asCustomer: (email?: string) => Promise<Client & { customerId: string }>;
  close: () => Promise<void>;
};

let seq = 0;

/** opts.web: serve the built web apps and listen on a real port (ctx.base) for browser tests. */
export async function setup(opts: { jobs?: boolean; env?: Record<string, string>; web?: boolean } = {}): Promise<TestCtx> {
  const { url, drop } = await createTestDatabase();
  const port = opts.web ? await freePort() : 0;
  const webEnv: Record<string, string> = opts.web ? { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` } : {};
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url, SLOVO_RATE_LIMIT_LOGIN: '1000', ...webEnv, ...opts.env }, { dotenv: false });
  const { db, pool } = createDb(url, 10);
  const boss = opts.jobs ? await startBoss(url, { schedule: false }) : null;
  const deps: Deps = { db, pool, config, boss, log: pino({ level: 'silent' }) };
  if (boss) await registerWorkers(deps, boss);
  const app = await buildApp(deps, opts.web ? { web: WEB_DIST } : {});
  await app.ready();
  // sockets and their last request: named when app.close hangs
  const sockets = new Set<import('node:net').Socket>();
  app.server.on('connection', (s: import('node:net').Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  app.server.on('request', (req: { url?: string; method?: string; socket: object }) => { (req.socket as { last?: string }).last = `${req.method} ${req.url}`; });
  const openSockets = () => [...sockets].map((s) => (s as { last?: string }).last ?? '(no request)').join('; ');
  if (opts.web) await app.listen({ port, host: '127.0.0.1' });
  const hash = await hashPassword(PASSWORD);

  const createUser: TestCtx['createUser'] = async (role, o = {}) => {
    const email = o.email ?? `${role}${++seq}@agents.test`;
    const u = await db
      .insertInto('users')
      .values({ email, name: o.name ?? `${role} ${seq}`, role, level: o.level ?? 1, password_hash: hash })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: u.id, email };
  };
  const as: TestCtx['as'] = async (role, o = {}) => {
    const u = await createUser(role, o);
    const c = new Client(app) as Client & { userId: string };
    const r = await c.login(u.email);
    if (r.status !== 200) throw new Error(`login as ${role} failed: ${r.raw}`);
    c.userId = u.id;
    return c;
  };
  const asCustomer: TestCtx['asCustomer'] = async (email) => {
    const addr = email ?? `customer${++seq}@clients.test`;
    const { findOrCreateCustomer } = await import('../modules/people/customer-lookup.ts');
    const cust = await findOrCreateCustomer(db, addr, { name: `Customer ${seq}` });
    const c = new Client(app) as Client & { customerId: string };
    await c.post('/api/v1/portal/auth/magic-link', { email: addr });
    const mail = await db.selectFrom('outbox').select('body_text').where('to_address', '=', addr).where('kind', '=', 'magic_link').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.body_text)![1];
    const r = await c.post('/api/v1/portal/auth/verify', { token });
    if (r.status !== 200) throw new Error(`portal login failed: ${r.raw}`);
    c.csrf = r.body.csrfToken;
    c.customerId = cust.id;
    return c;
  };
  return {
    app, deps, url, config, createUser, as, asCustomer, base: config.publicUrl,
    anon: () => new Client(app),
    close: async () => {
      // each step bounded: a step that never settles (a pool waiting on a client nobody releases)
      // is named on stderr instead of holding the test file until its timeout
      // jobs first, gracefully: a handler cut off while its pool is destroyed waits for ever for a
      // client (pg-pool never answers queued connects after end()), and pg-boss then polls every
      // second for that worker to stop, keeping the test process alive
      if (boss) await bounded('boss.stop', stopJobs(boss, { graceful: true, wait: true, timeout: 10_000 }));
      // a connection still busy at close is named, then cut (as `slovo serve` does after 10 s)
      const closing = app.close();
      await bounded('app.close', closing, openSockets);
      app.server.closeAllConnections();
      await bounded('app.close after cutting connections', closing);
      await bounded('db.destroy', db.destroy());
      await bounded('drop database', drop());
    },
  };
}

const CLOSE_STEP_MS = 20_000;
async function bounded(what: string, p: Promise<unknown>, detail?: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), CLOSE_STEP_MS); timer.unref(); });
  const r = await Promise.race([p.then(() => 'ok' as const), late]);
  clearTimeout(timer);
  if (r === 'late') {
    const file = path.relative(process.cwd(), process.argv[1] ?? '?');
    process.stderr.write(`harness: ${what} did not finish within ${CLOSE_STEP_MS / 1000} s in ${file}; going on (active: ${process.getActiveResourcesInfo().join(', ')}${detail ? `; ${detail()}` : ''})\n`);
  }
}

/** A ticket created through the API by the given client. */
export async function makeTicket(c: Client, over: Record<string, unknown> = {}) {
  const r = await c.post('/api/v1/tickets', {
    subject: 'Не приходят письма',
    requester: { email: `req${++seq}@clients.test`, name: 'Иван Петров' },
    message: { body: 'Здравствуйте! Письма не приходят с понедельника.' },
    ...over,
  });
  if (r.status !== 201) throw new Error(`ticket create failed: ${r.status} ${r.raw}`);
  return r.body;
}
