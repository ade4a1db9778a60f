// The sweeper: one at a time (advisory lock), exactly-once notifications and mails with two
// sweepers at once (two pools; two pg-boss instances with their workers), the catch-up of new
// tickets without an SLA row. Due rows are written directly, as the SLA and promise modules plan them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { createDb } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { startBoss, stopJobs } from '../../jobs/boss.ts';
import { registerWorkers } from '../../jobs/workers.ts';
import { makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { until } from '../../test/until.ts';
import { assertExactlyOnce, makeDue, MIN } from './sweeper.fixtures.ts';
import { SWEEP_LOCK, sweep, sweepUntilDone } from './sweeper.ts';

let ctx: TestCtx;
let agent: Awaited<ReturnType<TestCtx['as']>>;

before(async () => {
  ctx = await setup({ jobs: true });
  agent = await ctx.as('agent');
  await ctx.as('lead'); // a lead: every breach and broken promise without a group goes to the leads and admins
  // the sweep at start (workers.ts) has run, so only the tests' own sweeps touch their due rows
  await until('the sweep at start', async () => {
    const r = await sql<{ done: number; open: number }>`
      select count(*) filter (where state = 'completed')::int as done, count(*) filter (where state not in ('completed', 'failed', 'cancelled'))::int as open
      from pgboss.job where name = 'keeping.sweep'`.execute(ctx.deps.db);
    return r.rows[0].done >= 1 && r.rows[0].open === 0;
  });
});
after(() => ctx.close());

/** Deps over a pool of their own: another process, as far as PostgreSQL can tell. */
function otherDeps(): Deps & { close: () => Promise<void> } {
  const { db, pool } = createDb(ctx.url, 6);
  return { ...ctx.deps, db, pool, boss: null, log: pino({ level: 'silent' }), close: () => db.destroy() };
}

test('while another sweeper holds the lock a sweep returns at once and touches nothing; then it runs', async () => {
  const due = await makeDue(ctx, agent, 1, 1);
  const other = otherDeps();
  const held = other.pool.connect();
  const c = await held;
  try {
    await c.query('begin');
    await c.query('select pg_advisory_xact_lock($1, $2)', [...SWEEP_LOCK]);
    const started = Date.now();
    const r = await sweep(ctx.deps);
    assert.equal(r.ran, false);
    assert.ok(Date.now() - started < 2000, 'no waiting for the lock');
    assert.deepEqual(Object.values(r.counts), [0, 0, 0, 0, 0, 0]);
    const stillDue = await ctx.deps.db.selectFrom('ticket_sla').select('next_alert_at').where('ticket_id', '=', due.slaTickets[0].id).executeTakeFirstOrThrow();
    assert.ok(stillDue.next_alert_at);
    await c.query('commit');
  } finally {
    c.release();
    await other.close();
  }
  const r = await sweep(ctx.deps);
  assert.equal(r.ran, true);
  assert.deepEqual(r.errors, {});
  assert.equal(r.counts.sla, 2, 'the warning, then the breach');
  assert.equal(r.counts.promises, 1, 'the break (the missed reminder is dropped)');
  await assertExactlyOnce(ctx, due);
});

test('two sweepers at the same time, over and over, over the same due rows: each notification and mail once', async () => {
  const due = await makeDue(ctx, agent, 12, 6);
  const a = otherDeps();
  const b = otherDeps();
  try {
    const results = [];
    for (let round = 0; round < 4; round++) results.push(...(await Promise.all([sweep(a), sweep(b), sweep(a), sweep(b)])));
    assert.ok(results.some((r) => r.ran));
    const fired = results.reduce((s, r) => s + r.counts.sla, 0);
    assert.equal(fired, 24, 'every SLA alert fired once in all the sweeps together');
    assert.equal(results.reduce((s, r) => s + r.counts.promises, 0), 6);
  } finally {
    await a.close();
    await b.close();
  }
  const { notifications, mails } = await assertExactlyOnce(ctx, due);
  assert.ok(notifications > 24 && mails > 12, `${notifications} notifications, ${mails} mails`);
});

test('two pg-boss instances with workers, many keeping.sweep jobs at once: each notification and mail once', async () => {
  const due = await makeDue(ctx, agent, 10, 5);
  const other = otherDeps();
  const boss2 = await startBoss(ctx.url, { schedule: false });
  const deps2: Deps = { ...other, boss: boss2 };
  await registerWorkers(deps2, boss2);
  try {
    const since = new Date();
    await Promise.all([...Array(4)].flatMap(() => [ctx.deps.boss!.send('keeping.sweep', {}), boss2.send('keeping.sweep', {})]));
    await until('the sweep jobs to finish and nothing to be due', async () => {
      const r = await sql<{ open: number; due: number }>`
        select (select count(*) from pgboss.job where name = 'keeping.sweep' and created_on >= ${since} and state not in ('completed', 'failed', 'cancelled'))::int as open,
          (select count(*) from ticket_sla where next_alert_at is not null)::int + (select count(*) from promises where next_alert_at is not null)::int as due`
        .execute(ctx.deps.db);
      return r.rows[0].open === 0 && r.rows[0].due === 0;
    }, 60_000, 200);
    const failed = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'keeping.sweep' and state = 'failed'`.execute(ctx.deps.db);
    assert.equal(failed.rows[0].n, 0);
  } finally {
    await stopJobs(boss2, { graceful: false, wait: true });
    await other.close();
  }
  await assertExactlyOnce(ctx, due);
});

test('catch-up: a ticket created minutes ago without its SLA row gets the created hook; a fresh one is left to its own hook', async () => {
  const old = await makeTicket(agent, { subject: 'Создан до сбоя' });
  const fresh = await makeTicket(agent, { subject: 'Только что' });
  const db = ctx.deps.db;
  // as if the process died between the insert and the hook
  await db.deleteFrom('ticket_sla').where('ticket_id', 'in', [old.id, fresh.id]).execute();
  await db.updateTable('tickets').set({ created_at: new Date(Date.now() - 5 * MIN) }).where('id', '=', old.id).execute();
  const r = await sweep(ctx.deps, { only: ['catchUp'] });
  assert.equal(r.ran, true);
  assert.deepEqual(r.errors, {});
  assert.ok(r.counts.catchUp >= 1);
  const rows = await db.selectFrom('ticket_sla').select('ticket_id').where('ticket_id', 'in', [old.id, fresh.id]).execute();
  assert.deepEqual(rows.map((x) => x.ticket_id), [old.id], 'the old one has its SLA row again; the fresh one was left alone');
  const again = await sweep(ctx.deps, { only: ['catchUp'] });
  assert.equal(again.counts.catchUp, 0, 'nothing left to catch up');
  // older than the hour: not the sweeper's business any more
  await db.deleteFrom('ticket_sla').where('ticket_id', '=', old.id).execute();
  await db.updateTable('tickets').set({ created_at: new Date(Date.now() - 61 * MIN) }).where('id', '=', old.id).execute();
  assert.equal((await sweep(ctx.deps, { only: ['catchUp'] })).counts.catchUp, 0);
});

test('a source that fails is rolled back to its savepoint; the other sources still commit', async () => {
  const due = await makeDue(ctx, agent, 2, 1);
  const db = ctx.deps.db;
  // a promise whose plan cannot be read (the promises source fails on it)
  const p = due.promises[0];
  await db.updateTable('promises').set({ alert_plan: JSON.stringify([{ at: 'not a time', level: 'due' }]) }).where('id', '=', p.id).execute();
  const r = await sweep(ctx.deps);
  assert.equal(r.ran, true);
  assert.ok(r.errors.promises, 'the promises source failed');
  assert.equal(r.counts.promises, 0);
  assert.equal(r.counts.sla, 4, 'the SLA alerts fired and committed anyway');
  const n = await db.selectFrom('notifications').select('kind').where('ticket_id', 'in', due.slaTickets.map((t) => t.id)).execute();
  assert.ok(n.some((x) => x.kind === 'sla_breach'));
  const still = await db.selectFrom('promises').select(['state', 'next_alert_at']).where('id', '=', p.id).executeTakeFirstOrThrow();
  assert.equal(still.state, 'open', 'nothing half-done on the failed source');
  // repaired: the next sweep breaks it, once
  await db.updateTable('promises').set({ alert_plan: JSON.stringify([{ at: still.next_alert_at!.toISOString(), level: 'due', minutes: 0 }]) }).where('id', '=', p.id).execute();
  const again = await sweep(ctx.deps);
  assert.deepEqual(again.errors, {});
  assert.equal(again.counts.promises, 1);
  await assertExactlyOnce(ctx, due);
});

test('a backlog larger than the limit is swept by further sweeps, each alert once', async () => {
  const due = await makeDue(ctx, agent, 5, 2);
  const results = await sweepUntilDone(ctx.deps, { limit: 2 });
  assert.ok(results.length >= 5, `${results.length} sweeps`);
  assert.equal(results.reduce((s, r) => s + r.counts.sla, 0), 10);
  assert.equal(results.reduce((s, r) => s + r.counts.promises, 0), 2);
  await assertExactlyOnce(ctx, due);
});
