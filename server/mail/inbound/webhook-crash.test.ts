// Crash safety of the webhook path: a real `slovo serve` takes 1,000 distinct mails on the
// raw endpoint from 8 clients that retry until they get a 2xx (as providers do), some posted
// twice on purpose (a retried webhook after a lost response). Slovo is killed with SIGKILL in
// the middle and restarted; the clients keep retrying. Result: exactly 1,000 inbound mails and
// exactly 1,000 customer messages — no loss, no duplicates. Also measures receive throughput.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { killAll, startSlovo, waitFor, type SlovoProcess } from '../../ops/cli-process.ts';
import { createTestDatabase } from '../../test/harness.ts';
import { freePort } from '../../test/ports.ts';
import { benchRawIngest } from './bench-raw.ts';

const N = 1000;
const CLIENTS = 8;
const TOKEN = 'crash-test-webhook-token-0123456789';
const TERMINAL = ['applied', 'duplicate', 'ignored', 'quarantined'];

let dir: string;
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let env: Record<string, string>;
let base: string;
let channelId: string;
let smtpPort: number;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-hookcrash-'));
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const r = await client.query(`insert into mail_channels (name, address, webhook_token) values ('Support', 'support@crash.test', $1) returning id`, [TOKEN]);
  channelId = String(r.rows[0].id);
  const port = await freePort();
  smtpPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = { DATABASE_URL: db.url, PORT: String(port), SLOVO_SMTP_PORT: String(smtpPort), SLOVO_DATA_DIR: dir, SLOVO_ADMIN_EMAIL: 'owner@crash.test', SLOVO_ADMIN_PASSWORD: 'a long enough password', SLOVO_MAIL_SENDER_LIMIT: '100000' };
});

after(async () => {
  await killAll([]);
  await client?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<SlovoProcess> {
  const p = startSlovo(['serve'], env);
  let exit: unknown = null;
  void p.exited.then((e) => { exit = e; });
  await waitFor('/readyz', async () => {
    if (exit) throw new Error(`serve exited (${JSON.stringify(exit)}):\n${p.output()}`);
    return (await fetch(`${base}/readyz`).catch(() => null))?.status === 200;
  }, 60_000);
  return p;
}

const mail = (i: number, tag = 'crash') => Buffer.from(
  `From: Customer ${i} <c${i}@${tag}.clients.test>\r\nTo: support@crash.test\r\nSubject: ${tag} ${i}\r\n` +
  `Date: Wed, 02 Dec 2026 18:00:00 +0000\r\nMessage-ID: <${tag}-${i}@clients.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nЗдравствуйте, письмо номер ${i}.\r\n`,
);

/** Posts until a 2xx, like a provider: refused connections, resets and 5xx are retried. */
async function deliver(i: number, stats: { retries: number }): Promise<void> {
  for (;;) {
    const r = await fetch(`${base}/api/v1/mail/inbound/${channelId}/raw?token=${TOKEN}`, {
      method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: mail(i), signal: AbortSignal.timeout(10_000),
    }).catch(() => null);
    if (r) await r.arrayBuffer().catch(() => null);
    if (r && r.status >= 200 && r.status < 300) return;
    if (r && r.status < 500 && r.status !== 429) throw new Error(`mail ${i}: ${r.status} is not retryable`);
    stats.retries++;
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('kill -9 during a webhook burst: exactly 1,000 mails and 1,000 customer messages', { timeout: 240_000 }, async () => {
  const t0 = Date.now();
  const mark = (what: string) => process.stderr.write(`[webhook-crash] ${what} — at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  let p = await serve();
  mark('served');
  const stats = { retries: 0, acked: 0 };
  let next = 0;
  let killed = false;
  const restart = (async () => {
    await waitFor('400 acknowledged mails', () => stats.acked >= 400, 120_000);
    p.child.kill('SIGKILL');
    await p.exited;
    killed = true;
    mark('killed');
    p = await serve();
    mark('restarted');
  })();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < N) {
      const i = next++;
      await deliver(i, stats);
      stats.acked++;
      if (i % 10 === 0) await deliver(i, stats); // the provider did not see our answer: it posts again
    }
  }));
  await restart;
  mark('all acknowledged');
  assert.ok(killed, 'the process was killed mid-burst');
  mark(`retries after refused or failed posts: ${stats.retries}`);

  const rows = await client.query(`select sha256, stage from inbound_mails where channel_id = $1`, [channelId]);
  assert.equal(rows.rowCount, N, 'exactly one inbound mail per distinct mail');
  const want = new Set(Array.from({ length: N }, (_, i) => createHash('sha256').update(mail(i)).digest('hex')));
  assert.deepEqual(new Set(rows.rows.map((r) => r.sha256)), want, 'every mail sent is stored, nothing else');
  const receipts = await client.query(`select count(*)::int as n from mail_receipts where channel_id = $1`, [channelId]);
  assert.ok(receipts.rows[0].n >= N + N / 10, 'the second posts left receipts');

  // the pipeline turns each into exactly one customer message
  await waitFor('all mails in a terminal stage', async () => {
    const r = await client.query(`select count(*)::int as n from inbound_mails where channel_id = $1 and stage = any($2)`, [channelId, TERMINAL]);
    return r.rows[0].n === N;
  }, 150_000).catch(async (e) => {
    const s = await client.query(`select stage, reason_code, count(*)::int from inbound_mails group by 1, 2`);
    throw new Error(`${(e as Error).message}: ${JSON.stringify(s.rows)}`);
  });
  mark('all terminal');
  const stages = await client.query(`select stage, count(*)::int as n from inbound_mails where channel_id = $1 group by 1`, [channelId]);
  assert.deepEqual(stages.rows, [{ stage: 'applied', n: N }]);
  const msgs = await client.query(`select count(*)::int as n, count(distinct m.id)::int as d from inbound_mails i join messages m on m.id = i.ticket_message_id where i.channel_id = $1 and m.author_type = 'customer'`, [channelId]);
  assert.deepEqual(msgs.rows[0], { n: N, d: N });
  const all = await client.query(`select count(*)::int as n from messages where author_type = 'customer'`);
  assert.equal(all.rows[0].n, N, 'no customer message besides those 1,000');

  // the restarted `slovo serve` also listens for SMTP (SLOVO_SMTP_PORT)
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  const info = await smtp.sendMail({ envelope: { from: 'c1@crash.clients.test', to: ['support+x@crash.test'] }, raw: mail(1, 'smtp') });
  assert.match(info.response, /^250 /);
  const viaSmtp = await client.query(`select raw from inbound_mails where channel_id = $1 and path = 'smtp'`, [channelId]);
  assert.ok(viaSmtp.rows[0]?.raw.equals(mail(1, 'smtp')));

  // receive throughput on the same process (8 clients, committed on 2xx)
  const bench = await benchRawIngest({ baseUrl: base, channelId, token: TOKEN, count: 300, concurrency: CLIENTS, makeMail: (i) => mail(i, 'bench') });
  mark(`raw receive: ${bench.mailsPerSec} mails/s committed, p50 ${bench.p50} ms, p95 ${bench.p95} ms, p99 ${bench.p99} ms`);
  assert.ok(bench.mailsPerSec > 0);
});
