// IMAP path against a real Dovecot: pickup by IDLE, flag or move only after the commit,
// Maildir delivery, and an outage (error recorded, backlog ingested after the restart).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { setup, type TestCtx } from '../../test/harness.ts';
import { makeChannel, rawMail, settled } from '../test/mail-kit.ts';
import { benchImapIngest } from './bench-imap.ts';
import { KEYWORD } from './folder-watcher.ts';
import { startImapPaths } from './imap-path.ts';
import { until as waitUntil } from '../../test/until.ts';

let ctx: TestCtx;
let dv: Dovecot;
let stopPaths: () => Promise<void>;
const FLAG = { user: 'support@example.test', password: 'secret' };
const MOVE = { user: 'move@example.test', password: 'secret2' };
const DOWN = { user: 'down@example.test', password: 'secret3' };
const LATE = { user: 'late@example.test', password: 'secret4' };
const MULTI = { user: 'multi@example.test', password: 'secret5' };
const POLL = { user: 'poll@example.test', password: 'secret6' };
const channels: Record<string, string> = {};

const imap = (u: { user: string; password: string }, extra: Record<string, unknown> = {}) => ({
  imap: { host: '127.0.0.1', port: dv.port, secure: false, user: u.user, password: u.password, folders: ['INBOX'], pollSeconds: 300, ...extra },
});

before(async () => {
  ctx = await setup({ jobs: true });
  dv = await startDovecot({ users: [FLAG, MOVE, DOWN, LATE, MULTI, POLL] });
  channels.flag = (await makeChannel(ctx.deps.db, 'flag@desk.test', imap(FLAG))).id;
  channels.move = (await makeChannel(ctx.deps.db, 'move@desk.test', imap(MOVE, { processed: 'move', moveTo: 'Slovo/Processed' }))).id;
  channels.down = (await makeChannel(ctx.deps.db, 'down@desk.test', imap(DOWN))).id;
  stopPaths = await startImapPaths(ctx.deps, { only: [channels.flag, channels.move, channels.down] });
});
after(async () => {
  await stopPaths?.();
  await dv?.close();
  await ctx?.close();
});

const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000) => waitUntil(what, fn, ms, 50);

const mailByMessageId = (channelId: string, messageId: string) =>
  ctx.deps.db.selectFrom('inbound_mails').select(['id', 'path', 'stage', 'received_at']).where('channel_id', '=', channelId).where('message_id', '=', messageId).executeTakeFirst();

async function flagsIn(user: { user: string }, folder = 'INBOX') {
  const c = await dv.client(user.user);
  try {
    await c.mailboxOpen(folder);
    const msgs = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true });
    return msgs.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], messageId: m.envelope?.messageId }));
  } finally {
    await c.logout();
  }
}

const pathState = (channelId: string) =>
  ctx.deps.db.selectFrom('mail_path_state').selectAll().where('channel_id', '=', channelId).where('path', '=', 'imap').executeTakeFirst();

describe('IMAP path (flag mode)', () => {
  test('appended mail is committed, becomes a ticket, and is flagged only after the commit', async () => {
    const subjects = ['IMAP one', 'IMAP two', 'IMAP three'];
    const t0 = Date.now();
    for (const [i, subject] of subjects.entries()) await dv.append(FLAG.user, rawMail({ subject, messageId: `imap-${i}@client.test`, from: `Kira <kira${i}@client.test>` }));
    const rows = await until('three mails', async () => {
      const r = await Promise.all(subjects.map((_, i) => mailByMessageId(channels.flag, `imap-${i}@client.test`)));
      return r.every(Boolean) ? r.map((x) => x!) : null;
    });
    const latency = Math.max(...rows.map((r) => r.received_at.getTime())) - t0;
    // pollSeconds is 300: only IDLE can have brought these in so fast
    assert.ok(latency < 3000, `IDLE pickup took ${latency} ms`);
    assert.ok(rows.every((r) => r.path === 'imap'));
    const done = await settled(ctx.deps.db, rows.map((r) => r.id));
    assert.deepEqual(done.map((d) => d.stage), ['applied', 'applied', 'applied']);
    const tickets = await ctx.deps.db.selectFrom('tickets').select('subject').where('id', 'in', done.map((d) => d.ticket_id!)).orderBy('id').execute();
    assert.deepEqual(tickets.map((t) => t.subject).sort(), [...subjects].sort());
    const receipts = await ctx.deps.db.selectFrom('mail_receipts').select('path_ref').where('inbound_mail_id', 'in', rows.map((r) => r.id)).execute();
    assert.equal(receipts.length, 3);
    assert.ok(receipts.every((r) => /^INBOX:\d+:\d+$/.test(r.path_ref!)), JSON.stringify(receipts));
    const flags = await until('flags', async () => {
      const f = await flagsIn(FLAG);
      return f.length === 3 && f.every((m) => m.flags.includes(KEYWORD)) ? f : null;
    });
    assert.ok(flags.every((m) => m.flags.includes('\\Seen')));
    const st = await until('path ok', async () => ((await pathState(channels.flag))?.last_ok_at ? pathState(channels.flag) : null));
    assert.ok((st!.state as { folders: Record<string, unknown> }).folders.INBOX);
  });

  test('a mail a person already read (\\Seen, no keyword) is still ingested', async () => {
    const c = await dv.client(FLAG.user);
    await c.append('INBOX', rawMail({ subject: 'Read by a human', messageId: 'seen-1@client.test' }), ['\\Seen']);
    await c.logout();
    await until('seen mail', () => mailByMessageId(channels.flag, 'seen-1@client.test'), 5000);
  });

  test('mail written into Maildir/new (local delivery) is picked up', async () => {
    dv.deliverMaildir(FLAG.user, rawMail({ subject: 'Via Maildir', messageId: 'maildir-1@client.test' }));
    const row = await until('maildir mail', () => mailByMessageId(channels.flag, 'maildir-1@client.test'), 8000);
    const [done] = await settled(ctx.deps.db, [row.id]);
    assert.equal(done.stage, 'applied');
  });

  test('while the database refuses the mail, it is not flagged; once it accepts, it is', async () => {
    await sql`create function refuse_imap() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`.execute(ctx.deps.db);
    await sql`create trigger refuse_imap before insert on inbound_mails for each row when (new.message_id = 'refused-1@client.test') execute function refuse_imap()`.execute(ctx.deps.db);
    const before = (await pathState(channels.flag))?.last_error_at?.getTime() ?? 0;
    await dv.append(FLAG.user, rawMail({ subject: 'Refused at first', messageId: 'refused-1@client.test' }));
    await until('error recorded', async () => ((await pathState(channels.flag))?.last_error_at?.getTime() ?? 0) > before);
    const pending = (await flagsIn(FLAG)).find((m) => m.messageId === '<refused-1@client.test>');
    assert.ok(pending, 'mail still in INBOX');
    assert.ok(!pending.flags.includes(KEYWORD), 'not flagged before the commit');
    assert.equal(await mailByMessageId(channels.flag, 'refused-1@client.test'), undefined);
    await sql`drop trigger refuse_imap on inbound_mails`.execute(ctx.deps.db);
    // reconnects after the backoff (1–2 s) and ingests it
    await until('ingested after the refusal', () => mailByMessageId(channels.flag, 'refused-1@client.test'), 8000);
    await until('flagged after the commit', async () => (await flagsIn(FLAG)).find((m) => m.messageId === '<refused-1@client.test>')?.flags.includes(KEYWORD));
  });
});

describe('IMAP path (move mode)', () => {
  test('processed mail is moved to the configured folder (created), never deleted', async () => {
    await dv.append(MOVE.user, rawMail({ subject: 'Move me', messageId: 'move-1@client.test' }));
    const row = await until('moved mail', () => mailByMessageId(channels.move, 'move-1@client.test'));
    const moved = await until('in Slovo/Processed', async () => {
      const f = await flagsIn(MOVE, 'Slovo/Processed');
      return f.length === 1 ? f : null;
    });
    assert.equal(moved[0].messageId, '<move-1@client.test>');
    assert.ok(moved[0].flags.includes(KEYWORD));
    assert.deepEqual(await flagsIn(MOVE), []);
    // flagged but never moved (a crash between STORE and MOVE): moved on the next pass, not ingested again
    const c = await dv.client(MOVE.user);
    await c.append('INBOX', rawMail({ subject: 'Stray', messageId: 'stray-1@client.test' }), [KEYWORD, '\\Seen']);
    await c.logout();
    await dv.append(MOVE.user, rawMail({ subject: 'Move me too', messageId: 'move-2@client.test' }));
    await until('both moved', async () => (await flagsIn(MOVE, 'Slovo/Processed')).length === 3);
    assert.deepEqual(await flagsIn(MOVE), []);
    assert.equal(await mailByMessageId(channels.move, 'stray-1@client.test'), undefined);
    const [done] = await settled(ctx.deps.db, [row.id]);
    assert.equal(done.stage, 'applied');
  });
});

describe('IMAP outage', () => {
  test('stopping Dovecot records an error; after the restart the backlog is ingested', async () => {
    await dv.append(DOWN.user, rawMail({ subject: 'Before outage', messageId: 'down-0@client.test' }));
    await until('first mail', () => mailByMessageId(channels.down, 'down-0@client.test'));
    await until('path ok', async () => (await pathState(channels.down))?.last_ok_at);
    await dv.stop();
    const err = await until('error recorded', async () => {
      const s = await pathState(channels.down);
      return s?.last_error_at && s.last_ok_at && s.last_error_at > s.last_ok_at ? s : null;
    });
    assert.match(err.last_error!, /INBOX/);
    // mail keeps arriving at the server's disk while IMAP is down
    for (let i = 1; i <= 5; i++) dv.deliverMaildir(DOWN.user, rawMail({ subject: `Backlog ${i}`, messageId: `down-${i}@client.test` }));
    await new Promise((r) => setTimeout(r, 1500));
    await dv.start();
    const rows = await until(
      'backlog',
      async () => {
        const r = await Promise.all([1, 2, 3, 4, 5].map((i) => mailByMessageId(channels.down, `down-${i}@client.test`)));
        return r.every(Boolean) ? r.map((x) => x!) : null;
      },
      20_000,
    );
    const done = await settled(ctx.deps.db, rows.map((r) => r.id));
    assert.ok(done.every((d) => d.stage === 'applied'));
    const s = await until('ok again', async () => {
      const x = await pathState(channels.down);
      return x?.last_ok_at && x.last_error_at && x.last_ok_at > x.last_error_at ? x : null;
    });
    assert.ok(s);
    const flags = await until('backlog flagged', async () => {
      const f = await flagsIn(DOWN);
      return f.length === 6 && f.every((m) => m.flags.includes(KEYWORD)) ? f : null;
    });
    assert.equal(flags.length, 6);
  });
});

describe('IMAP channels and reconnects', () => {
  test('a channel that gets IMAP settings is picked up; switched off, it is left alone', async () => {
    const id = (await makeChannel(ctx.deps.db, 'late@desk.test', {})).id;
    const stop = await startImapPaths(ctx.deps, { only: [id], rescanMs: 200 });
    try {
      await dv.append(LATE.user, rawMail({ subject: 'Late 1', messageId: 'late-1@client.test' }));
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(await mailByMessageId(id, 'late-1@client.test'), undefined, 'no IMAP settings yet');
      await ctx.deps.db.updateTable('mail_channels').set({ settings: JSON.stringify(imap(LATE)) }).where('id', '=', id).execute();
      await until('late mail', () => mailByMessageId(id, 'late-1@client.test'), 5000);
      await ctx.deps.db.updateTable('mail_channels').set({ active: false }).where('id', '=', id).execute();
      await new Promise((r) => setTimeout(r, 600));
      await dv.append(LATE.user, rawMail({ subject: 'Late 2', messageId: 'late-2@client.test' }));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await mailByMessageId(id, 'late-2@client.test'), undefined, 'inactive channel not watched');
    } finally {
      await stop();
    }
  });

  test('a mail the database refuses does not hold up the rest of its batch', async () => {
    await sql`create or replace function refuse_poison() returns trigger language plpgsql as $$ begin raise exception 'poison for the test'; end $$`.execute(ctx.deps.db);
    await sql`create trigger refuse_poison before insert on inbound_mails for each row when (new.message_id = 'poison@client.test') execute function refuse_poison()`.execute(ctx.deps.db);
    const id = (await makeChannel(ctx.deps.db, 'poison@desk.test', imap(LATE))).id;
    // a fresh mailbox folder with three mails waiting, so they come in one batch
    await dv.append(LATE.user, rawMail({ subject: 'Batch A', messageId: 'batch-a@client.test' }), 'Batch');
    await dv.append(LATE.user, rawMail({ subject: 'Poison', messageId: 'poison@client.test' }), 'Batch');
    await dv.append(LATE.user, rawMail({ subject: 'Batch B', messageId: 'batch-b@client.test' }), 'Batch');
    await ctx.deps.db.updateTable('mail_channels').set({ settings: JSON.stringify(imap(LATE, { folders: ['Batch'] })) }).where('id', '=', id).execute();
    const stop = await startImapPaths(ctx.deps, { only: [id] });
    try {
      await until('A and B', async () => (await mailByMessageId(id, 'batch-a@client.test')) && mailByMessageId(id, 'batch-b@client.test'), 5000);
      const flags = await until('A and B flagged', async () => {
        const f = await flagsIn(LATE, 'Batch');
        return f.filter((m) => m.flags.includes(KEYWORD)).length === 2 ? f : null;
      });
      assert.ok(!flags.find((m) => m.messageId === '<poison@client.test>')!.flags.includes(KEYWORD));
      const st = (await pathState(id))!;
      assert.match(st.last_error!, /poison for the test/);
      assert.ok(!st.last_ok_at || st.last_error_at! > st.last_ok_at, 'the path stays in error while a mail is stuck');
      await sql`drop trigger refuse_poison on inbound_mails`.execute(ctx.deps.db);
      await dv.append(LATE.user, rawMail({ subject: 'Batch C', messageId: 'batch-c@client.test' }), 'Batch'); // a pass
      await until('poison stored once accepted', () => mailByMessageId(id, 'poison@client.test'), 5000);
      await until('path ok again', async () => {
        const x = await pathState(id);
        return x?.last_ok_at && x.last_ok_at > x.last_error_at!;
      });
    } finally {
      await stop();
    }
  });

  test('every configured folder is watched; one broken folder keeps the path in error', async () => {
    await dv.append(MULTI.user, rawMail({ subject: 'In Sales', messageId: 'sales-1@client.test' }), 'Sales');
    const id = (await makeChannel(ctx.deps.db, 'multi@desk.test', imap(MULTI, { folders: ['INBOX', 'Sales', 'Missing'] }))).id;
    const stop = await startImapPaths(ctx.deps, { only: [id] });
    try {
      await dv.append(MULTI.user, rawMail({ subject: 'In INBOX', messageId: 'inbox-1@client.test' }));
      const sales = await until('Sales mail', () => mailByMessageId(id, 'sales-1@client.test'));
      await until('INBOX mail', () => mailByMessageId(id, 'inbox-1@client.test'));
      const ref = await ctx.deps.db.selectFrom('mail_receipts').select('path_ref').where('inbound_mail_id', '=', sales.id).executeTakeFirstOrThrow();
      assert.match(ref.path_ref!, /^Sales:\d+:1$/);
      const st = await until('error for Missing', async () => ((await pathState(id))?.last_error ? pathState(id) : null));
      assert.match(st!.last_error!, /^Missing: /);
      await new Promise((r) => setTimeout(r, 500));
      const later = (await pathState(id))!;
      assert.ok(!later.last_ok_at || later.last_error_at! > later.last_ok_at, 'INBOX and Sales being fine does not hide the broken folder');
    } finally {
      await stop();
    }
  });

  test('without IDLE, polling picks the mail up on the next round', async () => {
    const id = (await makeChannel(ctx.deps.db, 'poll@desk.test', imap(POLL, { idle: false, pollSeconds: 5 }))).id;
    const stop = await startImapPaths(ctx.deps, { only: [id] });
    try {
      await until('first pass', async () => (await pathState(id))?.last_ok_at);
      await dv.append(POLL.user, rawMail({ subject: 'Polled', messageId: 'poll-1@client.test' }));
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await mailByMessageId(id, 'poll-1@client.test'), undefined, 'no IDLE: not seen at once');
      await until('polled mail', () => mailByMessageId(id, 'poll-1@client.test'), 6000);
    } finally {
      await stop();
    }
  });

  test('a server that drops every connection is retried with backoff, not in a tight loop', async () => {
    let attempts = 0;
    const server = net.createServer((s) => {
      attempts++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const id = (await makeChannel(ctx.deps.db, 'broken@desk.test', { imap: { ...imap(FLAG).imap, port } })).id;
    const stop = await startImapPaths(ctx.deps, { only: [id] });
    await new Promise((r) => setTimeout(r, 3500));
    await stop();
    server.close();
    // attempts at 0 s, +1 s, +2 s (backoff 1, 2, 4 s …)
    assert.ok(attempts >= 2 && attempts <= 4, `attempts: ${attempts}`);
    const st = await pathState(id);
    assert.ok(st?.last_error && !st.last_ok_at, JSON.stringify(st));
  });
});

describe('IMAP bench', () => {
  test('benchImapIngest: a 300-mail backlog is committed and settled, with a throughput figure', async () => {
    const r = await benchImapIngest({ deps: ctx.deps, count: 300 });
    console.log(`imap bench (300): fill ${r.fillPerSec}/s; committed ${r.mailsPerSec}/s (${r.committedSeconds} s); settled ${r.settledPerSec}/s (${r.settledSeconds} s)`);
    assert.equal(r.count, 300);
    assert.ok(r.mailsPerSec > 0 && r.settledSeconds !== null && r.settledSeconds >= r.committedSeconds);
    const n = await ctx.deps.db.selectFrom('inbound_mails as m').innerJoin('mail_channels as c', 'c.id', 'm.channel_id').select((e) => e.fn.countAll<string>().as('n')).where('c.name', '=', 'IMAP bench').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 300);
  });
});
