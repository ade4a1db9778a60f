// A sweep that fires SLA breaches queues the score refresh as a job; the worker applies it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { until } from '../../test/until.ts';
import { sweepSlaAlerts } from '../sla/sla.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
before(async () => {
  ctx = await setup({ jobs: true });
  agent = await ctx.as('agent');
});
after(() => ctx.close());

test('breaches fired by the sweep reach the score through a priority.refresh job', async () => {
  await ctx.deps.db.insertInto('sla_policies').values({ name: '24/7 fast', conditions: JSON.stringify({ tags: ['fast'] }), first_response_min: 5 }).execute();
  const t = await makeTicket(agent, { tags: ['fast'] });
  const codes = async () => (await ctx.deps.db.selectFrom('tickets').select('priority_parts').where('id', '=', t.id).executeTakeFirstOrThrow()).priority_parts.map((p) => p.code);
  assert.ok(!(await codes()).includes('sla_breached'));
  const later = new Date(Date.now() + 30 * 24 * 3_600_000); // past any calendar's 5 business minutes
  const fired = await ctx.deps.db.transaction().execute((trx) => sweepSlaAlerts(ctx.deps, trx, later, 100));
  assert.ok(fired >= 1);
  const jobs = await ctx.deps.db.selectFrom('pgboss.job' as never).select('name' as never).where('name' as never, '=', 'priority.refresh' as never).execute();
  assert.ok(jobs.length >= 1, 'queued, not run inline');
  await until('the refresh job', async () => (await codes()).includes('sla_breached'));
});
