// Keeping benchmark (issue 6): `npm run bench -- --only keeping`.
// 1. sweeper: 1M open tickets with SLA + 200k open promises, 1% due, one full sweep (p50/max of runs)
//    and EXPLAIN of each source's find statement;
// 2. priority: recomputeAll of 100k unsolved tickets after a weight change; refreshPriority per ticket;
// 3. create ticket over HTTP with the keeping hooks on (side figure).
// Two databases of the bench cluster (slovo_keeping_sweep, slovo_keeping_priority), reused between runs.
import os from 'node:os';
import pg from 'pg';
import type { Cluster } from './cluster.ts';
import { baselineTree, runCreateBench } from './keeping-create.ts';
import { benchDir } from './cluster.ts';
import { ensureKeeping, type KeepingGenOptions } from './keeping-gen.ts';
import { runPriorityBench } from './keeping-priority.ts';
import { writeKeepingReport, type KeepingReport } from './keeping-report.ts';
import { runSweepBench } from './keeping-sweep.ts';
import { gitShort } from './report.ts';

export type KeepingOptions = {
  fresh: boolean; parts: Set<string>; runs: number; createSeconds: number;
  open: number; promises: number; prioOpen: number; prioSolved: number; sweepLimit?: number;
  /** a commit whose server runs the same create load as a baseline (e.g. the contract commit, whose hooks are stubs) */
  createBaseline?: string;
};

export async function runKeepingBench(cluster: Cluster, log: (m: string) => void, o: KeepingOptions): Promise<{ files: { json: string; md: string }; report: KeepingReport }> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const notes: string[] = [];
  const report: KeepingReport = { startedAt, finishedAt: '', seconds: 0, commit: gitShort(), machine: {}, datasets: {}, sweep: null, priority: null, create: [], createStatements: [], notes };
  const loads: string[] = [`start ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`];
  const mark = (what: string) => loads.push(`${what} ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);

  if (o.parts.has('sweep')) {
    const gen: KeepingGenOptions = { open: o.open, solved: 0, promises: o.promises, customers: 50_000, organizations: 5_000, mode: 'sweep', brokenShare: 0 };
    const { url, info } = await ensureKeeping(cluster.adminUrl, 'slovo_keeping_sweep', gen, { fresh: o.fresh, log });
    report.datasets.sweep = info;
    mark('sweep dataset ready');
    log(`keeping: sweep, ${o.runs} runs`);
    report.sweep = await runSweepBench(url, { pgPid: cluster.postmasterPid, sweepAt: new Date(info.sweepAt), maxTicketId: o.open, runs: o.runs, limit: o.sweepLimit, log });
    mark('after the sweep runs');
    notes.push(...report.sweep.notes);
  }
  if (o.parts.has('priority') || o.parts.has('create')) {
    const gen: KeepingGenOptions = { open: o.prioOpen, solved: o.prioSolved, promises: Math.round(o.prioOpen / 5), customers: 50_000, organizations: 5_000, mode: 'quiet', brokenShare: 0.1 };
    const { url, info } = await ensureKeeping(cluster.adminUrl, 'slovo_keeping_priority', gen, { fresh: o.fresh, log });
    report.datasets.priority = info;
    if (o.parts.has('priority')) {
      mark('priority dataset ready');
      log('keeping: priority recompute');
      report.priority = await runPriorityBench(url, { pgPid: cluster.postmasterPid, runs: o.runs, singleCalls: 1000, log });
      mark('after the priority runs');
    }
    if (o.parts.has('create') && o.createSeconds > 0) {
      const baseline = o.createBaseline ? { commit: o.createBaseline, root: baselineTree(o.createBaseline, benchDir()) } : undefined;
      const c = await runCreateBench(cluster, url, { maxTicketId: o.prioOpen + o.prioSolved, seconds: o.createSeconds, baseline, log });
      report.create = c.rows;
      report.createStatements = c.statements;
      notes.push(...c.notes);
      mark('after the create run');
    }
  }

  const info = new pg.Client({ connectionString: cluster.url });
  await info.connect();
  const version = (await info.query('show server_version')).rows[0].server_version;
  const sharedBuffers = (await info.query('show shared_buffers')).rows[0].shared_buffers;
  await info.end();
  report.machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: version, sharedBuffers };
  notes.push(`Load average (1 / 5 / 15 min) during the run: ${loads.join('; ')}. Other engineers ran tests on this 2-core machine at the same time: the wall times carry that noise.`);
  notes.push('CPU columns: CPU seconds used during the run by the bench process (where sweep() / recomputeAll() run) and by all postgres processes (from /proc; other databases of the bench cluster are idle meanwhile). Both scenarios run their statements one after another, so on an idle machine the wall time is roughly their sum plus I/O waits: under heavy load the sum is the better estimate of what the code costs.');
  if (report.sweep?.available) {
    notes.push('Sweep: sweep(deps, { now: sweepAt }) called in the bench process with deps as a Slovo process has them (pool of 6; pg-boss started in the bench process without workers, so what the sweep queues — the priority.refresh jobs of the tickets whose alerts fired — stays queued and is then run and timed separately, one refreshMany per job as the worker does; the outbox rows are written, not sent), no per-source limit given (the sweeper\'s default). One run = calls until no source has a row due at sweepAt (one call when its limits cover the due rows); wall time from the first call until nothing is due.');
    notes.push('Sweep data: tickets without messages; statuses new 15% (unassigned: SLA warnings go to the group, ~10 members) / open 70% / on_hold 10% / pending_third_party 5% (third-party follow-up set); 20% of on_hold snoozed. Due SLA rows (ticket id % 100 = 0): 60% the resolution 75% warning (plan 75/90/100), 20% the 90% warning (plan 90/100), 10% the next-response 90% warning, 10% a first-response breach (assignee + group + leads, e-mail on by default). Due promises (id % 100 = 0): 50% the 60-minute reminder, 30% the 15-minute one, 20% the due time (broken: owner + leads). Due times spread over the 5 minutes before sweepAt; every other alert lies at least a minute after it. 1% of care flags, follow-ups and snoozes due as well.');
    notes.push('Between runs: the due rows of ticket_sla, promises, care_flags and tickets are put back from copies taken at generation (only rows that differ are written), notifications / outbox / ticket_events / escalations emptied, then VACUUM of these tables (so the index-only scans see an all-visible heap, as after autovacuum), and a wait until no autovacuum worker runs (the same before every timed recompute and create run). The plans are taken after the timed runs: one more sweep is captured statement by statement (a Kysely that records every query), the data re-armed, and each captured statement that filters on a due column is run under EXPLAIN (ANALYZE, BUFFERS) inside a transaction that is rolled back (reads first; a VACUUM before each write). explain() runs a statement twice (a warm-up, then with BUFFERS), both rolled back: for a statement that finds and advances the due rows in one, the rolled-back versions of the warm-up make the second run report heap fetches for those rows.');
  }
  if (report.priority) {
    notes.push(`Priority: recomputeAll(deps) as the 'priority.recompute' job calls it (keyset batches of unsolved tickets, one transaction per batch) after writing the settings key 'priority_weights'; runs alternate two overrides that move most scores. Data: ${o.prioOpen.toLocaleString('en')} unsolved + ${o.prioSolved.toLocaleString('en')} solved tickets with SLA rows (nothing due), 10% of promises broken, care flags on 1 customer in 10, signals on 10% of tickets, customer stages mixed, 2% VIP organizations. Each timed recompute starts after VACUUM ANALYZE of tickets (the previous run left ~88k dead row versions) and with no autovacuum worker running. refreshPriority: ${report.priority.single.calls} calls of one ticket each, one after another on the pool (autocommit), after 50 warm-up calls.`);
  }
  if (report.create.length) notes.push('Create: same body, token and load as the main bench\'s create scenario (10 clients, closed loop, 3 s warm-up), Slovo as `slovo serve` runs it (pg-boss and workers on); the created tickets are deleted after each run. A baseline row runs the server of an older commit (git archive into the bench directory, this checkout\'s node_modules) on the same database right after.');
  if (report.create.length) notes.push('Create: the main bench measured 1,111 creates/s (p95 15.6 ms) at 7a9960b on this machine, on the 1M-ticket dataset with messages and before the keeping hooks; this run is on the priority database (500k tickets, no messages), so the comparison is indicative only.');
  report.finishedAt = new Date().toISOString();
  report.seconds = Math.round((performance.now() - t0) / 1000);
  return { files: writeKeepingReport(report), report };
}
