// Custom fields on the portal: flags on field definitions, the customer's field list, values
// sent with a new request (editable fields only, typed, required ones filled), values shown back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let customer: Client & { customerId: string };

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
  customer = await ctx.asCustomer();
});
after(() => ctx.close());

async function field(body: Record<string, unknown>) {
  const r = await admin.post('/api/v1/fields', { labelRu: 'Поле', labelEn: 'Field', type: 'text', ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body as { id: string; key: string; customerVisible: boolean; customerEditable: boolean };
}
const newRequest = (custom: Record<string, unknown>) => customer.post('/api/v1/portal/tickets', { subject: 'Заявка', body: 'Текст заявки', custom });

describe('portal fields', () => {
  let version: { id: string };
  before(async () => {
    version = await field({ key: 'app_version', labelRu: 'Версия', labelEn: 'Version', customerVisible: true, customerEditable: true, required: true });
    await field({ key: 'plan', type: 'select', options: ['basic', 'pro'], customerVisible: true, customerEditable: true });
    await field({ key: 'seats', type: 'number', customerVisible: true, customerEditable: true });
    await field({ key: 'sla_class', customerVisible: true }); // customers see it, agents fill it
    await field({ key: 'churn_risk', type: 'checkbox' }); // internal
    const gone = await field({ key: 'old_field', customerVisible: true });
    assert.equal((await admin.patch(`/api/v1/fields/${gone.id}`, { active: false })).status, 200);
  });

  test('flags round trip through create, list and update; editable needs visible', async () => {
    const f = await field({ key: 'flags_rt' });
    assert.equal(f.customerVisible, false);
    assert.equal(f.customerEditable, false);
    const up = await admin.patch(`/api/v1/fields/${f.id}`, { customerVisible: true, customerEditable: true });
    assert.equal(up.status, 200, up.raw);
    const listed = (await admin.get('/api/v1/fields?limit=100')).body.items.find((x: { id: string }) => x.id === f.id);
    assert.equal(listed.customerVisible, true);
    assert.equal(listed.customerEditable, true);
    const row = await ctx.deps.db.selectFrom('ticket_fields').selectAll().where('id', '=', f.id).executeTakeFirstOrThrow();
    assert.equal(row.customer_visible, true);
    assert.equal(row.customer_editable, true);

    const hide = await admin.patch(`/api/v1/fields/${f.id}`, { customerVisible: false });
    assert.equal(hide.status, 400, 'editable but hidden is refused');
    assert.equal(hide.body.errors[0].path, '/customerEditable');
    assert.equal((await admin.post('/api/v1/fields', { key: 'bad_flags', labelRu: 'x', labelEn: 'x', type: 'text', customerEditable: true })).status, 400);
    assert.equal((await admin.patch(`/api/v1/fields/${f.id}`, { customerVisible: false, customerEditable: false })).status, 200);
    assert.equal((await agent.patch(`/api/v1/fields/${f.id}`, { customerVisible: true })).status, 403);
  });

  test('GET /portal/fields: customers get the active visible fields only; agents 403, anonymous 401', async () => {
    const r = await customer.get('/api/v1/portal/fields');
    assert.equal(r.status, 200, r.raw);
    const keys = r.body.items.map((f: { key: string }) => f.key);
    assert.deepEqual(keys.filter((k: string) => ['app_version', 'plan', 'seats', 'sla_class', 'churn_risk', 'old_field'].includes(k)), ['app_version', 'plan', 'seats', 'sla_class']);
    const v = r.body.items.find((f: { key: string }) => f.key === 'app_version');
    assert.deepEqual(v, { key: 'app_version', labelRu: 'Версия', labelEn: 'Version', type: 'text', options: [], required: true, editable: true });
    assert.equal(r.body.items.find((f: { key: string }) => f.key === 'sla_class').editable, false);
    assert.equal((await agent.get('/api/v1/portal/fields')).status, 403);
    assert.equal((await ctx.anon().get('/api/v1/portal/fields')).status, 401);
  });

  test('editable values are stored typed and shown back; internal values never reach the customer', async () => {
    const r = await newRequest({ app_version: '4.2.1', plan: 'pro', seats: 12 });
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual(r.body.custom, { app_version: '4.2.1', plan: 'pro', seats: 12 });
    const row = await ctx.deps.db.selectFrom('tickets').select('custom').where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(row.custom, { app_version: '4.2.1', plan: 'pro', seats: 12 });

    const t = (await admin.get(`/api/v1/tickets/${r.body.id}`)).body;
    const p = await admin.patch(`/api/v1/tickets/${t.id}`, { custom: { sla_class: 'gold', churn_risk: true } }, { 'if-match': `"${t.version}"` });
    assert.equal(p.status, 200, p.raw);
    const seen = await customer.get(`/api/v1/portal/tickets/${r.body.number}`);
    assert.deepEqual(seen.body.custom, { app_version: '4.2.1', plan: 'pro', seats: 12, sla_class: 'gold' });
    assert.doesNotMatch(seen.raw, /churn_risk/);
    const listed = (await customer.get('/api/v1/portal/tickets')).body.items.find((x: { id: string }) => x.id === r.body.id);
    assert.equal(listed.custom.sla_class, 'gold');
    assert.ok(!('churn_risk' in listed.custom));
  });

  test('fields customers may not fill in are refused by name, alike for visible, internal and unknown ones', async () => {
    for (const key of ['sla_class', 'churn_risk', 'old_field', 'no_such_field']) {
      const r = await newRequest({ app_version: '1.0', [key]: 'x' });
      assert.equal(r.status, 400, `${key}: ${r.raw}`);
      assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(r.body.errors[0].path, `/custom/${key}`);
      assert.match(r.body.detail, new RegExp(`cannot fill in the field ${key}`));
    }
  });

  test('values are typed as the agent API checks them; required editable fields must be filled', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ app_version: '1.0', seats: 'many' }, '/custom/seats', /number/],
      [{ app_version: '1.0', plan: 'gold' }, '/custom/plan', /one of: basic, pro/],
      [{ app_version: 7 }, '/custom/app_version', /text/],
      [{ plan: 'basic' }, '/custom/app_version', /required/],
      [{ app_version: '   ' }, '/custom/app_version', /required/],
    ];
    const before = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    for (const [custom, path, detail] of cases) {
      const r = await newRequest(custom);
      assert.equal(r.status, 400, `${JSON.stringify(custom)}: ${r.raw}`);
      assert.equal(r.body.errors[0].path, path);
      assert.match(r.body.detail, detail);
    }
    const after_ = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    assert.equal(after_.n, before.n, 'nothing was created');
    // no longer required: a request without it goes through
    assert.equal((await admin.patch(`/api/v1/fields/${version.id}`, { required: false })).status, 200);
    const ok = await newRequest({});
    assert.equal(ok.status, 201, ok.raw);
    assert.deepEqual(ok.body.custom, {});
    assert.equal((await admin.patch(`/api/v1/fields/${version.id}`, { required: true })).status, 200);
  });
});
