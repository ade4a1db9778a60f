// A new ticket's score and SLA row are computed before the insert (keeping/create.ts): they
// must be exactly what the full recompute and the SLA hook compute from the stored ticket.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { refreshPriority } from '../priority/priority.service.ts';
import { onTicketEvent as slaOnEvent } from '../sla/sla.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

const SLA_COLUMNS = ['policy_id', 'calendar_id', 'first_response_due_at', 'first_response_met_at', 'resolution_due_at', 'alert_plan', 'next_alert_at', 'paused_at', 'paused_status', 'left_min'] as const;

test('the first score and SLA row equal a recompute from the stored ticket (care, VIP, trial, repeat, threat, calendar)', async () => {
  const db = ctx.deps.db;
  const org = await db.insertInto('organizations').values({ name: 'Ромашка', vip: true }).returning('id').executeTakeFirstOrThrow();
  const week = JSON.stringify([...Array(5).fill([[540, 1080]]), [], []]);
  const cal = await db.insertInto('calendars').values({ name: 'Екатеринбург', time_zone: 'Asia/Yekaterinburg', week }).returning('id').executeTakeFirstOrThrow();
  const cust = await db.insertInto('customers').values({ name: 'Пробный Клиент', stage: 'trial', organization_id: org.id, calendar_id: cal.id })
    .returning('id').executeTakeFirstOrThrow();
  await db.insertInto('customer_emails').values({ email: 'trial@romashka.test', customer_id: cust.id, is_primary: true }).execute();
  await db.insertInto('care_flags').values({ customer_id: cust.id, reason: 'сбой на нашей стороне', until: new Date(Date.now() + 7 * 864e5), points: 20 }).execute();
  await db.insertInto('care_flags').values({ organization_id: org.id, reason: 'инцидент', until: new Date(Date.now() + 7 * 864e5), points: 30 }).execute();
  await db.insertInto('sla_policies').values({ name: 'VIP', conditions: JSON.stringify({ vip: true }), first_response_min: 30, resolution_min: 480, warn_percents: [75, 90] }).execute();

  const made = [];
  for (const [i, body] of ['Не работает оплата', 'Опять не работает', 'Третий раз пишу! Буду жаловаться в Роспотребнадзор!'].entries()) {
    const requester = i === 2 ? { id: cust.id } : { email: 'trial@romashka.test' };
    made.push(await makeTicket(agent, { requester, message: { body }, priority: i === 1 ? 'high' : 'normal', tags: ['billing'] }));
  }
  const last = made[2];
  const codes = last.priorityParts.map((p: { code: string }) => p.code);
  for (const c of ['stage', 'vip', 'care', 'repeat_contact', 'threat_regulator']) assert.ok(codes.some((x: string) => x.startsWith(c)), `${c} in ${codes}`);

  const stored = await db.selectFrom('tickets').select(['id', 'priority_score', 'priority_parts']).where('id', 'in', made.map((t) => t.id)).orderBy('id').execute();
  assert.equal(stored[2].priority_score, last.priorityScore, 'the response carries the stored score');
  // a full recompute from the stored rows finds nothing to change
  assert.equal(await refreshPriority(ctx.deps, db, stored.map((s) => s.id)), 0, 'scores written at create are current');

  // the SLA row written with the ticket is the one the hook computes for it
  for (const t of made) {
    const mine = await db.selectFrom('ticket_sla').select(SLA_COLUMNS).where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.ok(mine.policy_id && mine.first_response_due_at && mine.resolution_due_at, 'VIP policy clocks');
    assert.equal(mine.calendar_id, cal.id, "the customer's calendar");
    const row = await db.selectFrom('tickets').select(['created_at', 'status']).where('id', '=', t.id).executeTakeFirstOrThrow();
    await db.deleteFrom('ticket_sla').where('ticket_id', '=', t.id).execute();
    await slaOnEvent(ctx.deps, db, { kind: 'created', ticketId: t.id, at: row.created_at, status: row.status, byCustomer: true, signals: [] });
    const hook = await db.selectFrom('ticket_sla').select(SLA_COLUMNS).where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual({ ...mine, alert_plan: mine.alert_plan }, { ...hook, alert_plan: hook.alert_plan });
  }
});

test('a new requester (transaction path) and an unknown group: errors as before, nothing half-written', async () => {
  const before = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const r = await agent.post('/api/v1/tickets', { subject: 'x', requester: { email: 'trial@romashka.test' }, message: { body: 'y' }, groupId: '999999' });
  assert.equal(r.status, 400);
  assert.equal(r.body.errors[0].path, '/groupId');
  const nobody = await agent.post('/api/v1/tickets', { subject: 'x', requester: { id: '999999' }, message: { body: 'y' } });
  assert.equal(nobody.status, 400);
  const fresh = await makeTicket(agent, { requester: { email: 'brand-new@clients.test', name: 'Новый' } });
  assert.ok(await ctx.deps.db.selectFrom('ticket_sla').select('ticket_id').where('ticket_id', '=', fresh.id).executeTakeFirst(), 'SLA row on the transaction path');
  const afterN = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(afterN.n), Number(before.n) + 1);
});
