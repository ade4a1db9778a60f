import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sweepCustomerStages } from '../../jobs/workers.ts';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

describe('customers', () => {
  test('create with several e-mails and phones; read with ticket counts', async () => {
    const r = await agent.post('/api/v1/customers', {
      name: 'Ольга Смирнова', emails: ['Olga@Mail.test', 'olga.work@mail.test'], phones: ['+7 495 123-45-67'],
      stage: 'trial', language: 'ru', notes: 'Звонить после 12',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.email, 'olga@mail.test');
    assert.deepEqual(r.body.emails, [{ email: 'olga@mail.test', primary: true }, { email: 'olga.work@mail.test', primary: false }]);
    assert.deepEqual(r.body.phones, ['+7 495 123-45-67']);
    assert.equal(r.body.stage, 'trial');
    assert.equal(r.body.organization, null);
    assert.deepEqual(r.body.tickets, { open: 0, total: 0 });
    await makeTicket(agent, { requester: { id: r.body.id } });
    const solved = await makeTicket(agent, { requester: { id: r.body.id }, status: 'solved' });
    assert.equal(solved.status, 'solved');
    const got = await agent.get(`/api/v1/customers/${r.body.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.tickets, { open: 1, total: 2 });
    assert.equal(got.body.notes, 'Звонить после 12');
  });

  test('an e-mail another customer has is 409 naming it; nothing is created', async () => {
    await agent.post('/api/v1/customers', { name: 'A', emails: ['taken@clients.test'] });
    const r = await agent.post('/api/v1/customers', { name: 'B', emails: ['free@clients.test', 'TAKEN@clients.test'] });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'already_exists');
    assert.match(r.body.detail, /taken@clients\.test/);
    assert.equal(r.body.email, 'taken@clients.test');
    const free = await ctx.deps.db.selectFrom('customer_emails').select('email').where('email', '=', 'free@clients.test').executeTakeFirst();
    assert.equal(free, undefined);
  });

  test('validation: no e-mails, bad e-mail, bad phone, bad stage, unknown organization', async () => {
    const noEmail = await agent.post('/api/v1/customers', { name: 'X', emails: [] });
    assert.equal(noEmail.status, 400);
    assert.equal(noEmail.body.errors[0].path, '/emails');
    assert.equal((await agent.post('/api/v1/customers', { name: 'X', emails: ['nope'] })).body.errors[0].path, '/emails/0');
    assert.equal((await agent.post('/api/v1/customers', { name: 'X', emails: ['x@y.test'], phones: ['call me'] })).body.errors[0].path, '/phones/0');
    assert.equal((await agent.post('/api/v1/customers', { name: 'X', emails: ['x@y.test'], stage: 'gold' })).body.errors[0].path, '/stage');
    const org = await agent.post('/api/v1/customers', { name: 'X', emails: ['x@y.test'], organizationId: '999999' });
    assert.equal(org.status, 400);
    assert.equal(org.body.errors[0].path, '/organizationId');
  });

  test('organization is linked by e-mail domain unless given (null = none)', async () => {
    const o = await agent.post('/api/v1/organizations', { name: 'Ромашка', domains: ['romashka.test'] });
    const a = await agent.post('/api/v1/customers', { name: 'A', emails: ['gmail@free.test', 'a@romashka.test'] });
    assert.deepEqual(a.body.organization, { id: o.body.id, name: 'Ромашка' });
    const b = await agent.post('/api/v1/customers', { name: 'B', emails: ['b@romashka.test'], organizationId: null });
    assert.equal(b.body.organization, null);
  });

  test('stage change restarts stageSince and changes nothing else', async () => {
    const c = await agent.post('/api/v1/customers', { name: 'Stage', emails: ['stage@clients.test'], phones: ['+74951112233'] });
    await ctx.deps.db.updateTable('customers').set({ stage_since: new Date('2026-01-01T00:00:00Z') }).where('id', '=', c.body.id).execute();
    const before = await ctx.deps.db.selectFrom('customers').selectAll().where('id', '=', c.body.id).executeTakeFirstOrThrow();
    const r = await agent.patch(`/api/v1/customers/${c.body.id}`, { stage: 'vip' });
    assert.equal(r.status, 200);
    assert.equal(r.body.stage, 'vip');
    const row = await ctx.deps.db.selectFrom('customers').selectAll().where('id', '=', c.body.id).executeTakeFirstOrThrow();
    assert.ok(Date.now() - row.stage_since.getTime() < 60_000);
    const { stage: _s, stage_since: _ss, updated_at: _u, ...rest } = row;
    const { stage: _s2, stage_since: _ss2, updated_at: _u2, ...restBefore } = before;
    assert.deepEqual(rest, restBefore);
    // the same stage again is no change: stageSince stays
    const same = await agent.patch(`/api/v1/customers/${c.body.id}`, { stage: 'vip' });
    assert.equal(same.body.stageSince, r.body.stageSince);
  });

  test('e-mails: add, remove, change primary; the last one cannot go', async () => {
    const c = await agent.post('/api/v1/customers', { name: 'Mails', emails: ['m1@clients.test'] });
    const id = c.body.id;
    const add = await agent.patch(`/api/v1/customers/${id}`, { addEmails: ['M2@clients.test', 'm1@clients.test'] });
    assert.equal(add.status, 200);
    assert.deepEqual(add.body.emails.map((e: { email: string }) => e.email), ['m1@clients.test', 'm2@clients.test']);
    const swap = await agent.patch(`/api/v1/customers/${id}`, { removeEmails: ['m1@clients.test'] });
    assert.deepEqual(swap.body.emails, [{ email: 'm2@clients.test', primary: true }]);
    const last = await agent.patch(`/api/v1/customers/${id}`, { removeEmails: ['m2@clients.test'] });
    assert.equal(last.status, 422);
    assert.equal(last.body.code, 'invalid_state');
    const notMine = await agent.patch(`/api/v1/customers/${id}`, { removeEmails: ['other@clients.test'] });
    assert.equal(notMine.status, 400);
    assert.equal(notMine.body.errors[0].path, '/removeEmails/0');
    await agent.post('/api/v1/customers', { name: 'Other', emails: ['other@clients.test'] });
    const steal = await agent.patch(`/api/v1/customers/${id}`, { addEmails: ['other@clients.test'] });
    assert.equal(steal.status, 409);
    assert.match(steal.body.detail, /other@clients\.test/);
    const primary = await agent.patch(`/api/v1/customers/${id}`, { addEmails: ['m3@clients.test'], primaryEmail: 'm3@clients.test' });
    assert.equal(primary.body.email, 'm3@clients.test');
    const rows = await ctx.deps.db.selectFrom('customer_emails').select(['email', 'is_primary']).where('customer_id', '=', id).orderBy('email').execute();
    assert.deepEqual(rows, [{ email: 'm2@clients.test', is_primary: false }, { email: 'm3@clients.test', is_primary: true }]);
  });

  test('changing the organization moves the open tickets, not the solved ones', async () => {
    const o = await agent.post('/api/v1/organizations', { name: 'Лютик' });
    const c = await agent.post('/api/v1/customers', { name: 'Mover', emails: ['mover@clients.test'] });
    const open = await makeTicket(agent, { requester: { id: c.body.id } });
    const done = await makeTicket(agent, { requester: { id: c.body.id }, status: 'solved' });
    const r = await agent.patch(`/api/v1/customers/${c.body.id}`, { organizationId: o.body.id });
    assert.equal(r.body.organization.id, o.body.id);
    assert.equal((await agent.get(`/api/v1/tickets/${open.id}`)).body.organizationId, o.body.id);
    assert.equal((await agent.get(`/api/v1/tickets/${done.id}`)).body.organizationId, null);
    assert.equal((await agent.patch(`/api/v1/customers/${c.body.id}`, { organizationId: '999999' })).status, 400);
  });

  test('list filters by name or e-mail prefix, stage and organization; pages by name', async () => {
    const o = await agent.post('/api/v1/organizations', { name: 'Фильтры' });
    const ids: string[] = [];
    for (const [name, email, stage] of [['Зоя', 'zoya@flt.test', 'lead'], ['Яков', 'yakov@flt.test', 'vip'], ['Жанна', 'jeanne@flt.test', 'vip']]) {
      ids.push((await agent.post('/api/v1/customers', { name, emails: [email], stage, organizationId: o.body.id })).body.id);
    }
    const byOrg = await agent.get(`/api/v1/customers?organizationId=${o.body.id}&limit=2`);
    assert.deepEqual(byOrg.body.items.map((c: { name: string }) => c.name), ['Жанна', 'Зоя']);
    const next = await agent.get(`/api/v1/customers?organizationId=${o.body.id}&limit=2&cursor=${byOrg.body.nextCursor}`);
    assert.deepEqual(next.body.items.map((c: { name: string }) => c.name), ['Яков']);
    assert.equal(next.body.nextCursor, null);
    const vip = await agent.get(`/api/v1/customers?organizationId=${o.body.id}&stage=vip,lead`);
    assert.equal(vip.body.items.length, 3);
    const onlyVip = await agent.get(`/api/v1/customers?organizationId=${o.body.id}&stage=vip`);
    assert.deepEqual(onlyVip.body.items.map((c: { id: string }) => c.id).sort(), [ids[1], ids[2]].sort());
    const byName = await agent.get(`/api/v1/customers?q=${encodeURIComponent('зо')}`);
    assert.deepEqual(byName.body.items.map((c: { id: string }) => c.id), [ids[0]]);
    const byEmail = await agent.get('/api/v1/customers?q=YAKOV@');
    assert.deepEqual(byEmail.body.items.map((c: { id: string }) => c.id), [ids[1]]);
    assert.equal((await agent.get('/api/v1/customers?q=_akov')).body.items.length, 0);
    assert.equal((await agent.get('/api/v1/customers?limit=500')).status, 400);
  });

  test('light agents read but cannot create or change; customers get 403; unknown ids 404', async () => {
    const light = await ctx.as('light_agent');
    const c = await agent.post('/api/v1/customers', { name: 'RO', emails: ['ro@clients.test'] });
    assert.equal((await light.get(`/api/v1/customers/${c.body.id}`)).status, 200);
    const r = await light.post('/api/v1/customers', { name: 'No', emails: ['no@clients.test'] });
    assert.equal(r.status, 403);
    assert.equal((await light.patch(`/api/v1/customers/${c.body.id}`, { name: 'x' })).status, 403);
    const portal = await ctx.asCustomer();
    assert.equal((await portal.get('/api/v1/customers')).status, 403);
    assert.equal((await portal.get(`/api/v1/customers/${portal.customerId}`)).status, 403);
    assert.equal((await agent.get('/api/v1/customers/999999')).status, 404);
    assert.equal((await agent.patch('/api/v1/customers/999999', { name: 'x' })).status, 404);
    assert.equal((await agent.patch(`/api/v1/customers/${c.body.id}`, {})).status, 400);
  });

  test('Idempotency-Key: a retried create makes one customer', async () => {
    const body = { name: 'Once', emails: ['once@clients.test'] };
    const a = await agent.post('/api/v1/customers', body, { 'idempotency-key': 'cust-1' });
    const b = await agent.post('/api/v1/customers', body, { 'idempotency-key': 'cust-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.body.id, a.body.id);
    assert.equal(b.headers['idempotent-replayed'], 'true');
  });
});

describe('customer stage sweep', () => {
  test('new customers older than SLOVO_NEW_CUSTOMER_DAYS become active; others stay', async () => {
    const days = ctx.config.SLOVO_NEW_CUSTOMER_DAYS;
    const old = await agent.post('/api/v1/customers', { name: 'Old', emails: ['old@sweep.test'] });
    const fresh = await agent.post('/api/v1/customers', { name: 'Fresh', emails: ['fresh@sweep.test'] });
    const oldTrial = await agent.post('/api/v1/customers', { name: 'Trial', emails: ['trial@sweep.test'], stage: 'trial' });
    const back = new Date(Date.now() - (days + 1) * 86400_000);
    await ctx.deps.db.updateTable('customers').set({ stage_since: back }).where('id', 'in', [old.body.id, oldTrial.body.id]).execute();
    await ctx.deps.db.updateTable('customers').set({ stage_since: new Date(Date.now() - (days - 1) * 86400_000) }).where('id', '=', fresh.body.id).execute();
    const t = (await agent.post('/api/v1/tickets', { subject: 'Вопрос', requester: { id: old.body.id }, message: { body: 'Как подключить?' } })).body;
    const partsOf = async () => (await ctx.deps.db.selectFrom('tickets').select('priority_parts').where('id', '=', t.id).executeTakeFirstOrThrow()).priority_parts.map((p) => p.code);
    assert.ok((await partsOf()).includes('stage_new'));
    const n = await sweepCustomerStages(ctx.deps);
    assert.ok(!(await partsOf()).includes('stage_new'), 'the open ticket loses "+15 new customer"');
    assert.ok(n >= 1);
    const stageOf = async (id: string) => (await agent.get(`/api/v1/customers/${id}`)).body;
    const o = await stageOf(old.body.id);
    assert.equal(o.stage, 'active');
    assert.ok(Date.now() - Date.parse(o.stageSince) < 60_000);
    assert.equal((await stageOf(fresh.body.id)).stage, 'new');
    assert.equal((await stageOf(oldTrial.body.id)).stage, 'trial');
    assert.equal(await sweepCustomerStages(ctx.deps), 0); // idempotent
  });
});
