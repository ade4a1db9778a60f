import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let light: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  light = await ctx.as('light_agent');
});
after(() => ctx.close());

const followers = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/followers`)).body.items.map((f: { userId: string }) => f.userId);

describe('followers', () => {
  test('follow yourself by default; following twice is harmless; unfollow', async () => {
    const t = await makeTicket(agent);
    const r = await light.post(`/api/v1/tickets/${t.number}/followers`, {});
    assert.equal(r.status, 201);
    assert.equal(r.body.userId, light.userId);
    assert.ok(r.body.name);
    const again = await light.post(`/api/v1/tickets/${t.id}/followers`, {});
    assert.equal(again.status, 200);
    assert.equal(again.body.createdAt, r.body.createdAt);
    assert.deepEqual(await followers(t.id), [light.userId]);
    assert.equal((await light.del(`/api/v1/tickets/${t.id}/followers/${light.userId}`)).status, 200);
    assert.deepEqual(await followers(t.id), []);
    assert.equal((await light.del(`/api/v1/tickets/${t.id}/followers/${light.userId}`)).status, 404, 'not following any more');
  });

  test('agents may add and remove others; light agents only themselves', async () => {
    const t = await makeTicket(agent);
    const colleague = await ctx.createUser('agent');
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/followers`, { userId: colleague.id })).status, 201);
    assert.equal((await light.post(`/api/v1/tickets/${t.id}/followers`, { userId: agent.userId })).status, 403);
    assert.equal((await light.del(`/api/v1/tickets/${t.id}/followers/${colleague.id}`)).status, 403);
    assert.equal((await light.post(`/api/v1/tickets/${t.id}/followers`, { userId: light.userId })).status, 201, 'naming yourself is fine');
    assert.deepEqual((await followers(t.id)).sort(), [colleague.id, light.userId].sort());
    assert.equal((await agent.del(`/api/v1/tickets/${t.id}/followers/${colleague.id}`)).status, 200);
    assert.deepEqual(await followers(t.id), [light.userId]);
  });

  test('only active staff can follow; unknown tickets are 404; bad ids 400', async () => {
    const t = await makeTicket(agent);
    const gone = await ctx.createUser('agent');
    await ctx.deps.db.updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
    const r = await agent.post(`/api/v1/tickets/${t.id}/followers`, { userId: gone.id });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].path, '/userId');
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/followers`, { userId: '999999' })).status, 400);
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/followers`, { userId: 'me' })).status, 400);
    assert.equal((await agent.post('/api/v1/tickets/SL-999999/followers', {})).status, 404);
    assert.equal((await agent.get('/api/v1/tickets/SL-999999/followers')).status, 404);
    assert.equal((await agent.del(`/api/v1/tickets/SL-999999/followers/${agent.userId}`)).status, 404);
  });

  test('customers and anonymous callers cannot see or change followers', async () => {
    const t = await makeTicket(agent);
    const customer = await ctx.asCustomer();
    assert.equal((await customer.get(`/api/v1/tickets/${t.id}/followers`)).status, 403);
    assert.equal((await customer.post(`/api/v1/tickets/${t.id}/followers`, {})).status, 403);
    assert.equal((await ctx.anon().get(`/api/v1/tickets/${t.id}/followers`)).status, 401);
  });

  test('the list pages through with a cursor', async () => {
    const t = await makeTicket(agent);
    for (let i = 0; i < 3; i++) {
      const u = await ctx.createUser('light_agent');
      await agent.post(`/api/v1/tickets/${t.id}/followers`, { userId: u.id });
    }
    const first = await agent.get(`/api/v1/tickets/${t.id}/followers?limit=2`);
    assert.equal(first.body.items.length, 2);
    const rest = await agent.get(`/api/v1/tickets/${t.id}/followers?limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(rest.body.items.length, 1);
    assert.equal(rest.body.nextCursor, null);
  });
});
