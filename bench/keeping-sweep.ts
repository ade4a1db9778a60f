// Scenario 1: one full sweep (notifications/sweeper.ts sweep(): every source, notifications and
// outbox e-mails written) over 1M open tickets with SLA and 200k open promises, 1% due.
// Between runs the due rows are put back as generated (bench.*_due copies) and what the sweep
// wrote is deleted, then VACUUM, so every run starts from the same state.
import os from 'node:os';
import pg from 'pg';
import type { Deps } from '../server/deps.ts';
import { startBoss } from '../server/jobs/boss.ts';
import { sweep as sweepAll } from '../server/modules/notifications/sweeper.ts';
import { refreshMany } from '../server/modules/priority/priority.service.ts';
import { explain, type Plan } from './explain.ts';
import { cpuMeter } from './stats.ts';
import { benchDeps, planFlags, quiesce, recordingDeps, shorten, type Captured } from './keeping-deps.ts';

type SweepFn = (deps: Deps, opts: { now?: Date; limit?: number }) => Promise<unknown>;

export type SweepRun = {
  run: number; firstCallMs: number; drainMs: number; calls: number; result: unknown;
  notifications: number; outbox: number; slaAdvanced: number; promisesAdvanced: number; leftDue: Record<string, number>; loadavg: number;
  /** CPU seconds used during the run by the bench process (where sweep() runs) and by the postgres processes */
  cpu: { node: number; postgres: number };
  /** jobs the sweep queued, by queue */
  queued: Record<string, number>;
  /** the queued 'priority.refresh' jobs run after the sweep as their worker runs them (refreshMany per job) */
  refresh: { jobs: number; tickets: number; ms: number };
};
export type SourcePlan = Plan & { source: string; captured: boolean; find: boolean; flags: ReturnType<typeof planFlags> };
export type SweepResult = {
  available: boolean; runs: SweepRun[]; p50: number | null; max: number | null; statements: { sql: string; ms: number }[]; plans: SourcePlan[]; notes: string[];
};

const loadSweep = async (): Promise<SweepFn | null> => sweepAll;

const RESTORE: [table: string, copy: string, key: string][] = [
  ['ticket_sla', 'bench.sla_due', 'ticket_id'], ['promises', 'bench.promises_due', 'id'],
  ['care_flags', 'bench.care_due', 'id'], ['tickets', 'bench.tickets_due', 'id'],
];

async function columns(c: pg.Client, table: string, copy: string, key: string): Promise<string[]> {
  const [schema, name] = copy.split('.');
  const r = await c.query(`select a.column_name from information_schema.columns a
    join information_schema.columns b on b.table_schema = $3 and b.table_name = $4 and b.column_name = a.column_name
    where a.table_schema = 'public' and a.table_name = $1 and a.column_name <> $2 and a.is_generated = 'NEVER' order by a.ordinal_position`,
  [table, key, schema, name]);
  return r.rows.map((x) => `"${x.column_name}"`);
}

/** Puts the due rows back as generated and deletes what a sweep wrote; VACUUM of the touched tables. */
export async function rearm(url: string, maxTicketId: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query('set local session_replication_role = replica'); // ticket_events is append-only by trigger
    for (const t of ['notifications', 'outbox', 'ticket_events', 'escalation_rule_hits', 'escalations']) await c.query(`delete from ${t}`);
    if ((await c.query(`select to_regclass('pgboss.job') is not null as x`)).rows[0].x) await c.query('delete from pgboss.job');
    await c.query('delete from ticket_sla where ticket_id > $1', [maxTicketId]);
    for (const [table, copy, key] of RESTORE) {
      const cols = await columns(c, table, copy, key);
      await c.query(`update ${table} t set ${cols.map((x) => `${x} = s.${x}`).join(', ')} from ${copy} s
        where t.${key} = s.${key} and (${cols.map((x) => `t.${x}`).join(', ')}) is distinct from (${cols.map((x) => `s.${x}`).join(', ')})`);
    }
    await c.query('commit');
    await c.query('vacuum notifications, outbox, ticket_events, ticket_sla, promises, care_flags, tickets');
  } finally {
    await c.end();
  }
}

async function dueCounts(c: pg.Client, now: Date): Promise<Record<string, number>> {
  const r = await c.query(`select (select count(*) from ticket_sla where next_alert_at <= $1)::int as sla,
    (select count(*) from promises where next_alert_at <= $1)::int as promises,
    (select count(*) from care_flags where until <= $1 and ended_at is null)::int as care,
    (select count(*) from tickets where third_party_follow_up_at <= $1)::int as follow_ups,
    (select count(*) from tickets where snoozed_until <= $1)::int as snoozes`, [now]);
  return r.rows[0];
}

/** Calls sweep until nothing is due (a sweep with a per-source limit below the due count needs more than one call). */
async function sweepOnce(sweep: SweepFn, deps: Deps, c: pg.Client, now: Date, limit: number | undefined) {
  const t0 = performance.now();
  const result = await sweep(deps, { now, limit });
  const firstCallMs = performance.now() - t0;
  let calls = 1;
  let left = await dueCounts(c, now);
  while (Object.values(left).some((n) => n > 0) && calls < 20) {
    await sweep(deps, { now, limit });
    calls++;
    left = await dueCounts(c, now);
  }
  return { firstCallMs, drainMs: calls === 1 ? firstCallMs : performance.now() - t0, calls, result, leftDue: left };
}

const DUE_RE = /"?(next_alert_at|snoozed_until|third_party_follow_up_at|until)"?\s*<=/i;
const CONTRACT: Record<string, string> = {
  SLA: 'select ticket_id from ticket_sla where next_alert_at <= $1 order by next_alert_at limit $2',
  promises: 'select id from promises where next_alert_at <= $1 order by next_alert_at limit $2',
  care: 'select id from care_flags where until <= $1 and ended_at is null order by until limit $2',
  'follow-ups': 'select id from tickets where third_party_follow_up_at <= $1 order by third_party_follow_up_at limit $2',
  snoozes: 'select id from tickets where snoozed_until <= $1 order by snoozed_until limit $2',
};
function sourceOf(sql: string): string {
  if (/third_party_follow_up_at"?\s*<=/i.test(sql)) return 'follow-ups';
  if (/snoozed_until"?\s*<=/i.test(sql)) return 'snoozes';
  if (/care_flags/i.test(sql)) return 'care';
  if (/\bpromises\b/i.test(sql)) return 'promises';
  if (/ticket_sla/i.test(sql)) return 'SLA';
  return 'other';
}
const isRead = (sql: string) => /^\s*(select|with\b(?![\s\S]*\b(update|insert|delete)\b))/i.test(sql);

export async function runSweepBench(url: string, o: { pgPid: () => number; sweepAt: Date; maxTicketId: number; runs: number; limit?: number; log: (m: string) => void }): Promise<SweepResult> {
  const sweep = await loadSweep();
  const notes: string[] = [];
  if (!sweep) return { available: false, runs: [], p50: null, max: null, statements: [], plans: [], notes: ['sweep() is not in server/modules/notifications/sweeper.ts yet: not measured.'] };
  const now = o.sweepAt;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const runs: SweepRun[] = [];
  // pg-boss as a Slovo process has it, without workers: what the sweep queues stays queued
  const boss = await startBoss(url, { schedule: false });
  try {
    for (let i = 1; i <= o.runs; i++) {
      await rearm(url, o.maxTicketId);
      await quiesce(url, 'notifications, outbox');
      const deps = { ...benchDeps(url), boss };
      try {
        const before = await dueCounts(c, now);
        const loadavg = Number(os.loadavg()[0].toFixed(2));
        const meter = cpuMeter(process.pid, o.pgPid());
        const r = await sweepOnce(sweep, deps, c, now, o.limit);
        const m = meter();
        const cpu = { node: Math.round(m.slovoCores * m.wallSeconds * 100) / 100, postgres: Math.round(m.postgresCores * m.wallSeconds * 100) / 100 };
        const w = (await c.query(`select (select count(*) from notifications)::int as n, (select count(*) from outbox)::int as m`)).rows[0];
        const queued = Object.fromEntries((await c.query(`select name, count(*)::int as n from pgboss.job where state = 'created' group by name`)).rows.map((x) => [x.name, x.n]));
        const jobs = (await c.query(`select data from pgboss.job where name = 'priority.refresh' and state = 'created' order by created_on`)).rows as { data: { ids: string[] } }[];
        const t1 = performance.now();
        const inline = { ...deps, boss: null };
        for (const j of jobs) await refreshMany(inline, inline.db, j.data.ids);
        const refresh = { jobs: jobs.length, tickets: jobs.reduce((a, j) => a + j.data.ids.length, 0), ms: Math.round(performance.now() - t1) };
        runs.push({ run: i, ...r, firstCallMs: Math.round(r.firstCallMs), drainMs: Math.round(r.drainMs), notifications: w.n, outbox: w.m,
          slaAdvanced: before.sla - r.leftDue.sla, promisesAdvanced: before.promises - r.leftDue.promises, loadavg, cpu, queued, refresh });
        o.log(`  sweep run ${i}: ${Math.round(r.firstCallMs)} ms (${r.calls} call(s), ${Math.round(r.drainMs)} ms until nothing due), ${w.n} notifications, ${w.m} e-mails, CPU s node ${cpu.node} / postgres ${cpu.postgres}, load ${loadavg}; then ${refresh.jobs} queued score refresh job(s) for ${refresh.tickets} tickets: ${refresh.ms} ms`);
      } finally {
        await deps.close();
      }
    }
    // the statements of one sweep, then EXPLAIN (ANALYZE, BUFFERS) of its find statements over re-armed data
    await rearm(url, o.maxTicketId);
    const captured: Captured[] = [];
    const rec = { ...recordingDeps(url, captured), boss };
    try { await sweep(rec, { now, limit: o.limit }); } finally { await rec.close(); }
    // pg-boss stops first: its maintenance transactions can hold back the horizon of the VACUUM in rearm (heap fetches in the plans)
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await rearm(url, o.maxTicketId);
    const plans: SourcePlan[] = [];
    // reads first; before each write a VACUUM, so the rolled-back versions of one leave no heap fetches to the next
    const due = captured.filter((x) => DUE_RE.test(x.sql));
    const hasRead = (source: string) => due.some((x) => isRead(x.sql) && sourceOf(x.sql) === source);
    for (const q of [...due.filter((x) => isRead(x.sql)), ...due.filter((x) => !isRead(x.sql))]) {
      const source = sourceOf(q.sql);
      const read = isRead(q.sql);
      const find = read || !hasRead(source); // a source without a separate read finds and advances in one statement
      if (!read) await quiesce(url, 'ticket_sla, promises, care_flags, tickets');
      const what = read ? 'find due rows' : find ? 'find and advance the due rows in one statement (rolled back)' : 'advance the due rows (rolled back)';
      const p = await explain(url, `${source}: ${what} — captured from sweep()`, q.sql, q.params);
      plans.push({ ...p, params: shorten(p.params), plan: shorten(p.plan), source, captured: true, find, flags: planFlags(p.plan) });
    }
    for (const [source, sql] of Object.entries(CONTRACT)) {
      if (plans.some((p) => p.source === source && p.find)) continue;
      const p = await explain(url, `${source}: find due rows (NOT captured: written to the contract in issue6-spec, the source sent no statement on its due column)`, sql, [now, 10_000]);
      plans.push({ ...p, source, captured: false, find: true, flags: planFlags(p.plan) });
    }
    const ms = runs.map((r) => r.drainMs).sort((a, b) => a - b);
    return {
      available: true, runs, p50: ms.length ? ms[Math.ceil(ms.length / 2) - 1] : null, max: ms.length ? ms[ms.length - 1] : null,
      statements: captured.map((q) => ({ sql: q.sql.replace(/\s+/g, ' ').slice(0, 300), ms: Math.round(q.ms * 10) / 10 })), plans, notes,
    };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await c.end();
  }
}
