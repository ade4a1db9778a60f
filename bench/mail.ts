// Mail ingestion scenarios (issue 4): raw-MIME webhook and IMAP end to end until the
// ticket message is committed, receive→visible latency at a steady 100 mails/s, and
// parse time on the hostile corpus. Runs in its own database of the bench cluster.
// BENCH_CPU_PROF=<dir>: the Slovo child writes a CPU profile there (node --cpu-prof).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../server/db/embedded.ts';
import { benchRawIngest } from '../server/mail/inbound/bench-raw.ts';
import { startDovecot } from '../server/test/dovecot.ts';
import type { Cluster } from './cluster.ts';
import { statementStats } from './statements.ts';
import { benchParse } from './mail-parse.ts';
import type { Row } from './report.ts';
import { cpuMeter, summarize, type LoadResult } from './stats.ts';

const DB = 'slovo_mail_bench';

type Server = { child: ChildProcess; base: string; stop: () => Promise<void> };

function startServer(url: string, extra: Record<string, string> = {}): Promise<Server> {
  const child = fork(path.join(import.meta.dirname, 'server.ts'), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, DATABASE_URL: url, BENCH_MAIL_PATHS: '1', SLOVO_MAIL_SENDER_LIMIT: '100000', ...extra },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({
      child, base: `http://127.0.0.1:${m.port}`,
      stop: () => new Promise<void>((r) => { if (child.exitCode !== null || !child.connected) return r(); child.once('exit', () => r()); child.send('stop'); }),
    }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

let n = 0;
function mail(i: number, tag: string): Buffer {
  const sender = `client${i % 500}@bench-${tag}.test`;
  return Buffer.from([
    `From: Client ${i % 500} <${sender}>`, 'To: support@bench.test', `Subject: ${tag} request ${i}: VPN drops every hour`,
    `Date: ${new Date().toUTCString()}`, `Message-ID: <${tag}.${i}.${++n}.${Date.now()}@bench.test>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
    `Здравствуйте! С утра VPN отключается каждый час, заявка ${i}. Уже перезагружали роутер и меняли кабель.`,
    'Hello, the VPN disconnects every hour since the morning. We already rebooted the router and replaced the cable.',
    '', '--', `Client ${i % 500}`, '',
  ].join('\r\n'));
}

async function waitApplied(db: pg.Client, channelId: string, count: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    // cheap for the server under test: is any of its mails still in the pipeline (stops at the first),
    // and only then the total (so that mails not yet received do not count as done)
    const open = await db.query(`select exists (select 1 from inbound_mails where stage in ('received', 'parsed', 'threaded') and channel_id = $1) as open`, [channelId]);
    const n = open.rows[0].open ? -1 : (await db.query(`select count(*)::int as n from inbound_mails where channel_id = $1`, [channelId])).rows[0].n;
    if (n >= count) return performance.now();
    if (Date.now() > until) throw new Error(`not all ${count} mails processed in ${ms / 1000} s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function channel(db: pg.Client, address: string, settings: object = {}): Promise<{ id: string; token: string }> {
  const token = `bench-${address}-${'t'.repeat(20)}`;
  const r = await db.query(`insert into mail_channels (name, address, webhook_token, settings) values ('Bench', $1, $2, $3) returning id`, [address, token, JSON.stringify(settings)]);
  return { id: String(r.rows[0].id), token };
}

const result = (count: number, seconds: number, lat: number[] = []): LoadResult => {
  const s = lat.length ? summarize(lat, seconds) : { requests: count, seconds, throughput: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  return { ...s, requests: count, seconds: Math.round(seconds * 10) / 10, throughput: Math.round(count / seconds), errors: 0, failures: [] };
};

export async function runMailBench(cluster: Cluster, log: (m: string) => void, opts: { count: number }): Promise<{ rows: Row[]; notes: string[] }> {
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.end();
  const url = await ensureDatabase(cluster.adminUrl, DB);
  const rows: Row[] = [];
  const notes: string[] = [];
  let server = await startServer(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // 1. raw-MIME webhook, 8 clients, until every mail is a ticket message (a fresh process; again after 2., warm)
    const webhookRound = async (label: string, tag: string) => {
      const ch = await channel(db, `${tag}@bench.test`);
      log(`mail: ${opts.count} mails through the raw-MIME webhook (${label}), 8 clients, until every ticket message is committed`);
      const st = process.env.SLOVO_BENCH_STATEMENTS ? await statementStats(url, `Mail webhook (${label})`) : null;
      const meter = cpuMeter(server.child.pid!, cluster.postmasterPid());
      const t0 = performance.now();
      const recv = await benchRawIngest({ baseUrl: server.base, channelId: ch.id, token: ch.token, count: opts.count, concurrency: 8, makeMail: (i) => mail(i, tag) });
      const t1 = await waitApplied(db, ch.id, opts.count, 600_000);
      rows.push({ scenario: `Mail: raw-MIME webhook (${label}) → ticket message committed`, mode: 'HTTP', clients: 8, target: { metric: 'throughput', value: 500 }, result: result(opts.count, (t1 - t0) / 1000), cpu: meter() });
      rows.push({ scenario: `Mail: raw-MIME webhook (${label}), receive only (2xx = raw committed)`, mode: 'HTTP', clients: 8, result: { ...result(opts.count, opts.count / recv.mailsPerSec), p50: recv.p50, p95: recv.p95, p99: recv.p99 } });
      log(`  ${rows.at(-2)!.result.throughput}/s end to end, receive ${recv.mailsPerSec}/s`);
      if (st) notes.push(...(await st.report()));
    };
    await webhookRound('fresh process', 'raw');

    // 2. steady 100 mails/s for 20 s: receive → visible latency per mail
    const steady = await channel(db, 'steady@bench.test');
    const total = 2000;
    log(`mail: ${total} mails at 100/s, receive → visible`);
    let cpu = cpuMeter(server.child.pid!, cluster.postmasterPid());
    const target = `${server.base}/api/v1/mail/inbound/${steady.id}/raw`;
    const start = performance.now();
    const posts = new Set<Promise<unknown>>();
    let late = 0; // sends that could not start on time because 64 were still in flight
    for (let i = 0; i < total; i++) {
      const due = start + i * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (posts.size >= 64) { late++; await Promise.race(posts); }
      const p: Promise<unknown> = fetch(target, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${steady.token}` }, body: new Uint8Array(mail(i, 'steady')) })
        .then((r) => r.text()).finally(() => posts.delete(p));
      posts.add(p);
    }
    if (late) notes.push(`Mail at 100/s: ${late} sends waited because 64 requests were in flight (the server fell behind the pace).`);
    await Promise.all([...posts]);
    await waitApplied(db, steady.id, total, 300_000);
    const lat = await db.query(`select extract(epoch from (msg.created_at - im.received_at)) * 1000 as ms from inbound_mails im join messages msg on msg.id = im.ticket_message_id where im.channel_id = $1`, [steady.id]);
    const ms = lat.rows.map((r) => Number(r.ms));
    rows.push({ scenario: 'Mail: receive → visible at 100 mails/s', mode: 'HTTP', clients: 1, target: { metric: 'p95', value: 2000 }, result: result(total, (performance.now() - start) / 1000, ms), cpu: cpu() });
    log(`  p50 ${rows.at(-1)!.result.p50} ms, p95 ${rows.at(-1)!.result.p95} ms`);
    await webhookRound('running process', 'warm');
    await server.stop();

    // 3. IMAP: a backlog in a real Dovecot mailbox, picked up by a fresh Slovo process
    const dove = await startDovecot({ users: [{ user: 'imap@bench.test', password: 'secret' }] });
    try {
      const imapCount = Math.min(opts.count, 3000);
      for (let i = 0; i < imapCount; i++) dove.deliverMaildir('imap@bench.test', mail(i, 'imap'));
      const imap = await channel(db, 'imap@bench.test', { imap: { host: '127.0.0.1', port: dove.port, secure: false, user: 'imap@bench.test', password: 'secret', folders: ['INBOX'], processed: 'flag', moveTo: 'Slovo/Processed', idle: true, pollSeconds: 5 } });
      log(`mail: ${imapCount} mails waiting in a Dovecot mailbox, Slovo starts and ingests them over IMAP`);
      const st3 = process.env.SLOVO_BENCH_STATEMENTS ? await statementStats(url, 'Mail IMAP') : null;
      server = await startServer(url);
      cpu = cpuMeter(server.child.pid!, cluster.postmasterPid());
      const s0 = performance.now();
      const s1 = await waitApplied(db, imap.id, imapCount, 600_000);
      rows.push({ scenario: 'Mail: IMAP backlog at start (cold process) → ticket message committed', mode: 'HTTP', clients: 1, target: { metric: 'throughput', value: 500 }, result: result(imapCount, (s1 - s0) / 1000), cpu: cpu() });
      log(`  ${rows.at(-1)!.result.throughput}/s`);
      if (st3) notes.push(...(await st3.report()));
      // the same process, now running (IDLE): a burst of as many mails lands in the mailbox at once
      log(`mail: ${imapCount} more mails land at once in the mailbox of the running Slovo`);
      cpu = cpuMeter(server.child.pid!, cluster.postmasterPid());
      const w0 = performance.now();
      dove.deliverMaildirMany('imap@bench.test', Array.from({ length: imapCount }, (_, i) => mail(imapCount + i, 'imap')));
      const w1 = await waitApplied(db, imap.id, 2 * imapCount, 600_000);
      rows.push({ scenario: 'Mail: IMAP burst into a running Slovo → ticket message committed', mode: 'HTTP', clients: 1, target: { metric: 'throughput', value: 500 }, result: result(imapCount, (w1 - w0) / 1000), cpu: cpu() });
      log(`  ${rows.at(-1)!.result.throughput}/s`);
      await server.stop();
    } finally {
      await dove.close();
    }

    // 4. parse time on the hostile corpus and on ordinary mail (worker pool, in this process)
    for (const p of await benchParse()) {
      rows.push({ scenario: p.name.replace(/^mail parse/i, 'Mail parse'), mode: 'in-process', clients: 1, note: `max ${p.max} ms`, result: { requests: p.count, seconds: 0, throughput: 0, p50: p.p50, p95: p.p95, p99: p.p99, max: p.max, mean: 0, errors: 0, failures: [] } });
    }
    notes.push('Mail: each mail is distinct (own Message-ID), ~500 senders, ru+en text with a signature; the pipeline runs as `slovo serve` runs it (pg-boss workers parse → thread → apply in the same process, parser in 2 worker threads). "→ ticket message committed" counts from the first POST (or the start of Slovo, for the IMAP backlog) until every mail reached a final stage; the IMAP burst counts from the moment the mails land in the mailbox of the running (warm) process, which learns of them by IDLE; receive→visible is messages.created_at − inbound_mails.received_at per mail. "Mail parse" rows run the worker-thread pool inside the bench process.');
    return { rows, notes };
  } finally {
    await db.end().catch(() => {});
    await server.stop().catch(() => {});
  }
}
