// People fields that feed keeping the word: group level, organization VIP, customer stage.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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

const partsOf = async (id: string) => {
  const row = await ctx.deps.db.selectFrom('tickets').select(['priority_score', 'priority_parts']).where('id', '=', id).executeTakeFirstOrThrow();
  return { score: row.priority_score, codes: row.priority_parts.map((p) => p.code) };
};

test('a group has a support level: created, changed, validated', async () => {
  const g = await admin.post('/api/v1/groups', { name: 'Вторая линия', level: 2 });
  assert.equal(g.status, 201);
  assert.equal(g.body.level, 2);
  assert.equal(g.body.calendarId, null);
  const p = await admin.patch(`/api/v1/groups/${g.body.id}`, { level: 3 });
  assert.equal(p.body.level, 3);
  const row = await ctx.deps.db.selectFrom('groups').select('level').where('id', '=', g.body.id).executeTakeFirstOrThrow();
  assert.equal(row.level, 3);
  assert.equal((await admin.patch(`/api/v1/groups/${g.body.id}`, { level: 4 })).status, 400);
  assert.equal((await admin.post('/api/v1/groups', { name: 'Плохая', level: 0 })).status, 400);
  assert.equal((await admin.post('/api/v1/groups', { name: 'Первая линия' })).body.level, 1, 'L1 by default');
});

test('making an organization VIP re-ranks its open tickets at once', async () => {
  const o = await agent.post('/api/v1/organizations', { name: 'ООО Вектор', domains: ['vector.test'] });
  assert.equal(o.body.vip, false);
  const t = await makeTicket(agent, { requester: { email: 'boss@vector.test', name: 'Директор' } });
  assert.equal(t.organizationId, o.body.id);
  const before = await partsOf(t.id);
  assert.ok(!before.codes.includes('vip'));
  const p = await agent.patch(`/api/v1/organizations/${o.body.id}`, { vip: true });
  assert.equal(p.status, 200);
  assert.equal(p.body.vip, true);
  const afterVip = await partsOf(t.id);
  assert.ok(afterVip.codes.includes('vip'), JSON.stringify(afterVip));
  assert.ok(afterVip.score > before.score);
  await agent.patch(`/api/v1/organizations/${o.body.id}`, { vip: false });
  assert.deepEqual(await partsOf(t.id), before, 'back to where it was');
});

test('a customer moving to trial re-ranks their open tickets', async () => {
  const t = await makeTicket(agent, { requester: { email: 'trial-later@clients.test', name: 'Пётр' } });
  const solved = await makeTicket(agent, { requester: { email: 'trial-later@clients.test' }, status: 'solved' });
  const cust = t.requester.id as string;
  const before = await partsOf(t.id);
  const r = await agent.patch(`/api/v1/customers/${cust}`, { stage: 'trial' });
  assert.equal(r.status, 200);
  const now = await partsOf(t.id);
  assert.ok(now.codes.includes('stage_trial'), JSON.stringify(now));
  assert.ok(now.score > before.score);
  assert.ok(!(await partsOf(solved.id)).codes.includes('stage_trial'), 'solved tickets are left alone');
});
