// Grouped score refresh for the create hot path: a new ticket makes its requester's other open
// tickets "repeat contacts", and each create used to read and rewrite them on its own (three
// statements). Refreshes that arrive while one is running wait for it and then go together:
// one read of the inputs and one update for all of them. Nothing waits on a timer; a lone
// refresh runs at once. A failed group is retried per caller, so one caller's error stays its own.
import type { Deps } from '../../deps.ts';
import { refreshPriority } from './priority.service.ts';

type Waiter = { ids: string[]; resolve: () => void; reject: (e: unknown) => void };

export class RefreshBatcher {
  private queue: Waiter[] = [];
  private running = false;
  /** statements groups sent and callers served (for tests) */
  readonly stats = { groups: 0, callers: 0 };
  constructor(private readonly deps: Deps) {}

  /** Refreshes these tickets' scores (outside any transaction: on the pool). */
  refresh(ids: string[]): Promise<void> {
    if (!ids.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ ids, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    if (this.running || !this.queue.length) return;
    this.running = true;
    const group = this.queue.splice(0);
    void this.run(group).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async run(group: Waiter[]) {
    this.stats.groups++;
    this.stats.callers += group.length;
    try {
      await refreshPriority(this.deps, this.deps.db, group.flatMap((w) => w.ids));
      for (const w of group) w.resolve();
    } catch (e) {
      if (group.length === 1) return group[0].reject(e);
      for (const w of group) await refreshPriority(this.deps, this.deps.db, w.ids).then(w.resolve, w.reject);
    }
  }
}

const batchers = new WeakMap<object, RefreshBatcher>();
export function refreshBatcherFor(deps: Deps): RefreshBatcher {
  let b = batchers.get(deps.pool);
  if (!b) batchers.set(deps.pool, (b = new RefreshBatcher(deps)));
  return b;
}
