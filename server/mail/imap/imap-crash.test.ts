// Crash safety of the IMAP path: a real `slovo serve` ingests a burst of 1,000 mails from
// Dovecot, is killed with SIGKILL midway and started again. Result: exactly 1,000 mails,
// 1,000 ticket messages, no duplicates, every mail flagged in IMAP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from '../../db/db.ts';
import type { Db } from '../../db/db.ts';
import { killAll, startSlovo, waitFor, type SlovoProcess } from '../../ops/cli-process.ts';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { createTestDatabase } from '../../test/harness.ts';
import { freePort } from '../../test/ports.ts';
import { makeChannel, rawMail } from '../test/mail-kit.ts';
import { KEYWORD } from './folder-watcher.ts';

const N = 1000;
const USER = { user: 'burst@example.test', password: 'burst-secret' };
let dv: Dovecot;
let database: { url: string; drop: () => Promise<void> };
let db: Db;
let pool: { end: () => Promise<void> };
let dir: string;
let env: Record<string, string>;
let channelId: string;

before(async () => {
  dv = await startDovecot({ users: [USER] });
  database = await createTestDatabase();
  ({ db, pool } = createDb(database.url, 4));
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-imap-crash-'));
  env = {
    DATABASE_URL: database.url, SLOVO_DATA_DIR: dir, PORT: String(await freePort()),
    SLOVO_ADMIN_EMAIL: 'owner@crash.test', SLOVO_ADMIN_PASSWORD: 'a long enough password',
    SLOVO_MAIL_SENDER_LIMIT: '100000', // 20 mails per sender within seconds is the test, not a loop
  };
  const imap = { host: '127.0.0.1', port: dv.port, secure: false, user: USER.user, password: USER.password, folders: ['INBOX'], pollSeconds: 30 };
  channelId = (await makeChannel(db, 'burst@desk.test', { imap })).id;
});

after(async () => {
  await killAll([]);
  await pool?.end();
  await database?.drop();
  await dv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<SlovoProcess> {
  const p = startSlovo(['serve'], env);
  let exit: unknown = null;
  void p.exited.then((e) => (exit = e));
  await waitFor('/readyz', async () => {
    if (exit) throw new Error(`serve exited early (${JSON.stringify(exit)}):\n${p.output()}`);
    const r = await fetch(`http://127.0.0.1:${env.PORT}/readyz`).catch(() => null);
    return r?.status === 200;
  }, 30_000).catch((e: Error) => { throw new Error(`${e.message}\n${p.output()}`); });
  return p;
}

const count = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(db)).rows[0].n);
const mails = () => count(sql<{ n: string }>`select count(*) as n from inbound_mails where channel_id = ${channelId}`);

test('kill -9 while ingesting 1,000 IMAP mails, restart: exactly 1,000 messages, none twice, all flagged', async () => {
  const t0 = Date.now();
  // the burst: 50 senders, distinct Message-IDs, 4 IMAP connections appending. It starts
  // before Slovo is up (a backlog: big batches, so the kill may fall between a commit
  // and its flag) and goes on while Slovo watches (IDLE: small batches).
  const clients = await Promise.all([0, 1, 2, 3].map(() => dv.client(USER.user)));
  let next = 0;
  const append = (upTo: number) => Promise.all(clients.map(async (c) => {
    for (let i = next++; i < upTo; i = next++) {
      await c.append('INBOX', rawMail({ from: `Sender ${i % 50} <sender${i % 50}@burst.test>`, subject: `Burst ${i}`, messageId: `burst-${i}@burst.test`, body: `Mail number ${i}.` }));
    }
    next = Math.min(next, upTo);
  }));
  await append(600);
  const first = await serve();
  const ready1 = Date.now();
  const burst = append(N).then(() => Promise.all(clients.map((c) => c.logout())));
  await waitFor('300 mails committed', async () => (await mails()) >= 300, 60_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const killedAt = Date.now();
  const atKill = await mails();
  await burst;
  const appended = Date.now();
  const second = await serve();
  const ready2 = Date.now();
  await waitFor('all mails committed', async () => (await mails()) >= N, 60_000);
  const committed = Date.now();
  await waitFor('all mails settled', async () => (await count(sql<{ n: string }>`select count(*) as n from inbound_mails where channel_id = ${channelId} and stage in ('applied','duplicate','ignored','quarantined')`)) >= N, 60_000)
    .catch(async (e: Error) => { throw new Error(`${e.message}: ${JSON.stringify((await sql`select stage, count(*) from inbound_mails group by 1`.execute(db)).rows)}`); });
  const settled = Date.now();

  const m = (await sql<{ total: string; distinct_ids: string; applied: string; messages: string }>`
    select count(*) as total, count(distinct message_id) as distinct_ids,
           count(*) filter (where stage = 'applied') as applied, count(distinct ticket_message_id) as messages
      from inbound_mails where channel_id = ${channelId}`.execute(db)).rows[0];
  assert.equal(Number(m.total), N);
  assert.equal(Number(m.distinct_ids), N);
  assert.equal(Number(m.applied), N);
  assert.equal(Number(m.messages), N);
  // customer messages in tickets: one per mail, by body text
  const msgs = (await sql<{ total: string; distinct_bodies: string }>`
    select count(*) as total, count(distinct body_text) as distinct_bodies from messages
     where author_customer_id is not null and body_text like 'Mail number %'`.execute(db)).rows[0];
  assert.equal(Number(msgs.total), N);
  assert.equal(Number(msgs.distinct_bodies), N);
  const receipts = await count(sql<{ n: string }>`select count(*) as n from mail_receipts where channel_id = ${channelId}`);
  assert.ok(receipts >= N);

  // every mail flagged in IMAP, none deleted
  await waitFor('all flagged', async () => {
    const c = await dv.client(USER.user);
    try {
      await c.mailboxOpen('INBOX');
      const f = await c.fetchAll('1:*', { uid: true, flags: true });
      return f.length === N && f.every((x) => x.flags?.has(KEYWORD));
    } finally {
      await c.logout();
    }
  }, 20_000);
  second.child.kill('SIGTERM');
  await second.exited;
  console.log(
    `imap crash: serve ready ${((ready1 - t0) / 1000).toFixed(1)} s, kill at ${((killedAt - ready1) / 1000).toFixed(1)} s, burst appended at ${((appended - ready1) / 1000).toFixed(1)} s, ` +
      `restarted in ${((ready2 - appended) / 1000).toFixed(1)} s; ` +
      `killed at ${atKill} committed; after restart all ${N} committed ${((committed - appended) / 1000).toFixed(1)} s, ` +
      `settled ${((settled - appended) / 1000).toFixed(1)} s; receipts ${receipts} (${receipts - N} re-deliveries); total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
});
