// Open tickets follow their requester's organization; that move is a ticket change like any
// other: the version (ETag) and updated_at go up and the history records it.
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

type Ev = { kind: string; actor: { id: string | null }; data: { changes?: Record<string, unknown> } };
const events = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/events`)).body.items as Ev[];

test('moving a customer to another organization bumps the version of their open tickets and records it', async () => {
  const t = await makeTicket(agent, { requester: { email: 'ivan@nowhere.test' } });
  const o = await agent.post('/api/v1/organizations', { name: 'Ромашка' });
  assert.equal(o.status, 201);
  const r = await agent.patch(`/api/v1/customers/${t.requester.id}`, { organizationId: o.body.id });
  assert.equal(r.status, 200);
  const now = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
  assert.equal(now.organizationId, o.body.id);
  assert.equal(now.version, t.version + 1);
  assert.ok(now.updatedAt > t.updatedAt);
  const ev = (await events(t.id)).at(-1)!;
  assert.equal(ev.kind, 'updated');
  assert.equal(ev.actor.id, agent.userId);
  assert.deepEqual(ev.data.changes, { organizationId: [null, o.body.id] });
  // a stale ETag no longer overwrites
  const stale = await agent.patch(`/api/v1/tickets/${t.id}`, { priority: 'high' }, { 'if-match': `"${t.version}"` });
  assert.equal(stale.status, 412);
});

test('an organization claiming a domain does the same for the open tickets it picks up', async () => {
  const t = await makeTicket(agent, { requester: { email: 'olga@vasilek.test' } });
  const o = await agent.post('/api/v1/organizations', { name: 'Василёк', domains: ['vasilek.test'] });
  assert.equal(o.status, 201);
  const now = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
  assert.equal(now.organizationId, o.body.id);
  assert.equal(now.version, t.version + 1);
  assert.deepEqual((await events(t.id)).at(-1)!.data.changes, { organizationId: [null, o.body.id] });
});
