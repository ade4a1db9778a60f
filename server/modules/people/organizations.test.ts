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

describe('organizations', () => {
  test('create with domains (lowercased, deduplicated), read, update', async () => {
    const r = await agent.post('/api/v1/organizations', { name: 'ООО Ромашка', domains: ['Romashka.test', 'romashka.test', 'mail.romashka.test'], notes: 'Ключевой клиент' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.domains, ['romashka.test', 'mail.romashka.test']);
    const got = await agent.get(`/api/v1/organizations/${r.body.id}`);
    assert.equal(got.body.notes, 'Ключевой клиент');
    const p = await agent.patch(`/api/v1/organizations/${r.body.id}`, { name: 'АО Ромашка' });
    assert.equal(p.status, 200);
    assert.equal(p.body.name, 'АО Ромашка');
    assert.deepEqual(p.body.domains, ['romashka.test', 'mail.romashka.test']);
  });

  test('validation: bad domains, empty name; unknown ids 404', async () => {
    for (const d of ['not a domain', 'http://x.test', '-bad.test', 'nodot', 'a@b.test']) {
      const r = await agent.post('/api/v1/organizations', { name: 'Bad', domains: [d] });
      assert.equal(r.status, 400, d);
      assert.equal(r.body.errors[0].path, '/domains/0');
    }
    assert.equal((await agent.post('/api/v1/organizations', { name: ' ' })).status, 400);
    assert.equal((await agent.get('/api/v1/organizations/999999')).status, 404);
    assert.equal((await agent.patch('/api/v1/organizations/999999', { notes: 'x' })).status, 404);
  });

  test('a domain belongs to one organization: 409 naming it', async () => {
    await agent.post('/api/v1/organizations', { name: 'First', domains: ['shared.test'] });
    const r = await agent.post('/api/v1/organizations', { name: 'Second', domains: ['SHARED.test'] });
    assert.equal(r.status, 409);
    assert.match(r.body.detail, /shared\.test/);
    const s = await agent.post('/api/v1/organizations', { name: 'Second' });
    assert.equal((await agent.patch(`/api/v1/organizations/${s.body.id}`, { domains: ['shared.test'] })).status, 409);
  });

  test('a new domain links customers without an organization and their open tickets', async () => {
    const other = await agent.post('/api/v1/organizations', { name: 'Другая' });
    const lone = await agent.post('/api/v1/customers', { name: 'Lone', emails: ['lone@linked.test'] });
    const second = await agent.post('/api/v1/customers', { name: 'Second mail', emails: ['x@free.test', 'y@linked.test'] });
    const taken = await agent.post('/api/v1/customers', { name: 'Taken', emails: ['taken@linked.test'], organizationId: other.body.id });
    const elsewhere = await agent.post('/api/v1/customers', { name: 'Elsewhere', emails: ['e@unrelated.test'] });
    const openT = await makeTicket(agent, { requester: { id: lone.body.id } });
    const solvedT = await makeTicket(agent, { requester: { id: lone.body.id }, status: 'solved' });
    const o = await agent.post('/api/v1/organizations', { name: 'Linked' });
    const r = await agent.patch(`/api/v1/organizations/${o.body.id}`, { domains: ['linked.test'] });
    assert.equal(r.status, 200);
    const orgOf = async (id: string) => (await agent.get(`/api/v1/customers/${id}`)).body.organization?.id ?? null;
    assert.equal(await orgOf(lone.body.id), o.body.id);
    assert.equal(await orgOf(second.body.id), o.body.id);
    assert.equal(await orgOf(taken.body.id), other.body.id);
    assert.equal(await orgOf(elsewhere.body.id), null);
    assert.equal((await agent.get(`/api/v1/tickets/${openT.id}`)).body.organizationId, o.body.id);
    assert.equal((await agent.get(`/api/v1/tickets/${solvedT.id}`)).body.organizationId, null);
    const listed = await agent.get(`/api/v1/customers?organizationId=${o.body.id}`);
    assert.equal(listed.body.items.length, 2);
  });

  test('creating an organization with a domain links the customers too', async () => {
    const c = await agent.post('/api/v1/customers', { name: 'Early', emails: ['early@born.test'] });
    const o = await agent.post('/api/v1/organizations', { name: 'Born', domains: ['born.test'] });
    assert.equal((await agent.get(`/api/v1/customers/${c.body.id}`)).body.organization.id, o.body.id);
  });

  test('list: q is a case-insensitive name prefix; keyset pages', async () => {
    for (const n of ['Альфа', 'альфа-банк', 'Бета']) await agent.post('/api/v1/organizations', { name: n });
    const r = await agent.get(`/api/v1/organizations?q=${encodeURIComponent('АЛЬ')}&limit=1`);
    assert.equal(r.body.items.length, 1);
    assert.ok(r.body.nextCursor);
    const r2 = await agent.get(`/api/v1/organizations?q=${encodeURIComponent('АЛЬ')}&limit=1&cursor=${r.body.nextCursor}`);
    assert.deepEqual([r.body.items[0].name, r2.body.items[0].name].sort(), ['Альфа', 'альфа-банк'].sort());
    assert.equal(r2.body.nextCursor, null);
  });

  test('light agents read, cannot write; customers get 403', async () => {
    const light = await ctx.as('light_agent');
    assert.equal((await light.get('/api/v1/organizations')).status, 200);
    assert.equal((await light.post('/api/v1/organizations', { name: 'No' })).status, 403);
    const portal = await ctx.asCustomer();
    assert.equal((await portal.get('/api/v1/organizations')).status, 403);
  });
});
