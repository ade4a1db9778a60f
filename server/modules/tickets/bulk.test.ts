// POST /api/v1/tickets/bulk: one change for many tickets, each with its own version, answered per ticket.
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

type Item = { ref: string; ok: boolean; ticket?: { id: string; status: string; tags: string[]; version: number }; status?: number; code?: string };

test('changes each ticket with its version; a stale or unknown one fails alone with its code; history per ticket', async () => {
  const [a, b, c] = [await makeTicket(agent), await makeTicket(agent), await makeTicket(agent)];
  // a colleague changes b first: the bulk caller's version of b is stale
  assert.equal((await agent.patch(`/api/v1/tickets/${b.id}`, { version: b.version, priority: 'high' })).status, 200);
  const r = await agent.post('/api/v1/tickets/bulk', {
    items: [{ ref: a.number, version: a.version }, { ref: b.id, version: b.version }, { ref: c.id, version: c.version }, { ref: 'SL-999999', version: 1 }],
    set: { status: 'pending_customer', addTags: ['bulk-moved'] },
  });
  assert.equal(r.status, 200, r.raw);
  const items = r.body.items as Item[];
  assert.deepEqual(items.map((x) => [x.ref, x.ok, x.code ?? null, x.status ?? null]),
    [[a.number, true, null, null], [b.id, false, 'version_conflict', 412], [c.id, true, null, null], ['SL-999999', false, 'not_found', 404]]);
  for (const x of [items[0], items[2]]) {
    assert.equal(x.ticket!.status, 'pending_customer');
    assert.deepEqual(x.ticket!.tags, ['bulk-moved']);
    assert.equal(x.ticket!.version, 2);
  }
  const rows = await ctx.deps.db.selectFrom('tickets').select(['id', 'status', 'tags']).where('id', 'in', [a.id, b.id, c.id]).orderBy('id').execute();
  assert.deepEqual(rows.map((t) => [t.status, t.tags]), [['pending_customer', ['bulk-moved']], ['new', []], ['pending_customer', ['bulk-moved']]]);
  const ev = await ctx.deps.db.selectFrom('ticket_events').select(['ticket_id', 'kind']).where('ticket_id', 'in', [a.id, c.id]).where('kind', '=', 'updated').execute();
  assert.equal(ev.length, 2, 'one history entry per changed ticket');
});

test('validation: empty set, no items, too many items, a bad value: 400 with the path, nothing changed', async () => {
  const t = await makeTicket(agent);
  const bad = async (body: unknown, path: string) => {
    const r = await agent.post('/api/v1/tickets/bulk', body);
    assert.equal(r.status, 400, r.raw);
    assert.match(r.headers['content-type'] as string, /problem\+json/);
    assert.ok(r.body.errors.some((e: { path: string }) => e.path.startsWith(path)), `${path} in ${r.raw}`);
  };
  await bad({ items: [{ ref: t.id, version: 1 }], set: {} }, '/set');
  await bad({ items: [], set: { priority: 'high' } }, '/items');
  await bad({ items: Array.from({ length: 101 }, () => ({ ref: t.id, version: 1 })), set: { priority: 'high' } }, '/items');
  await bad({ items: [{ ref: t.id, version: 1 }], set: { status: 'nope' } }, '/set/status');
  const row = await ctx.deps.db.selectFrom('tickets').select(['version']).where('id', '=', t.id).executeTakeFirstOrThrow();
  assert.equal(row.version, 1);
});

test('a light agent may not use it; customers and anonymous callers neither', async () => {
  const t = await makeTicket(agent);
  const light = await ctx.as('light_agent');
  const body = { items: [{ ref: t.id, version: 1 }], set: { priority: 'urgent' } };
  assert.equal((await light.post('/api/v1/tickets/bulk', body)).status, 403);
  assert.equal((await (await ctx.asCustomer()).post('/api/v1/tickets/bulk', body)).status, 403);
  assert.equal((await ctx.anon().post('/api/v1/tickets/bulk', body)).status, 401);
  const row = await ctx.deps.db.selectFrom('tickets').select(['priority']).where('id', '=', t.id).executeTakeFirstOrThrow();
  assert.equal(row.priority, 'normal');
});
