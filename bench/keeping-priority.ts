// Scenario 2: priority recompute of every unsolved ticket after a weight change (recomputeAll,
// as the 'priority.recompute' job runs it), and refreshPriority of one ticket at a time (the
// hook's call after each ticket change).
import os from 'node:os';
import pg from 'pg';
import { recomputeAll } from '../server/modules/priority/recompute.ts';
import { refreshPriority, WEIGHTS_KEY } from '../server/modules/priority/priority.service.ts';
import { mergeWeights } from '../server/modules/priority/score.ts';
import { explain, type Plan } from './explain.ts';
import { cpuMeter, summarize } from './stats.ts';
import { benchDeps, quiesce, recordingDeps, shorten, type Captured } from './keeping-deps.ts';

export type RecomputeRun = { run: number; weights: Record<string, number> | null; ms: number; tickets: number; changed: number; loadavg: number; cpu: { node: number; postgres: number } };
export type PriorityResult = {
  first: RecomputeRun; runs: RecomputeRun[]; p50: number; max: number;
  single: { calls: number; seconds: number; perSecond: number; p50: number; p95: number; p99: number; max: number };
  unscored: number;
  /** one batch of recomputeAll (the first 5,000 unsolved ids, weights changed), statement by statement, rolled back */
  batch: { statements: { sql: string; ms: number }[]; plans: Plan[] };
};

// two weight changes, alternated, each moving the score of most tickets
const CHANGES: Record<string, number>[] = [
  { priority_normal: 12, priority_high: 30, stage_trial: 25, vip: 25 },
  { priority_normal: 8, priority_high: 22, stage_trial: 15, anger: 12 },
];

export async function runPriorityBench(url: string, o: { pgPid: () => number; runs: number; singleCalls: number; log: (m: string) => void }): Promise<PriorityResult> {
  const deps = benchDeps(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const setWeights = (w: Record<string, number> | null) => (w
    ? c.query(`insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()`, [WEIGHTS_KEY, JSON.stringify(w)])
    : c.query('delete from settings where key = $1', [WEIGHTS_KEY]));
  const one = async (run: number, w: Record<string, number> | null): Promise<RecomputeRun> => {
    await setWeights(w);
    await quiesce(url, 'tickets');
    const loadavg = Number(os.loadavg()[0].toFixed(2));
    const meter = cpuMeter(process.pid, o.pgPid());
    const t0 = performance.now();
    const r = await recomputeAll(deps);
    const ms = Math.round(performance.now() - t0);
    const m = meter();
    const cpu = { node: Math.round(m.slovoCores * m.wallSeconds * 100) / 100, postgres: Math.round(m.postgresCores * m.wallSeconds * 100) / 100 };
    o.log(`  recompute ${run ? `run ${run}` : '(first: default weights)'}: ${ms} ms, ${r.tickets} tickets, ${r.changed} changed, CPU s node ${cpu.node} / postgres ${cpu.postgres}, load ${loadavg}`);
    return { run, weights: w, ms, tickets: r.tickets, changed: r.changed, loadavg, cpu };
  };
  try {
    // the dataset starts with priority_parts '[]': the first pass scores every ticket with the default weights
    await c.query(`update tickets set priority_score = 10, priority_parts = '[]' where status < 'solved' and priority_parts <> '[]'`);
    const first = await one(0, null);
    const runs: RecomputeRun[] = [];
    for (let i = 1; i <= o.runs; i++) runs.push(await one(i, CHANGES[(i - 1) % CHANGES.length]));
    const unscored = (await c.query(`select count(*)::int as n from tickets where status < 'solved' and priority_parts = '[]'`)).rows[0].n;
    await setWeights(null);

    // refreshPriority of single tickets, one call at a time (autocommit), spread over the unsolved tickets
    const ids = (await c.query(`select id from tickets where status < 'solved' order by hashint8(id) limit $1`, [o.singleCalls])).rows.map((r) => String(r.id));
    for (const id of ids.slice(0, 50)) await refreshPriority(deps, deps.db, [id]); // warm-up: connections, weights cache
    const lat: number[] = [];
    const t0 = performance.now();
    for (const id of ids) {
      const t = performance.now();
      await refreshPriority(deps, deps.db, [id]);
      lat.push(performance.now() - t);
    }
    const s = summarize(lat, (performance.now() - t0) / 1000);
    o.log(`  refreshPriority, one ticket per call: ${s.throughput}/s, p50 ${s.p50} ms, p95 ${s.p95} ms`);
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    return {
      first, runs, p50: ms[Math.ceil(ms.length / 2) - 1], max: ms[ms.length - 1], unscored, batch: await batchBreakdown(url),
      single: { calls: s.requests, seconds: s.seconds, perSecond: s.throughput, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max },
    };
  } finally {
    await c.end();
    await deps.close();
  }
}

/** The statements of one recompute batch (5,000 tickets, a weight change), rolled back, and their plans. */
async function batchBreakdown(url: string): Promise<PriorityResult['batch']> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const ids = (await c.query(`select id from tickets where status < 'solved' order by id limit 5000`)).rows.map((r) => String(r.id));
  await c.end();
  const out: Captured[] = [];
  const rec = recordingDeps(url, out);
  try {
    await rec.db.transaction().execute(async (trx) => {
      await refreshPriority(rec, trx, ids, { weights: mergeWeights(CHANGES[1]) });
      throw new Error('rollback');
    }).catch((e: Error) => { if (e.message !== 'rollback') throw e; });
  } finally {
    await rec.close();
  }
  const plans: Plan[] = [];
  for (const q of out.filter((x) => /^\s*(select|update)/i.test(x.sql))) {
    const p = await explain(url, `Priority recompute, one batch of ${ids.length} tickets: ${/^\s*update/i.test(q.sql) ? 'write (rolled back)' : 'read the inputs'}`, q.sql, q.params);
    plans.push({ ...p, params: shorten(p.params), plan: shorten(p.plan) });
  }
  return { statements: out.map((q) => ({ sql: q.sql.replace(/\s+/g, ' ').slice(0, 200), ms: Math.round(q.ms * 10) / 10 })), plans };
}
