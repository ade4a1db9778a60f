// Bulk recompute after a weight change (job 'priority.recompute'): every unsolved ticket,
// in keyset batches by id; each batch is one read and one write in its own short transaction
// (its row locks are held briefly: an agent's edit of one of them waits at most one batch).
// Two batches run at a time: the write (a new row version in every index of tickets) is
// PostgreSQL work, and two backends use both cores.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { loadWeights, refreshPriority } from './priority.service.ts';

export const RECOMPUTE_BATCH = 5000;
export const RECOMPUTE_PARALLEL = 2;

/** Session advisory lock: one recompute at a time across processes (a second one waits, then runs with the newest weights). */
const LOCK_KEY = 0x5052494f; // 'PRIO'

type Result = { tickets: number; changed: number; ms: number };

export async function recomputeAll(deps: Deps, opts: { now?: Date; batch?: number; parallel?: number } = {}): Promise<Result> {
  return deps.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${LOCK_KEY})`.execute(conn);
    try {
      return await recomputeBatches(deps, opts);
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
    }
  });
}

async function recomputeBatches(deps: Deps, opts: { now?: Date; batch?: number; parallel?: number }): Promise<Result> {
  const started = Date.now();
  const weights = await loadWeights(deps.db, { fresh: true });
  const batch = opts.batch ?? RECOMPUTE_BATCH;
  const running = new Set<Promise<void>>();
  let last = '0';
  let tickets = 0;
  let changed = 0;
  let failed: unknown = null;
  while (!failed) {
    const rows = await sql<{ id: string }>`
      select id from tickets where status < 'solved' and id > ${last}::bigint order by id limit ${batch}`.execute(deps.db);
    if (!rows.rows.length) break;
    const ids = rows.rows.map((r) => r.id);
    last = ids[ids.length - 1];
    tickets += ids.length;
    const p: Promise<void> = deps.db.transaction()
      .execute((trx) => refreshPriority(deps, trx, ids, { now: opts.now, weights }))
      .then((n) => { changed += n; }, (e) => { failed ??= e; })
      .finally(() => running.delete(p));
    running.add(p);
    if (running.size >= (opts.parallel ?? RECOMPUTE_PARALLEL)) await Promise.race(running);
    if (ids.length < batch) break;
  }
  await Promise.all(running);
  if (failed) throw failed; // the job is retried; batches already written stay (the next run skips them as unchanged)
  const ms = Date.now() - started;
  deps.log.info({ tickets, changed, ms }, 'priority recomputed');
  return { tickets, changed, ms };
}
