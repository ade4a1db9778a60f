// The weight change through the job queue: PUT queues 'priority.recompute', the worker recomputes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { until } from '../../test/until.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
before(async () => {
  ctx = await setup({ jobs: true });
  admin = await ctx.as('admin');
});
after(() => ctx.close());

test('PUT priority weights queues a recompute that rescores unsolved tickets', async () => {
  const cust = await admin.post('/api/v1/customers', { name: 'Пробный', emails: ['trial-job@clients.test'], stage: 'trial' });
  const t = await makeTicket(admin, { requester: { id: cust.body.id }, priority: 'low', message: { body: 'Вопрос.' } });
  const score = async () => (await ctx.deps.db.selectFrom('tickets').select('priority_score').where('id', '=', t.id).executeTakeFirstOrThrow()).priority_score;
  assert.equal(await score(), 20);
  const r = await admin.put('/api/v1/settings/priority-weights', { stage_trial: 33 });
  assert.equal(r.status, 202, r.raw);
  assert.equal(r.body.recomputeQueued, true);
  await until('the recompute job', async () => (await score()) === 33, 30_000, 200);
  const version = await ctx.deps.db.selectFrom('tickets').select('version').where('id', '=', t.id).executeTakeFirstOrThrow();
  assert.equal(version.version, 1);
});
