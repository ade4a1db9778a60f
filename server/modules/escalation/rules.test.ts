import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { sweepPromiseAlerts } from '../promises/promises.service.ts';
import { evaluateRules } from './escalation.service.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let lead: Client & { userId: string }; // lead of the L1 group
let l2: Client & { userId: string };
let g1: string;
let g2: string;

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
  lead = await ctx.as('lead');
  l2 = await ctx.as('agent', { level: 2 });
  const db = ctx.deps.db;
  g1 = (await db.insertInto('groups').values({ name: 'L1', level: 1, created_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  g2 = (await db.insertInto('groups').values({ name: 'L2', level: 2, created_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  await db.insertInto('group_members').values([{ group_id: g1, user_id: agent.userId }, { group_id: g1, user_id: lead.userId }, { group_id: g2, user_id: l2.userId }]).execute();
});
after(() => ctx.close());

async function rule(body: Record<string, unknown>): Promise<string> {
  const r = await admin.post('/api/v1/escalation-rules', body);
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}
const off = async (id: string) => assert.equal((await admin.patch(`/api/v1/escalation-rules/${id}`, { active: false })).status, 200);

async function hits(ruleId: string): Promise<string[]> {
  return (await ctx.deps.db.selectFrom('escalation_rule_hits').select('ticket_id').where('rule_id', '=', ruleId).orderBy('ticket_id').execute()).map((h) => h.ticket_id);
}
async function notes(ticketId: string, kind: string) {
  return ctx.deps.db.selectFrom('notifications').select(['user_id', 'dedupe_key']).where('ticket_id', '=', ticketId).where('kind', '=', kind).orderBy('id').execute();
}
const note = (c: Client, ticketId: string) => c.post(`/api/v1/tickets/${ticketId}/messages`, { kind: 'note', body: 'смотрю' });

describe('escalation rules', () => {
  test('CRUD: admins write, leads read; shapes are validated', async () => {
    const bad: [Record<string, unknown>, number, string][] = [
      [{ name: 'x', trigger: 'signal', action: 'notify_lead' }, 400, '/params/signals'],
      [{ name: 'x', trigger: 'broken_promise', action: 'move_to_level' }, 400, '/toLevel'],
      [{ name: 'x', trigger: 'broken_promise', action: 'notify_lead', toLevel: 2 }, 400, '/toLevel'],
      [{ name: 'x', trigger: 'broken_promise', action: 'move_to_level', toLevel: 2, toGroupId: g1 }, 422, '/toGroupId'],
      [{ name: 'x', trigger: 'repeat_contact', action: 'notify_lead', params: { count: 1 } }, 400, '/params/count'],
      [{ name: 'x', trigger: 'nope', action: 'notify_lead' }, 400, '/trigger'],
    ];
    for (const [body, status, path] of bad) {
      const r = await admin.post('/api/v1/escalation-rules', body);
      assert.equal(r.status, status, `${path}: ${r.raw}`);
      assert.ok(r.body.errors.some((e: { path: string }) => e.path.startsWith(path)), `${path} in ${r.raw}`);
    }
    const id = await rule({ name: 'VIP под угрозой', trigger: 'vip_breach_risk', params: { percent: 20 }, action: 'move_to_level', toLevel: 2, toGroupId: g2 });
    const list = await lead.get('/api/v1/escalation-rules');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.find((r: { id: string }) => r.id === id), {
      id, name: 'VIP под угрозой', active: true, trigger: 'vip_breach_risk', params: { percent: 20 }, action: 'move_to_level',
      toLevel: 2, toGroupId: g2, createdAt: list.body.items.find((r: { id: string }) => r.id === id).createdAt,
    });
    assert.equal((await lead.patch(`/api/v1/escalation-rules/${id}`, { active: false })).status, 403);
    const p = await admin.patch(`/api/v1/escalation-rules/${id}`, { action: 'notify_lead' });
    assert.equal(p.status, 200, p.raw);
    assert.deepEqual([p.body.action, p.body.toLevel, p.body.toGroupId], ['notify_lead', null, null]);
    assert.equal((await admin.patch(`/api/v1/escalation-rules/${id}`, {})).status, 400);
    assert.equal((await admin.del(`/api/v1/escalation-rules/${id}`)).status, 200);
    assert.equal((await admin.del(`/api/v1/escalation-rules/${id}`)).status, 404);
    assert.equal((await admin.patch('/api/v1/escalation-rules/999999', { active: false })).status, 404);
  });

  test('signal -> notify the lead, once per ticket', async () => {
    const id = await rule({ name: 'Регулятор', trigger: 'signal', params: { signals: ['threat_regulator', 'threat_public'] }, action: 'notify_lead' });
    const calm = await makeTicket(agent, { groupId: g1, message: { body: 'Добрый день, вопрос по счёту.' } });
    const t = await makeTicket(agent, { groupId: g1, message: { body: 'Если не решите до завтра, я подам жалобу в Роспотребнадзор.' } });
    assert.ok((await ctx.deps.db.selectFrom('tickets').select('signals').where('id', '=', t.id).executeTakeFirstOrThrow()).signals.includes('threat_regulator'));
    assert.deepEqual(await hits(id), [t.id]);
    const n = await notes(t.id, 'auto_escalation');
    assert.deepEqual(n.map((x) => [x.user_id, x.dedupe_key]), [[lead.userId, `auto_escalation:${id}:${t.id}:${lead.userId}`]], 'the lead of the group');
    // more events on the ticket: nothing new
    assert.equal((await note(agent, t.id)).status, 201);
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id, calm.id]), 0);
    assert.deepEqual(await hits(id), [t.id]);
    assert.equal((await notes(t.id, 'auto_escalation')).length, 1);
    assert.equal((await notes(calm.id, 'auto_escalation')).length, 0);
    await off(id);
  });

  test('signal -> move to L2 by itself (system escalation with the rule), and not again after a de-escalation', async () => {
    const id = await rule({ name: 'Публичная угроза', trigger: 'signal', params: { signals: ['threat_public'] }, action: 'move_to_level', toLevel: 2, toGroupId: g2 });
    const t = await makeTicket(agent, { groupId: g1, assigneeId: agent.userId, message: { body: 'Напишу об этом разгромный отзыв во всех соцсетях. Я уже перезагружал роутер.' } });
    const row = await ctx.deps.db.selectFrom('tickets').select(['level', 'group_id', 'assignee_id']).where('id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.level, row.group_id, row.assignee_id], [2, g2, null]);
    const e = await ctx.deps.db.selectFrom('escalations').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual([e.rule_id, e.created_by, e.kind, e.from_level, e.to_level], [id, null, 'escalate', 1, 2]);
    assert.match(e.summary, /Публичная угроза/);
    assert.deepEqual(e.tried, ['перезагрузил роутер']);
    const ev = await ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', t.id).where('kind', '=', 'escalated').executeTakeFirstOrThrow();
    assert.equal(ev.actor_type, 'system');
    assert.deepEqual((await notes(t.id, 'escalated')).map((x) => x.user_id).includes(l2.userId), true);
    // handed back by hand: the rule does not pull it up again
    assert.equal((await l2.post(`/api/v1/tickets/${t.id}/deescalate`, { toLevel: 1, toGroupId: g1, note: 'Ответим сами' })).status, 201);
    assert.equal((await note(agent, t.id)).status, 201);
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id]), 0);
    assert.equal((await ctx.deps.db.selectFrom('tickets').select('level').where('id', '=', t.id).executeTakeFirstOrThrow()).level, 1);
    assert.equal((await ctx.deps.db.selectFrom('escalations').select('id').where('ticket_id', '=', t.id).execute()).length, 2);
    await off(id);
  });

  test('a move rule meets a ticket already at its level: counted as fired, no move, a later de-escalation stands', async () => {
    const t = await makeTicket(agent, { groupId: g1, message: { body: 'Напишу об этом разгромный отзыв во всех соцсетях.' } });
    const handoff = { summary: 'Клиент грозит отзывом, нужна вторая линия', tried: ['ничего'], needed: 'Разобраться' };
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/escalate`, { ...handoff, toLevel: 2 })).status, 201);
    const id = await rule({ name: 'Публичная угроза 2', trigger: 'signal', params: { signals: ['threat_public'] }, action: 'move_to_level', toLevel: 2 });
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id]), 1);
    assert.equal((await ctx.deps.db.selectFrom('escalations').select('id').where('ticket_id', '=', t.id).execute()).length, 1, 'no second move');
    assert.equal((await l2.post(`/api/v1/tickets/${t.id}/deescalate`, { toLevel: 1, note: 'Ответим сами' })).status, 201);
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id]), 0);
    assert.equal((await ctx.deps.db.selectFrom('tickets').select('level').where('id', '=', t.id).executeTakeFirstOrThrow()).level, 1);
    await off(id);
  });

  test('repeat contact: the third ticket of a requester within the window, or the analyzer signal', async () => {
    const id = await rule({ name: 'Третье обращение', trigger: 'repeat_contact', params: { count: 3, days: 14 }, action: 'notify_lead' });
    const requester = { email: 'repeat@clients.test', name: 'Пётр' };
    const a = await makeTicket(agent, { groupId: g1, requester });
    const b = await makeTicket(agent, { groupId: g1, requester });
    assert.deepEqual(await hits(id), []);
    // an old ticket outside the window does not count
    await ctx.deps.db.updateTable('tickets').set({ created_at: new Date(Date.now() - 20 * 86_400_000) }).where('id', '=', a.id).execute();
    const c = await makeTicket(agent, { groupId: g1, requester });
    assert.deepEqual(await hits(id), []);
    const d = await makeTicket(agent, { groupId: g1, requester });
    assert.deepEqual(await hits(id), [d.id].sort(), 'b, c, d are three in 14 days: d fires');
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [b.id, c.id, d.id]), 2, 'b and c now also count three (once each)');
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [b.id, c.id, d.id]), 0);
    const s = await makeTicket(agent, { groupId: g1, message: { body: 'Пишу уже третий раз, никто не отвечает!' } });
    assert.ok((await hits(id)).includes(s.id), 'the repeat_contact signal');
    assert.equal((await notes(d.id, 'auto_escalation')).length, 1);
    await off(id);
  });

  test('VIP with an SLA at risk (<= percent left) or breached', async () => {
    const id = await rule({ name: 'VIP', trigger: 'vip_breach_risk', params: { percent: 25 }, action: 'notify_lead' });
    const db = ctx.deps.db;
    const cal = await db.insertInto('calendars').values({ name: 'Круглосуточно (тест)', time_zone: 'UTC', always_open: true, week: JSON.stringify([[], [], [], [], [], [], []]), created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const pol = await db.insertInto('sla_policies').values({ name: 'VIP test', active: false, resolution_min: 100, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const now = new Date();
    const at = (min: number) => new Date(now.getTime() + min * 60_000);
    async function ticket(vip: 'stage' | 'org' | 'none', leftMin: number, breached = false) {
      const t = await makeTicket(agent, { groupId: g1 });
      if (vip === 'stage') await db.updateTable('customers').set({ stage: 'vip' }).where('id', '=', t.requester.id).execute();
      if (vip === 'org') {
        const o = await db.insertInto('organizations').values({ name: `VIP org ${t.id}`, vip: true, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        await db.updateTable('tickets').set({ organization_id: o.id }).where('id', '=', t.id).execute();
      }
      await db.updateTable('tickets').set({ created_at: at(leftMin - 100) }).where('id', '=', t.id).execute();
      const sla = { policy_id: pol.id, calendar_id: cal.id, resolution_due_at: at(leftMin), resolution_breached_at: breached ? at(leftMin) : null, first_response_due_at: null, updated_at: now };
      await db.insertInto('ticket_sla').values({ ticket_id: t.id, ...sla }).onConflict((oc) => oc.column('ticket_id').doUpdateSet(sla)).execute();
      return t.id;
    }
    const risky = await ticket('stage', 20); // 20 of 100 minutes left
    const org = await ticket('org', 10);
    const plenty = await ticket('stage', 60);
    const notVip = await ticket('none', 5);
    const breached = await ticket('stage', -5, true);
    assert.equal(await evaluateRules(ctx.deps, db, [risky, org, plenty, notVip, breached], now), 3);
    assert.deepEqual(await hits(id), [risky, org, breached].sort((x, y) => Number(x) - Number(y)));
    assert.equal(await evaluateRules(ctx.deps, db, [risky, org, plenty, notVip, breached], now), 0, 'once per ticket');
    assert.equal((await notes(risky, 'auto_escalation')).length, 1);
    await off(id);
  });

  test('broken promise: fires when the promise sweeper breaks a promise, once', async () => {
    const id = await rule({ name: 'Нарушили обещание', trigger: 'broken_promise', action: 'move_to_level', toLevel: 2 });
    const due = new Date(Date.now() + 3_600_000);
    const t = await makeTicket(agent, { groupId: g1 });
    const other = await makeTicket(agent, { groupId: g1 });
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Перезвоним вам через час.', promises: [{ text: 'Перезвонить', dueAt: due.toISOString(), kind: 'callback' }] });
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual(await hits(id), []);
    // each sweep takes the next alert of the plan (reminders first, then the break)
    for (let i = 0; i < 5; i++) await sweepPromiseAlerts(ctx.deps, ctx.deps.db, new Date(due.getTime() + 60_000), 100);
    const p = await ctx.deps.db.selectFrom('promises').select('state').where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(p.state, 'broken');
    assert.deepEqual(await hits(id), [t.id]);
    const row = await ctx.deps.db.selectFrom('tickets').select(['level', 'group_id']).where('id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.level, row.group_id], [2, g2], 'moved to the first L2 group');
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id, other.id]), 0);
    assert.equal((await ctx.deps.db.selectFrom('escalations').select('id').where('ticket_id', '=', t.id).execute()).length, 1);
    await off(id);
  });

  test('no active rules: evaluation reads nothing and fires nothing', async () => {
    const t = await makeTicket(agent, { message: { body: 'Если не решите до завтра, я подам жалобу в Роспотребнадзор.' } });
    assert.equal(await evaluateRules(ctx.deps, ctx.deps.db, [t.id]), 0);
    assert.equal((await ctx.deps.db.selectFrom('escalation_rule_hits').select('rule_id').where('ticket_id', '=', t.id).execute()).length, 0);
  });
});
