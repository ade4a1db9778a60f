import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

type Link = { id: string; kind: string; ticket: { id: string; number: string; status: string } };
const links = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/links`)).body.items as Link[];
const link = (from: string, otherRef: string, kind: string) => agent.post(`/api/v1/tickets/${from}/links`, { otherRef, kind });
const eventKinds = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/events`)).body.items.map((e: { kind: string }) => e.kind);

describe('ticket links', () => {
  test('each kind reads correctly from both sides', async () => {
    const [a, b, c, d] = [await makeTicket(agent), await makeTicket(agent), await makeTicket(agent), await makeTicket(agent)];
    const r = await link(a.number, b.number, 'duplicate_of');
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.kind, 'duplicate_of');
    assert.equal(r.body.ticket.number, b.number);
    assert.equal((await link(a.id, c.id, 'related')).status, 201);
    assert.equal((await link(a.id, d.id, 'child_of')).status, 201);

    const fromA = await links(a.id);
    assert.deepEqual(fromA.map((l) => [l.kind, l.ticket.id]), [['duplicate_of', b.id], ['related', c.id], ['child_of', d.id]]);
    assert.deepEqual((await links(b.id)).map((l) => [l.kind, l.ticket.id]), [['duplicated_by', a.id]]);
    assert.deepEqual((await links(c.id)).map((l) => [l.kind, l.ticket.id]), [['related', a.id]]);
    assert.deepEqual((await links(d.id)).map((l) => [l.kind, l.ticket.id]), [['parent_of', a.id]]);
    const stored = await ctx.deps.db.selectFrom('ticket_links').selectAll().where('id', '=', fromA[2].id).executeTakeFirstOrThrow();
    assert.deepEqual([stored.ticket_id, stored.other_ticket_id, stored.kind], [d.id, a.id, 'parent_of'], 'child_of is stored as parent_of reversed');
    assert.ok((await eventKinds(a.id)).includes('linked'));
    assert.ok((await eventKinds(b.id)).includes('linked'));
  });

  test('no self links, no duplicates either way round', async () => {
    const [a, b] = [await makeTicket(agent), await makeTicket(agent)];
    const self = await link(a.id, a.number, 'related');
    assert.equal(self.status, 422);
    assert.equal((await link(a.id, b.id, 'related')).status, 201);
    const again = await link(a.id, b.id, 'related');
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'already_exists');
    assert.equal((await link(b.id, a.id, 'related')).status, 409, 'related from the other side is the same link');
    assert.equal((await link(a.id, b.id, 'parent_of')).status, 201, 'another kind between the same tickets is fine');
    assert.equal((await link(b.id, a.id, 'child_of')).status, 409);
    assert.equal((await links(a.id)).length, 2);
  });

  test('a ticket has at most one parent and parents never form a cycle', async () => {
    const [p, q, c, g] = [await makeTicket(agent), await makeTicket(agent), await makeTicket(agent), await makeTicket(agent)];
    assert.equal((await link(p.id, c.id, 'parent_of')).status, 201);
    const second = await link(q.id, c.id, 'parent_of');
    assert.equal(second.status, 422);
    assert.match(second.body.detail, /already has a parent/);
    assert.equal((await link(c.id, g.id, 'parent_of')).status, 201); // p > c > g
    const cycle = await link(g.id, p.id, 'parent_of');
    assert.equal(cycle.status, 422);
    assert.match(cycle.body.detail, /cycle/);
    assert.equal((await link(p.id, g.id, 'child_of')).status, 422, 'the same cycle made from the other side');
    assert.equal((await link(c.id, p.id, 'parent_of')).status, 422, 'two-ticket cycle (c already has a parent)');
  });

  test('concurrent identical links: one is made, the other gets 409', async () => {
    const [a, b] = [await makeTicket(agent), await makeTicket(agent)];
    const rs = await Promise.all([link(a.id, b.id, 'related'), link(b.id, a.id, 'related'), link(a.id, b.id, 'related')]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409]);
  });

  test('unlinking works from either ticket, writes history on both; other tickets cannot remove it', async () => {
    const [a, b, x] = [await makeTicket(agent), await makeTicket(agent), await makeTicket(agent)];
    const l = (await link(a.id, b.id, 'duplicate_of')).body;
    assert.equal((await agent.del(`/api/v1/tickets/${x.id}/links/${l.id}`)).status, 404);
    assert.equal((await agent.del(`/api/v1/tickets/${b.number}/links/${l.id}`)).status, 200);
    assert.deepEqual(await links(a.id), []);
    assert.ok((await eventKinds(a.id)).includes('unlinked'));
    assert.ok((await eventKinds(b.id)).includes('unlinked'));
    assert.equal((await agent.del(`/api/v1/tickets/${b.id}/links/${l.id}`)).status, 404, 'already gone');
  });

  test('validation and unknown tickets', async () => {
    const a = await makeTicket(agent);
    assert.equal((await link(a.id, a.id, 'sibling_of')).status, 400);
    const none = await link(a.id, 'SL-999999', 'related');
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].path, '/otherRef');
    assert.equal((await link('SL-999999', a.id, 'related')).status, 404);
    assert.equal((await agent.get('/api/v1/tickets/SL-999999/links')).status, 404);
    assert.equal((await agent.del(`/api/v1/tickets/${a.id}/links/abc`)).status, 400);
  });

  test('links page through with a cursor', async () => {
    const hub = await makeTicket(agent);
    for (let i = 0; i < 5; i++) assert.equal((await link(hub.id, (await makeTicket(agent)).id, 'related')).status, 201);
    const first = await agent.get(`/api/v1/tickets/${hub.id}/links?limit=3`);
    assert.equal(first.body.items.length, 3);
    const rest = await agent.get(`/api/v1/tickets/${hub.id}/links?limit=3&cursor=${first.body.nextCursor}`);
    assert.equal(rest.body.items.length, 2);
    assert.equal(rest.body.nextCursor, null);
  });

  test('light agents may read links but not change them', async () => {
    const [a, b] = [await makeTicket(agent), await makeTicket(agent)];
    const l = (await link(a.id, b.id, 'related')).body;
    const light = await ctx.as('light_agent');
    assert.equal((await light.get(`/api/v1/tickets/${a.id}/links`)).status, 200);
    assert.equal((await light.post(`/api/v1/tickets/${a.id}/links`, { otherRef: b.id, kind: 'parent_of' })).status, 403);
    assert.equal((await light.del(`/api/v1/tickets/${a.id}/links/${l.id}`)).status, 403);
    const customer = await ctx.asCustomer();
    assert.equal((await customer.get(`/api/v1/tickets/${a.id}/links`)).status, 403);
  });
});
