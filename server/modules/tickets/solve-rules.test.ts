// Solving is the same rule on every path: PATCH, a reply with a status, or creating a ticket solved.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  const admin = await ctx.as('admin');
  const f = await admin.post('/api/v1/fields', { key: 'cause', labelRu: 'Причина', labelEn: 'Cause', type: 'text', required: true });
  assert.equal(f.status, 201);
});
after(() => ctx.close());

describe('required fields before solving', () => {
  test('a reply that solves the ticket needs them too', async () => {
    const t = await makeTicket(agent);
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Готово', status: 'solved' });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_state');
    assert.match(r.body.detail, /cause/);
    const after = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
    assert.equal(after.status, 'new');
    assert.equal(after.version, t.version);
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items.length, 1, 'the reply was not kept');

    const filled = await agent.patch(`/api/v1/tickets/${t.id}`, { custom: { cause: 'DNS' } }, { 'if-match': `"${t.version}"` });
    assert.equal(filled.status, 200);
    const ok = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Готово', status: 'solved' });
    assert.equal(ok.status, 201);
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}`)).body.status, 'solved');
  });

  test('creating a ticket already solved needs them too', async () => {
    const r = await agent.post('/api/v1/tickets', { subject: 'Звонок', requester: { email: 'call@clients.test' }, message: { body: 'решено по телефону' }, status: 'solved' });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_state');
    const ok = await agent.post('/api/v1/tickets', {
      subject: 'Звонок', requester: { email: 'call@clients.test' }, message: { body: 'решено по телефону' }, status: 'solved', custom: { cause: 'DNS' },
    });
    assert.equal(ok.status, 201);
    assert.ok(ok.body.solvedAt);
  });
});

test('a reply that reopens a solved ticket clears solvedAt, like PATCH does', async () => {
  const t = await makeTicket(agent, { custom: { cause: 'DNS' } });
  const solved = await agent.patch(`/api/v1/tickets/${t.id}`, { status: 'solved' }, { 'if-match': `"${t.version}"` });
  assert.ok(solved.body.solvedAt);
  const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Ещё вопрос', status: 'open' });
  assert.equal(r.status, 201);
  const after = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
  assert.equal(after.status, 'open');
  assert.equal(after.solvedAt, null);
});
