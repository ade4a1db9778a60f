// Priority refreshes that need not hold up their caller (the sweeper firing thousands of
// alerts): queued as 'priority.refresh' jobs in the caller's transaction, run right after by
// a worker. Without jobs (tests, CLI) they run inline.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { enqueueMany } from '../../jobs/boss.ts';
import { refreshMany } from './priority.service.ts';

export const REFRESH_BATCH = 2000;
export type RefreshJob = { ids: string[] };

export async function queuePriorityRefresh(deps: Deps, db: Db, ticketIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(ticketIds)];
  if (!ids.length) return;
  if (!deps.boss) {
    await refreshMany(deps, db, ids);
    return;
  }
  const jobs: RefreshJob[] = [];
  for (let i = 0; i < ids.length; i += REFRESH_BATCH) jobs.push({ ids: ids.slice(i, i + REFRESH_BATCH) });
  await enqueueMany(deps, db, 'priority.refresh', jobs);
}
