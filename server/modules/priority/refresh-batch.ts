// Grouped score refresh for the create hot path: a new ticket makes its requester's other open
// tickets "repeat contacts", and each create used to read and rewrite them on its own (three
// statements). Refreshes that arrive while one is running wait for it and then go together
// (db/grouped.ts): one read of the inputs and one update for all of them.
import type { Deps } from '../../deps.ts';
import { Grouped, groupedPer } from '../../db/grouped.ts';
import { refreshPriority } from './priority.service.ts';

const grouped = groupedPer((deps: Deps) => deps.pool, (deps) => new Grouped<string[], void>(async (lists) => {
  await refreshPriority(deps, deps.db, lists.flat());
  return lists.map(() => undefined);
}));

/** Refreshes these tickets' scores (outside any transaction: on the pool), grouped with concurrent callers. */
export function refreshBatcherFor(deps: Deps) {
  const g = grouped(deps);
  return { stats: g.stats, refresh: (ids: string[]): Promise<void> => (ids.length ? g.call(ids) : Promise.resolve()) };
}
