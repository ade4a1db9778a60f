import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
});
after(() => ctx.close());

describe('custom ticket fields', () => {
  test('admin defines a select field; staff list it', async () => {
    const r = await admin.post('/api/v1/fields', { key: 'plan', labelRu: 'Тариф', labelEn: 'Plan', type: 'select', options: ['basic', 'pro'] });
    assert.equal(r.status, 201);
    assert.equal(r.body.key, 'plan');
    assert.deepEqual(r.body.options, ['basic', 'pro']);
    assert.equal(r.body.required, false);
    assert.equal(r.body.active, true);
    const light = await ctx.as('light_agent');
    const list = await light.get('/api/v1/fields');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((f: { key: string }) => f.key === 'plan'));
  });

  test('validation: select needs options, others take none, bad key, duplicate key 409', async () => {
    const base = { labelRu: 'Поле', labelEn: 'Field' };
    const noOpts = await admin.post('/api/v1/fields', { ...base, key: 'empty_select', type: 'select' });
    assert.equal(noOpts.status, 400);
    assert.equal(noOpts.body.errors[0].path, '/options');
    const textOpts = await admin.post('/api/v1/fields', { ...base, key: 'text_opts', type: 'text', options: ['a'] });
    assert.equal(textOpts.status, 400);
    const dupOpts = await admin.post('/api/v1/fields', { ...base, key: 'dup_opts', type: 'select', options: ['a', 'a'] });
    assert.equal(dupOpts.status, 400);
    const badKey = await admin.post('/api/v1/fields', { ...base, key: 'Bad-Key', type: 'text' });
    assert.equal(badKey.body.errors[0].path, '/key');
    const badType = await admin.post('/api/v1/fields', { ...base, key: 'x', type: 'color' });
    assert.equal(badType.body.errors[0].path, '/type');
    await admin.post('/api/v1/fields', { ...base, key: 'once', type: 'number' });
    const dup = await admin.post('/api/v1/fields', { ...base, key: 'once', type: 'text' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'already_exists');
  });

  test('PATCH changes labels, options, required, active; key and type are fixed', async () => {
    const f = await admin.post('/api/v1/fields', { key: 'region', labelRu: 'Регион', labelEn: 'Region', type: 'select', options: ['msk'] });
    const r = await admin.patch(`/api/v1/fields/${f.body.id}`, { labelEn: 'Area', options: ['msk', 'spb'], active: false });
    assert.equal(r.status, 200);
    assert.equal(r.body.labelEn, 'Area');
    assert.equal(r.body.labelRu, 'Регион');
    assert.deepEqual(r.body.options, ['msk', 'spb']);
    assert.equal(r.body.active, false);
    const key = await admin.patch(`/api/v1/fields/${f.body.id}`, { key: 'other' });
    assert.equal(key.status, 400);
    const type = await admin.patch(`/api/v1/fields/${f.body.id}`, { type: 'text', labelEn: 'x' });
    assert.equal(type.status, 400);
    const row = await ctx.deps.db.selectFrom('ticket_fields').selectAll().where('id', '=', f.body.id).executeTakeFirstOrThrow();
    assert.equal(row.key, 'region');
    assert.equal(row.type, 'select');
    assert.equal((await admin.patch(`/api/v1/fields/${f.body.id}`, { options: [] })).status, 400);
    assert.equal((await admin.patch('/api/v1/fields/999999', { labelEn: 'x' })).status, 404);
    const inactive = await admin.get('/api/v1/fields?active=false');
    assert.deepEqual(inactive.body.items.map((x: { key: string }) => x.key), ['region']);
  });

  test('agents cannot define fields; customers cannot list them', async () => {
    const r = await agent.post('/api/v1/fields', { key: 'sneaky', labelRu: 'x', labelEn: 'x', type: 'text' });
    assert.equal(r.status, 403);
    const portal = await ctx.asCustomer();
    assert.equal((await portal.get('/api/v1/fields')).status, 403);
  });

  test('the list pages by id', async () => {
    for (const k of ['page_a', 'page_b', 'page_c']) await admin.post('/api/v1/fields', { key: k, labelRu: k, labelEn: k, type: 'checkbox' });
    const keys: string[] = [];
    let cursor = '';
    for (;;) {
      const r = await admin.get(`/api/v1/fields?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      keys.push(...r.body.items.map((f: { key: string }) => f.key));
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(['page_a', 'page_b', 'page_c'].every((k) => keys.includes(k)));
    assert.equal((await admin.get('/api/v1/fields?cursor=WyJ4Il0')).status, 400);
  });
});

describe('custom field values on tickets', () => {
  test('a bad select option is rejected at /custom/<key>; a good one is stored', async () => {
    await admin.post('/api/v1/fields', { key: 'product', labelRu: 'Продукт', labelEn: 'Product', type: 'select', options: ['mail', 'crm'] });
    const bad = await agent.post('/api/v1/tickets', {
      subject: 'x', requester: { email: 'f@clients.test' }, message: { body: 'x' }, custom: { product: 'erp' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'validation_failed');
    assert.equal(bad.body.errors[0].path, '/custom/product');
    const good = await makeTicket(agent, { custom: { product: 'crm' } });
    assert.deepEqual(good.custom, { product: 'crm' });
    const row = await ctx.deps.db.selectFrom('tickets').select('custom').where('id', '=', good.id).executeTakeFirstOrThrow();
    assert.deepEqual(row.custom, { product: 'crm' });
    const upd = await agent.patch(`/api/v1/tickets/${good.id}`, { custom: { product: 'erp' } }, { 'if-match': `"${good.version}"` });
    assert.equal(upd.status, 400);
    assert.equal(upd.body.errors[0].path, '/custom/product');
  });

  test('a required field blocks solving until it is filled', async () => {
    const f = await admin.post('/api/v1/fields', { key: 'cause', labelRu: 'Причина', labelEn: 'Cause', type: 'text', required: true });
    try {
      const t = await makeTicket(agent);
      const solve = await agent.patch(`/api/v1/tickets/${t.id}`, { status: 'solved' }, { 'if-match': `"${t.version}"` });
      assert.equal(solve.status, 422);
      assert.equal(solve.body.code, 'invalid_state');
      assert.match(solve.body.detail, /cause/);
      const ok = await agent.patch(`/api/v1/tickets/${t.id}`, { status: 'solved', custom: { cause: 'DNS' } }, { 'if-match': `"${t.version}"` });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.status, 'solved');
    } finally {
      // later tests in this file must not need the field
      await admin.patch(`/api/v1/fields/${f.body.id}`, { required: false });
    }
  });
});
