// Bulk recompute after a weight change (job 'priority.recompute'): every unsolved ticket,
// in keyset batches by id, each batch one read and one write in its own short transaction.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { loadWeights, refreshPriority } from './priority.service.ts';

export const RECOMPUTE_BATCH = 5000;

export async function recomputeAll(deps: Deps, opts: { now?: Date; batch?: number } = {}): Promise<{ tickets: number; changed: number; ms: number }> {
  const started = Date.now();
  const weights = await loadWeights(deps.db, { fresh: true });
  const batch = opts.batch ?? RECOMPUTE_BATCH;
  let last = '0';
  let tickets = 0;
  let changed = 0;
  for (;;) {
    const rows = await sql<{ id: string }>`
      select id from tickets where status < 'solved' and id > ${last}::bigint order by id limit ${batch}`.execute(deps.db);
    if (!rows.rows.length) break;
    const ids = rows.rows.map((r) => r.id);
    last = ids[ids.length - 1];
    tickets += ids.length;
    // one transaction per batch: its row locks are held briefly, an agent's edit waits at most one batch
    changed += await deps.db.transaction().execute((trx) => refreshPriority(deps, trx, ids, { now: opts.now, weights }));
    if (ids.length < batch) break;
  }
  const ms = Date.now() - started;
  deps.log.info({ tickets, changed, ms }, 'priority recomputed');
  return { tickets, changed, ms };
}
