// Hand-over between stages (pipeline.ts): mails moved to a stage are leased to this process's
// loops and given to them without a claim; what does not fit waits in the table for a claim;
// stopping frees the leases of handed mails not yet run, so no mail waits for a dead lease.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type PgBoss from 'pg-boss';
import { startBoss, stopJobs } from '../jobs/boss.ts';
import type { Deps } from '../deps.ts';
import { setup, type TestCtx } from '../test/harness.ts';
import { receiveBatch } from './imap/receive-batch.ts';
import { handStats, registerPipelineWorkers } from './pipeline.ts';
import { makeChannel, rawMail, settled } from './test/mail-kit.ts';

let ctx: TestCtx;
const bosses: PgBoss[] = [];

before(async () => {
  ctx = await setup({ env: { SLOVO_MAIL_SENDER_LIMIT: '100000' } });
});
after(async () => {
  for (const b of bosses) await stopJobs(b, { graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
  await ctx.close();
});

/** A process's pipeline: its own pg-boss and stage loops on the test database. */
async function pipeline(): Promise<{ deps: Deps; boss: PgBoss }> {
  const boss = await startBoss(ctx.url, { schedule: false });
  bosses.push(boss);
  const deps: Deps = { ...ctx.deps, boss };
  await registerPipelineWorkers(deps, boss);
  return { deps, boss };
}

const burst = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ raw: rawMail({ from: `Клиент ${i} <${tag}${i}@hand.test>`, subject: `${tag} ${i}`, body: `Не работает вход, ${tag} ${i}` }) }));

async function exactlyOnce(ids: string[]) {
  const rows = await settled(ctx.deps.db, ids, 60_000);
  assert.deepEqual([...new Set(rows.map((r) => r.stage))], ['applied']);
  const msgs = await ctx.deps.db.selectFrom('inbound_mails as m').innerJoin('messages as g', 'g.id', 'm.ticket_message_id')
    .select(['m.id', 'g.ticket_id']).where('m.id', 'in', ids).execute();
  assert.equal(msgs.length, ids.length);
  assert.equal(new Set(msgs.map((m) => m.ticket_id)).size, ids.length, 'one ticket per mail, none twice');
  const perTicket = await ctx.deps.db.selectFrom('messages').select(({ fn }) => ['ticket_id', fn.countAll<number>().as('n')])
    .where('ticket_id', 'in', msgs.map((m) => m.ticket_id)).groupBy('ticket_id').execute();
  assert.ok(perTicket.every((t) => Number(t.n) === 1), 'no mail became two messages');
}

test('a burst beyond the hand-over room: the first mails are handed over, the rest claimed, each one message', async () => {
  const { deps } = await pipeline();
  const channel = await makeChannel(ctx.deps.db);
  const before = structuredClone(handStats);
  const ids: string[] = [];
  for (const tag of ['a', 'b', 'c']) ids.push(...(await receiveBatch(deps, channel.id, 'imap', burst(tag, 100))).map((r) => r.mailId));
  assert.equal(new Set(ids).size, 300);
  await exactlyOnce(ids);
  const handed = handStats.handed.received - before.handed.received;
  const claimed = handStats.claimed.received - before.claimed.received;
  assert.ok(handed > 0 && claimed > 0, `handed ${handed}, claimed ${claimed}`);
  assert.ok(handed + claimed >= 300, `handed ${handed} + claimed ${claimed}`);
  // the later stages got their mails by hand-over too
  assert.ok(handStats.handed.parsed - before.handed.parsed > 0);
  assert.ok(handStats.handed.threaded - before.handed.threaded > 0);
});

test('stopping frees the leases of handed mails not yet run; the next process takes them, each one message', async () => {
  const first = await pipeline();
  const channel = await makeChannel(ctx.deps.db);
  const ids = (await receiveBatch(first.deps, channel.id, 'imap', burst('d', 120))).map((r) => r.mailId);
  await stopJobs(first.boss, { graceful: true, wait: true, timeout: 10_000 });
  const leased = await ctx.deps.db.selectFrom('inbound_mails').select(['id', 'stage'])
    .where('id', 'in', ids).where('stage', 'in', ['received', 'parsed', 'threaded']).where('claimed_until', 'is not', null).execute();
  assert.deepEqual(leased, [], 'an unfinished mail still leased to the stopped process');
  const waiting = await ctx.deps.db.selectFrom('inbound_mails').select('id').where('id', 'in', ids)
    .where('stage', 'in', ['received', 'parsed', 'threaded']).execute();
  assert.ok(waiting.length > 0, 'the stop came after every mail was done: the test proves nothing');
  await pipeline();
  await exactlyOnce(ids);
});
