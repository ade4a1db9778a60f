// The keeping hooks run on every ticket path: API create (one-statement and transaction),
// portal, reply; a new ticket re-ranks the requester's other open tickets.
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

const codes = async (id: string) => (await ctx.deps.db.selectFrom('tickets').select('priority_parts').where('id', '=', id).executeTakeFirstOrThrow())
  .priority_parts.map((p) => p.code);

test('every create path gives the ticket its SLA row and score; the response shows the score', async () => {
  await ctx.deps.db.insertInto('sla_policies').values({ name: 'all', conditions: JSON.stringify({}), first_response_min: 60 }).execute();
  const hot = await makeTicket(agent, { requester: { email: 'known@clients.test', name: 'Known' } });
  const again = await makeTicket(agent, { requester: { email: 'known@clients.test' }, priority: 'urgent' }); // known requester: one statement
  const assigned = await makeTicket(agent, { assigneeId: agent.userId }); // transaction path
  const portal = await (await ctx.asCustomer('portal-user@clients.test')).post('/api/v1/portal/tickets', { subject: 'Портал', body: 'Не работает вход' });
  assert.equal(portal.status, 201, portal.raw);
  for (const id of [hot.id, again.id, assigned.id, portal.body.id]) {
    const s = await ctx.deps.db.selectFrom('ticket_sla').select(['policy_id', 'first_response_due_at']).where('ticket_id', '=', id).executeTakeFirst();
    assert.ok(s?.policy_id && s.first_response_due_at, `ticket ${id} has its SLA clock`);
  }
  const row = await ctx.deps.db.selectFrom('tickets').select('priority_score').where('id', '=', again.id).executeTakeFirstOrThrow();
  assert.ok(row.priority_score >= 40, 'urgent scores');
  assert.equal(again.priorityScore, row.priority_score, 'the create response carries the computed score');
  assert.ok(again.priorityParts.some((p: { code: string }) => p.code === 'priority'));
});

test("a customer's third ticket makes the earlier open ones repeat contacts", async () => {
  const email = 'again-and-again@clients.test';
  const first = await makeTicket(agent, { requester: { email, name: 'Снова я' } });
  assert.ok(!(await codes(first.id)).includes('repeat_contact'));
  await makeTicket(agent, { requester: { email } });
  await makeTicket(agent, { requester: { email }, status: 'solved' });
  assert.ok((await codes(first.id)).includes('repeat_contact'), 'two other tickets in the window');
});
