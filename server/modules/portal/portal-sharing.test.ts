// Organizations sharing requests: members read each other's tickets on the portal when
// portal_shared is on; otherwise (and for anyone outside) another's ticket is "not found".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let anna: Client & { customerId: string }; // Acme
let boris: Client & { customerId: string }; // Acme
let vera: Client & { customerId: string }; // Globex
let acme: { id: string };

type T = { id: string; number: string };
async function ticketFor(customerId: string, subject: string): Promise<T> {
  const r = await admin.post('/api/v1/tickets', { subject, requester: { id: customerId }, message: { body: `${subject}: подробности` } });
  assert.equal(r.status, 201, r.raw);
  return r.body;
}
async function org(name: string, portalShared = false) {
  const r = await admin.post('/api/v1/organizations', { name, portalShared });
  assert.equal(r.status, 201, r.raw);
  return r.body as { id: string; portalShared: boolean };
}
async function join(c: { customerId: string }, orgId: string) {
  const r = await admin.patch(`/api/v1/customers/${c.customerId}`, { organizationId: orgId });
  assert.equal(r.status, 200, r.raw);
}
const share = (on: boolean) => admin.patch(`/api/v1/organizations/${acme.id}`, { portalShared: on });
const listed = async (c: Client) => ((await c.get('/api/v1/portal/tickets?limit=100')).body.items as { id: string; requester: { name: string; mine: boolean } }[]);

let annaT: T; let borisT: T; let veraT: T;
before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
  anna = await ctx.asCustomer('anna@acme.test');
  boris = await ctx.asCustomer('boris@acme.test');
  vera = await ctx.asCustomer('vera@globex.test');
  acme = await org('Acme');
  const globex = await org('Globex', true);
  await join(anna, acme.id);
  await join(boris, acme.id);
  await join(vera, globex.id);
  await ctx.deps.db.updateTable('customers').set({ name: 'Анна Смирнова' }).where('id', '=', anna.customerId).execute();
  annaT = await ticketFor(anna.customerId, 'Счёт за ноябрь');
  borisT = await ticketFor(boris.customerId, 'Не работает вход');
  veraT = await ticketFor(vera.customerId, 'Чужая заявка');
});
after(() => ctx.close());

describe('organization sharing', () => {
  test('portalShared: default off, round trip, admins only', async () => {
    const o = await org('Initech');
    assert.equal(o.portalShared, false);
    assert.equal((await ctx.deps.db.selectFrom('organizations').select('portal_shared').where('id', '=', o.id).executeTakeFirstOrThrow()).portal_shared, false);
    const denied = await agent.patch(`/api/v1/organizations/${o.id}`, { portalShared: true });
    assert.equal(denied.status, 403, denied.raw);
    assert.equal((await agent.post('/api/v1/organizations', { name: 'Umbrella', portalShared: true })).status, 403);
    // an agent may still edit other things, and send the unchanged value
    assert.equal((await agent.patch(`/api/v1/organizations/${o.id}`, { notes: 'ok', portalShared: false })).status, 200);
    const on = await admin.patch(`/api/v1/organizations/${o.id}`, { portalShared: true });
    assert.equal(on.status, 200, on.raw);
    assert.equal(on.body.portalShared, true);
    assert.equal((await admin.get(`/api/v1/organizations/${o.id}`)).body.portalShared, true);
  });

  test('off: strictly own tickets; a colleague\'s ticket is not found everywhere', async () => {
    assert.equal((await share(false)).status, 200);
    const ids = (await listed(boris)).map((t) => t.id);
    assert.deepEqual(ids, [borisT.id]);
    for (const ref of [annaT.id, annaT.number]) assert.equal((await boris.get(`/api/v1/portal/tickets/${ref}`)).status, 404);
    assert.equal((await boris.get(`/api/v1/portal/tickets/${annaT.id}/messages`)).status, 404);
    assert.equal((await boris.get(`/api/v1/portal/tickets/${annaT.id}/promises`)).status, 404);
  });

  test('on: members list and open each other\'s tickets with the requester named, read only', async () => {
    assert.equal((await share(true)).status, 200);
    const items = await listed(boris);
    assert.deepEqual(items.map((t) => t.id).sort(), [annaT.id, borisT.id].sort());
    const a = items.find((t) => t.id === annaT.id)!;
    assert.deepEqual(a.requester, { name: 'Анна Смирнова', mine: false });
    assert.equal(items.find((t) => t.id === borisT.id)!.requester.mine, true);

    const one = await boris.get(`/api/v1/portal/tickets/${annaT.number}`);
    assert.equal(one.status, 200, one.raw);
    assert.equal(one.body.subject, 'Счёт за ноябрь');
    const msgs = await boris.get(`/api/v1/portal/tickets/${annaT.id}/messages`);
    assert.equal(msgs.status, 200);
    assert.equal(msgs.body.items[0].bodyText, 'Счёт за ноябрь: подробности');
    assert.equal((await boris.get(`/api/v1/portal/tickets/${annaT.id}/promises`)).status, 200);
    const reply = await boris.post(`/api/v1/portal/tickets/${annaT.id}/messages`, { body: 'Я тоже' });
    assert.equal(reply.status, 403, reply.raw);
    const count = await ctx.deps.db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).where('ticket_id', '=', annaT.id).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    // the requester still answers their own
    assert.equal((await anna.post(`/api/v1/portal/tickets/${annaT.id}/messages`, { body: 'Добавлю' })).status, 201);
  });

  test('the shared list pages by latest activity, without gaps or repeats', async () => {
    assert.equal((await share(true)).status, 200);
    const more = [await ticketFor(anna.customerId, 'Ещё одна'), await ticketFor(boris.customerId, 'И ещё')];
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await boris.get(`/api/v1/portal/tickets?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.raw);
      all.push(...r.body.items.map((t: { id: string }) => t.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    const rows = await ctx.deps.db.selectFrom('tickets').select('id').where('organization_id', '=', acme.id)
      .orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
    assert.deepEqual(all, rows.map((r) => r.id));
    for (const t of [annaT, borisT, ...more]) assert.ok(all.includes(t.id));
    assert.ok(!all.includes(veraT.id));
  });

  test('another organization\'s ticket is never visible, shared or not', async () => {
    assert.equal((await share(true)).status, 200);
    assert.ok(!(await listed(boris)).some((t) => t.id === veraT.id));
    assert.equal((await boris.get(`/api/v1/portal/tickets/${veraT.id}`)).status, 404);
    assert.equal((await boris.get(`/api/v1/portal/tickets/${veraT.number}/messages`)).status, 404);
    // Globex shares too, but Vera is not in Acme
    assert.deepEqual((await listed(vera)).map((t) => t.id), [veraT.id]);
    assert.equal((await vera.get(`/api/v1/portal/tickets/${annaT.id}`)).status, 404);
  });

  test('attachments of a shared ticket follow the same rule', async () => {
    const up = await anna.req('POST', '/api/v1/portal/attachments?filename=invoice.txt', { raw: 'invoice 42', headers: { 'content-type': 'text/plain' } });
    assert.equal(up.status, 201, up.raw);
    assert.equal((await anna.post(`/api/v1/portal/tickets/${annaT.id}/messages`, { body: 'Счёт во вложении', attachmentIds: [up.body.id] })).status, 201);
    assert.equal((await share(true)).status, 200);
    const got = await boris.get(`/api/v1/attachments/${up.body.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.raw, 'invoice 42');
    assert.equal((await vera.get(`/api/v1/attachments/${up.body.id}`)).status, 404);
    assert.equal((await share(false)).status, 200);
    assert.equal((await boris.get(`/api/v1/attachments/${up.body.id}`)).status, 404);
    const own = await ctx.deps.db.selectFrom('tickets').select('id').where('requester_id', '=', boris.customerId).orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
    assert.deepEqual((await listed(boris)).map((t) => t.id), own.map((r) => r.id));
  });
});
