// Grouped calls on their own (no database): grouping, limits, flights, and a failed group.
// The statements that use it are tested through HTTP beside their code (create-batch.test.ts,
// mail/pipeline.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Grouped } from './grouped.ts';

const tick = () => new Promise((r) => setImmediate(r));

/** A runGroup that records its groups and answers when the test releases it. */
function gate<In>(answer: (x: In) => unknown = (x) => x) {
  const groups: In[][] = [];
  const release: (() => void)[] = [];
  const run = (inputs: In[]) => new Promise<unknown[]>((resolve) => {
    groups.push(inputs);
    release.push(() => resolve(inputs.map(answer)));
  });
  return { groups, run, next: () => release.shift()!() };
}

test('a lone call runs at once; calls arriving meanwhile go together as the next group, in order', async () => {
  const g = gate<number>((x) => x * 10);
  const grouped = new Grouped<number, unknown>(g.run);
  const first = grouped.call(1);
  assert.deepEqual(g.groups, [[1]], 'no timer: the first call is sent at once');
  const rest = [2, 3, 4].map((x) => grouped.call(x));
  await tick();
  assert.equal(g.groups.length, 1, 'one group at a time');
  g.next();
  assert.equal(await first, 10);
  await tick();
  assert.deepEqual(g.groups[1], [2, 3, 4]);
  g.next();
  assert.deepEqual(await Promise.all(rest), [20, 30, 40]);
  assert.deepEqual(grouped.stats, { groups: 2, calls: 4 });
});

test('maxCalls and maxWeight cut the waiting calls into groups; a heavy call still goes alone', async () => {
  const g = gate<number>();
  const grouped = new Grouped<number, unknown>(g.run, { maxCalls: 3, maxWeight: 10, weight: (x) => x });
  const calls = [1, 1, 1, 1, 1, 50, 4, 4, 4].map((x) => grouped.call(x));
  for (let i = 0; i < 4; i++) {
    g.next();
    await tick();
  }
  // the first goes alone; then at most 3 calls, or fewer once their weight reaches 10
  assert.deepEqual(g.groups, [[1], [1, 1, 1], [1, 50], [4, 4, 4]]);
  assert.deepEqual(await Promise.all(calls), [1, 1, 1, 1, 1, 50, 4, 4, 4]);
});

test('flights: two groups may run at once', async () => {
  const g = gate<string>();
  const grouped = new Grouped<string, unknown>(g.run, { flights: 2 });
  const a = grouped.call('a');
  const b = grouped.call('b');
  assert.deepEqual(g.groups, [['a'], ['b']]);
  g.next();
  g.next();
  assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
});

test('a failed group is run again call by call: each call gets its own answer or error', async () => {
  const seen: number[][] = [];
  let hold: (() => void) | null = null;
  const grouped = new Grouped<number, number>(async (xs) => {
    seen.push(xs);
    if (xs[0] === 0) await new Promise<void>((r) => { hold = r; });
    if (xs.includes(7)) throw new Error(`bad ${xs.join(',')}`);
    return xs.map((x) => -x);
  });
  const first = grouped.call(0);
  const results = [5, 7, 9].map((x) => grouped.call(x).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
  hold!();
  assert.equal(await first, -0);
  assert.deepEqual(await Promise.all(results), [{ v: -5 }, { e: 'bad 7' }, { v: -9 }]);
  assert.deepEqual(seen, [[0], [5, 7, 9], [5], [7], [9]]);
});

test('a lone call that fails is rejected once, and the next call still runs', async () => {
  let n = 0;
  const grouped = new Grouped<number, number>(async (xs) => {
    n++;
    if (xs[0] < 0) throw new Error('negative');
    return xs;
  });
  await assert.rejects(grouped.call(-1), /negative/);
  assert.equal(await grouped.call(3), 3);
  assert.equal(n, 2);
});
