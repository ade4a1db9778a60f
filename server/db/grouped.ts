// Grouped calls: calls that arrive while a group is running wait for it, then go together as the
// next group (one statement for all of them). Nothing waits on a timer: a lone call runs at once.
// Under load the per-statement costs (round trip, locks and opens of relations, the commit) are
// shared by the group. A failed group is run again call by call, so one call's error stays its own.
// Used by the create hot path (requester facts, insert, score refresh) and by mail receive.

export type GroupOptions<In> = {
  /** most calls in one group (default: all waiting) */
  maxCalls?: number;
  /** a group stops growing once the weights of its calls reach this (it always takes one call) */
  maxWeight?: number;
  weight?: (input: In) => number;
  /** groups running at once (default 1: what arrives meanwhile makes the next group bigger) */
  flights?: number;
};

type Waiting<In, Out> = { input: In; resolve: (out: Out) => void; reject: (e: unknown) => void };

export class Grouped<In, Out> {
  private queue: Waiting<In, Out>[] = [];
  private running = 0;
  /** groups run and calls served (for tests and the bench) */
  readonly stats = { groups: 0, calls: 0 };

  /** runGroup answers every input of the group, in order. */
  constructor(private readonly runGroup: (inputs: In[]) => Promise<Out[]>, private readonly opts: GroupOptions<In> = {}) {}

  call(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    const { maxCalls = Infinity, maxWeight = Infinity, weight, flights = 1 } = this.opts;
    while (this.running < flights && this.queue.length) {
      let n = 0;
      for (let w = 0; n < this.queue.length && n < maxCalls && (n === 0 || w < maxWeight); n++) {
        if (weight) w += weight(this.queue[n].input);
      }
      const group = this.queue.splice(0, n);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(group: Waiting<In, Out>[]) {
    this.stats.groups++;
    this.stats.calls += group.length;
    try {
      const out = await this.runGroup(group.map((w) => w.input));
      group.forEach((w, i) => w.resolve(out[i]));
    } catch (e) {
      if (group.length === 1) return group[0].reject(e);
      // one call spoiled the group: each alone, with its own result or error
      for (const w of group) await this.runGroup([w.input]).then((r) => w.resolve(r[0]), w.reject);
    }
  }
}

/** One Grouped per pool (keyOf names it), made on first use from the first caller's argument. */
export function groupedPer<A, In, Out>(keyOf: (a: A) => object, make: (a: A) => Grouped<In, Out>): (a: A) => Grouped<In, Out> {
  const all = new WeakMap<object, Grouped<In, Out>>();
  return (a) => {
    const key = keyOf(a);
    let g = all.get(key);
    if (!g) all.set(key, (g = make(a)));
    return g;
  };
}
