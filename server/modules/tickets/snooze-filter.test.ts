// Queues can leave snoozed tickets out until they wake, or list only them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

test('snoozed=hide and snoozed=only, in lists and saved views', async () => {
  const tag = 'snz';
  const awake = await makeTicket(agent, { tags: [tag] });
  const asleep = await makeTicket(agent, { tags: [tag] });
  const woke = await makeTicket(agent, { tags: [tag] });
  const r = await agent.post(`/api/v1/tickets/${asleep.id}/snooze`, { until: new Date(Date.now() + 3_600_000).toISOString() });
  assert.equal(r.status, 200, r.raw);
  await ctx.deps.db.updateTable('tickets').set({ snoozed_until: new Date(Date.now() - 60_000) }).where('id', '=', woke.id).execute(); // due, not swept yet
  const ids = async (q: string) => (await agent.get(`/api/v1/tickets?tags=${tag}&sort=score${q}`)).body.items.map((t: { id: string }) => t.id).sort();
  assert.deepEqual(await ids(''), [awake.id, asleep.id, woke.id].sort());
  assert.deepEqual(await ids('&snoozed=hide'), [awake.id, woke.id].sort());
  assert.deepEqual(await ids('&snoozed=only'), [asleep.id]);
  assert.equal((await agent.get('/api/v1/tickets?snoozed=sometimes')).status, 400);
  const v = await agent.post('/api/v1/views', { name: 'Без отложенных', filters: { tags: [tag], snoozed: 'hide' } });
  assert.equal(v.status, 201, v.raw);
  const got = await agent.get(`/api/v1/views/${v.body.id}/tickets`);
  assert.equal(got.status, 200, got.raw);
  assert.deepEqual(got.body.items.map((t: { id: string }) => t.id).sort(), [awake.id, woke.id].sort());
});
