import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { createDb, type Db } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import type { App } from '../http/types.ts';
import { Client, createTestDatabase, makeTicket, PASSWORD, setup, type TestCtx } from '../test/harness.ts';
import { backup } from './backup.ts';
import { restore, RestoreError } from './restore.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let customer: Client & { customerId: string };
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)); // binary, all byte values

async function counts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and relname <> 'schema_migrations' order by 1`.execute(db);
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    out[name] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db)).rows[0].n;
  }
  return out;
}

/** The real app over another database (the restored one). */
async function appOn(url: string): Promise<{ app: App; db: Db }> {
  const { db, pool } = createDb(url, 5);
  const deps: Deps = { db, pool, config: { ...ctx.config, DATABASE_URL: url }, boss: null, log: pino({ level: 'silent' }) };
  const app = await buildApp(deps);
  await app.ready();
  cleanups.push(async () => { await app.close(); await db.destroy(); });
  return { app, db };
}

async function freshDb(): Promise<string> {
  const t = await createTestDatabase();
  cleanups.push(t.drop);
  return t.url;
}

let file: string;
let ticket: { id: string; number: string };
let attachmentId: string;

before(async () => {
  ctx = await setup();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slovo-backup-'));
  agent = await ctx.as('agent');
  customer = await ctx.asCustomer('olga@romashka.test');
  await ctx.deps.db.insertInto('organizations').values({ name: 'Ромашка', domains: ['romashka.test'], notes: 'строка\nс переносом\tи табом \\ и слэшем' }).execute();
  const up = await agent.req('POST', '/api/v1/attachments?filename=%D0%BE%D1%82%D1%87%D1%91%D1%82.bin', { raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(up.status, 201, up.raw);
  attachmentId = up.body.id;
  ticket = await makeTicket(agent, { subject: 'Счёт выставлен дважды', tags: ['billing'], message: { body: 'Нам пришло два счёта за март.\nПроверьте, пожалуйста.', attachmentIds: [attachmentId] } });
  await makeTicket(agent, { subject: 'Mail is not arriving', requester: { email: 'john@acme.test', name: 'John Smith' }, language: 'en' });
  const r = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Проверили: второй счёт аннулирован.', kind: 'reply' });
  assert.equal(r.status, 201, r.raw);
  file = path.join(dir, 'slovo.backup.gz');
});

after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  test('round trip: same rows, same bytes, sequences moved on, old sessions and logins still work', async () => {
    const r = await backup(ctx.url, file);
    assert.ok(fs.statSync(file).size > 100);
    assert.equal(r.rows.tickets, 2);
    assert.equal(r.rows.blobs, 1);
    assert.ok(!fs.existsSync(`${file}.partial`));

    const url = await freshDb();
    const res = await restore(url, file);
    assert.deepEqual(res.rows, r.rows);
    const { app, db } = await appOn(url);
    assert.deepEqual(await counts(db), await counts(ctx.deps.db));

    // exact rows
    for (const table of ['tickets', 'messages', 'users', 'customers', 'customer_emails', 'organizations', 'sessions', 'ticket_events', 'attachments'] as const) {
      const a = await sql`select * from ${sql.table(table)} order by 1`.execute(ctx.deps.db);
      const b = await sql`select * from ${sql.table(table)} order by 1`.execute(db);
      assert.deepEqual(b.rows, a.rows, `rows of ${table}`);
    }
    const org = await db.selectFrom('organizations').select('notes').executeTakeFirstOrThrow();
    assert.equal(org.notes, 'строка\nс переносом\tи табом \\ и слэшем');

    // the agent's session cookie works against the restored database
    const again = new Client(app);
    again.cookies = new Map(agent.cookies);
    again.csrf = agent.csrf;
    const got = await again.get(`/api/v1/tickets/${ticket.number}`);
    assert.equal(got.status, 200, got.raw);
    assert.equal(got.body.subject, 'Счёт выставлен дважды');
    const file2 = await again.get(`/api/v1/attachments/${attachmentId}`);
    assert.equal(file2.status, 200);
    const blob = await db.selectFrom('blobs').select(['sha256', 'data']).executeTakeFirstOrThrow();
    assert.equal(sha(blob.data), sha(bytes));
    assert.equal(blob.sha256, sha(bytes));

    // a new ticket continues the numbering; new rows get fresh ids
    const next = await makeTicket(again, { subject: 'После восстановления' });
    const maxBefore = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.max('number').as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(next.number.slice(3)), Number(maxBefore.n) + 1);
    const msg = await again.post(`/api/v1/tickets/${next.id}/messages`, { body: 'ok', kind: 'note' });
    assert.equal(msg.status, 201, msg.raw);

    // logins with the old password, and the portal customer's session
    const login = await new Client(app).login((await db.selectFrom('users').select('email').where('id', '=', agent.userId).executeTakeFirstOrThrow()).email, PASSWORD);
    assert.equal(login.status, 200);
    const portal = new Client(app);
    portal.cookies = new Map(customer.cookies);
    portal.csrf = customer.csrf;
    const me = await portal.get('/api/v1/auth/me');
    assert.equal(me.status, 200, me.raw);
    assert.deepEqual([me.body.kind, me.body.id], ['customer', customer.customerId]);
  });

  test('restore as an ordinary (non-superuser) owner into a brand-new database: migrations, FK-safe order', async () => {
    const admin = new pg.Client({ connectionString: process.env.SLOVO_TEST_ADMIN_URL });
    await admin.connect();
    const name = `r_${randomBytes(5).toString('hex')}`;
    await admin.query(`create role ${name} login password 'restore-pw' nosuperuser`);
    await admin.query(`create database ${name} owner ${name}`);
    cleanups.push(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`drop role if exists ${name}`);
      await admin.end();
    });
    const u = new URL(process.env.SLOVO_TEST_ADMIN_URL!);
    u.username = name;
    u.password = 'restore-pw';
    u.pathname = `/${name}`;
    const r = await restore(u.toString(), file);
    assert.equal(r.rows.tickets, 2);
    const { db } = await appOn(u.toString());
    const mine = await counts(ctx.deps.db);
    const theirs = await counts(db);
    for (const t of Object.keys(r.rows)) assert.equal(theirs[t], r.rows[t], t);
    assert.ok(mine.tickets >= theirs.tickets);
    const owner = await sql<{ o: string }>`select tableowner as o from pg_tables where tablename = 'tickets'`.execute(db);
    assert.equal(owner.rows[0].o, name);
  });

  test('a backup that cannot be written fails instead of hanging', async () => {
    await assert.rejects(backup(ctx.url, path.join(dir, 'missing', 'dir', 'x.gz')), /ENOENT/);
  });

  test('refuses a database that already has data, and leaves it alone', async () => {
    const before = await counts(ctx.deps.db);
    await assert.rejects(restore(ctx.url, file), (e: Error) => e instanceof RestoreError && /not empty \(users: \d+ row/.test(e.message) && /new, empty database/.test(e.message));
    assert.deepEqual(await counts(ctx.deps.db), before);
  });

  test('refuses files that are not backups, truncated ones, and backups from a newer Slovo', async () => {
    const url = await freshDb();
    const { db } = await appOn(url);
    const junk = path.join(dir, 'junk.gz');
    fs.writeFileSync(junk, 'hello, this is not gzip');
    await assert.rejects(restore(url, junk), /not a Slovo backup/);
    fs.writeFileSync(junk, zlib.gzipSync('SOMETHING ELSE\n{}\n'));
    await assert.rejects(restore(url, junk), /not a Slovo backup/);

    // truncated: cut the uncompressed stream in the middle of the data
    const raw = zlib.gunzipSync(fs.readFileSync(file));
    fs.writeFileSync(junk, zlib.gzipSync(raw.subarray(0, Math.floor(raw.length * 0.6))));
    await assert.rejects(restore(url, junk), /ends too early/);
    assert.equal((await counts(db)).tickets, 0, 'nothing is left behind by a failed restore');

    const lines = raw.toString('latin1').split('\n');
    const header = JSON.parse(lines[1]);
    header.migrations.push('29991231235959');
    fs.writeFileSync(junk, zlib.gzipSync(Buffer.concat([Buffer.from(`${lines[0]}\n${JSON.stringify(header)}\n`), raw.subarray(lines[0].length + lines[1].length + 2)])));
    await assert.rejects(restore(url, junk), /newer Slovo \(unknown migrations: 29991231235959\)/);
    assert.equal((await counts(db)).users, 0);
  });
});
