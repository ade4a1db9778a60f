// Removing an address from a customer must also take away the portal access it gave:
// whoever signed in with it (or holds an unused link for it) no longer reads that customer's tickets.
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

test('removing an e-mail ends the customer\'s portal sessions and unused sign-in links for it', async () => {
  const t = await makeTicket(agent, { requester: { email: 'owner@romashka.test' } });
  const added = await agent.patch(`/api/v1/customers/${t.requester.id}`, { addEmails: ['wrong@other.test'] });
  assert.equal(added.status, 200);
  const stranger = await ctx.asCustomer('wrong@other.test'); // signs in with the address added by mistake
  assert.equal((await stranger.get(`/api/v1/portal/tickets/${t.id}`)).status, 200);
  await stranger.post('/api/v1/portal/auth/magic-link', { email: 'wrong@other.test' });
  const link = await ctx.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', 'wrong@other.test').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const token = /token=([\w-]+)/.exec(link.body_text)![1];

  const removed = await agent.patch(`/api/v1/customers/${t.requester.id}`, { removeEmails: ['wrong@other.test'] });
  assert.equal(removed.status, 200);
  assert.equal((await stranger.get(`/api/v1/portal/tickets/${t.id}`)).status, 401);
  assert.equal((await ctx.anon().post('/api/v1/portal/auth/verify', { token })).status, 401);
});

test('a customer holds at most 50 e-mail addresses (the list is shown whole)', async () => {
  const c = await agent.post('/api/v1/customers', { name: 'Many', emails: ['many0@many.test'] });
  assert.equal(c.status, 201);
  for (let i = 0; i < 49; i += 20) {
    const add = Array.from({ length: Math.min(20, 49 - i) }, (_, k) => `many${i + k + 1}@many.test`);
    assert.equal((await agent.patch(`/api/v1/customers/${c.body.id}`, { addEmails: add })).status, 200);
  }
  const full = await agent.get(`/api/v1/customers/${c.body.id}`);
  assert.equal(full.body.emails.length, 50);
  const over = await agent.patch(`/api/v1/customers/${c.body.id}`, { addEmails: ['one-more@many.test'] });
  assert.equal(over.status, 400);
  assert.equal(over.body.errors[0].path, '/addEmails');
  // swapping one for another stays possible
  const swap = await agent.patch(`/api/v1/customers/${c.body.id}`, { addEmails: ['one-more@many.test'], removeEmails: ['many49@many.test'] });
  assert.equal(swap.status, 200);
});
