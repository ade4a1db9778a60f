// IMAP ingestion throughput against a private Dovecot: `count` distinct mails are put
// into the mailbox first (IMAP APPEND over 4 connections, or Maildir delivery), then the
// IMAP path starts and the clock runs until every mail is committed in inbound_mails
// and, when pg-boss workers run in this process (deps.boss), until every mail reached a
// final stage (applied/duplicate/ignored/quarantined). bench/run.ts or tests call it.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { startDovecot } from '../../test/dovecot.ts';
import { startImapPaths } from './imap-path.ts';

export type ImapBenchOptions = {
  deps: Deps;
  count: number;
  /** how the backlog gets into the mailbox (default 'append') */
  fill?: 'append' | 'maildir';
  makeMail?: (i: number) => Buffer;
  /** give up after this long (default 10 min) */
  timeoutMs?: number;
};

export type ImapBenchResult = {
  count: number;
  /** APPEND (or Maildir writes) of the whole backlog */
  fillSeconds: number;
  fillPerSec: number;
  /** from the start of the IMAP path until all `count` mails are committed */
  committedSeconds: number;
  mailsPerSec: number;
  /** until all reached a final stage; null without workers (deps.boss null) */
  settledSeconds: number | null;
  settledPerSec: number | null;
};

const round = (x: number) => Math.round(x * 10) / 10;

function defaultMail(i: number, tag: string): Buffer {
  return Buffer.from(
    [
      `From: Client ${i % 500} <client${i % 500}@imap-bench.test>`, `To: ${tag}@imap-bench.test`, `Subject: IMAP bench ${i}`,
      `Date: ${new Date().toUTCString()}`, `Message-ID: <${tag}.${i}@imap-bench.test>`, 'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8', '', `Здравствуйте! Письмо ${i}. Hello, mail ${i}.`, '',
    ].join('\r\n'),
  );
}

async function waitCount(deps: Deps, channelId: string, count: number, terminal: boolean, until: number): Promise<void> {
  for (;;) {
    const q = terminal
      ? sql<{ n: string }>`select count(*) as n from inbound_mails where channel_id = ${channelId} and stage in ('applied','duplicate','ignored','quarantined')`
      : sql<{ n: string }>`select count(*) as n from inbound_mails where channel_id = ${channelId}`;
    const n = Number((await q.execute(deps.db)).rows[0].n);
    if (n >= count) return;
    if (Date.now() > until) throw new Error(`IMAP bench: only ${n} of ${count} mails ${terminal ? 'settled' : 'committed'}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function benchImapIngest(opts: ImapBenchOptions): Promise<ImapBenchResult> {
  const { deps, count } = opts;
  const tag = `imapbench${Date.now().toString(36)}`;
  const user = { user: `${tag}@imap-bench.test`, password: 'bench-secret' };
  const make = opts.makeMail ?? ((i: number) => defaultMail(i, tag));
  const dv = await startDovecot({ users: [user] });
  const until = Date.now() + (opts.timeoutMs ?? 600_000);
  let channelId: string | null = null;
  let stop: (() => Promise<void>) | null = null;
  try {
    const mails = Array.from({ length: count }, (_, i) => make(i));
    const f0 = performance.now();
    if (opts.fill === 'maildir') {
      for (const m of mails) dv.deliverMaildir(user.user, m);
    } else {
      const clients = await Promise.all([0, 1, 2, 3].map(() => dv.client(user.user)));
      let next = 0;
      await Promise.all(clients.map(async (c) => {
        while (next < mails.length) await c.append('INBOX', mails[next++]);
        await c.logout();
      }));
    }
    const fillSeconds = (performance.now() - f0) / 1000;
    const imap = { host: '127.0.0.1', port: dv.port, secure: false, user: user.user, password: user.password, folders: ['INBOX'], pollSeconds: 60 };
    const ch = await deps.db
      .insertInto('mail_channels')
      .values({ name: 'IMAP bench', address: user.user, webhook_token: `${tag}-${'t'.repeat(24)}`, settings: JSON.stringify({ imap }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    channelId = ch.id;
    const t0 = performance.now();
    stop = await startImapPaths(deps, { only: [channelId] });
    await waitCount(deps, channelId, count, false, until);
    const committedSeconds = (performance.now() - t0) / 1000;
    let settledSeconds: number | null = null;
    if (deps.boss) {
      await waitCount(deps, channelId, count, true, until);
      settledSeconds = (performance.now() - t0) / 1000;
    }
    return {
      count,
      fillSeconds: round(fillSeconds),
      fillPerSec: Math.round(count / fillSeconds),
      committedSeconds: round(committedSeconds),
      mailsPerSec: Math.round(count / committedSeconds),
      settledSeconds: settledSeconds === null ? null : round(settledSeconds),
      settledPerSec: settledSeconds === null ? null : Math.round(count / settledSeconds),
    };
  } finally {
    await stop?.().catch(() => {});
    if (channelId) await deps.db.updateTable('mail_channels').set({ active: false }).where('id', '=', channelId).execute().catch(() => {});
    await dv.close();
  }
}
