// The ledger seen from outside: metrics per agent and group, the customer's portal view, the
// reply path from the coach's extraction to the ledger, "you promised" alerts, set-based sweeps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { sweepPromiseAlerts } from './promises.service.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
const MIN = 60_000;
const inMin = (m: number) => new Date(Date.now() + m * MIN).toISOString();
const sweep = (now: Date, limit = 5000) => sweepPromiseAlerts(ctx.deps, ctx.deps.db, now, limit);

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
});
after(() => ctx.close());

async function promise(c: Client, ticketRef: string, body: Record<string, unknown> = {}) {
  const r = await c.post(`/api/v1/tickets/${ticketRef}/promises`, { text: 'Пришлём ответ', dueAt: inMin(120), kind: 'fix', ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body as { id: string; dueAt: string };
}
/** Time passes without sleeping: the promise was due `ago` minutes ago and only its due check is left. */
async function dueAgo(id: string, ago: number) {
  const at = new Date(Date.now() - ago * MIN);
  await ctx.deps.db.updateTable('promises').set({ due_at: at, alert_plan: JSON.stringify([{ at: at.toISOString(), level: 'due', minutes: 0 }]), next_alert_at: at })
    .where('id', '=', id).execute();
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function group(name: string, members: string[]) {
  const g = await admin.post('/api/v1/groups', { name });
  assert.equal(g.status, 201, g.raw);
  assert.equal((await admin.put(`/api/v1/groups/${g.body.id}/members`, { userIds: members })).status, 200);
  return g.body.id as string;
}

describe('promise metrics, portal, reply path, claims, sweeps', () => {
  test('report per agent and per group: numbers equal those computed from the rows', async () => {
    const start = new Date(Date.now() - 1000);
    const a = await ctx.as('agent');
    const b = await ctx.as('agent');
    const g = await group('Промисы', [a.userId]);
    const ta = await makeTicket(a, { groupId: g });
    const tb = await makeTicket(b);
    const onTime = await promise(a, ta.id);
    assert.equal((await a.post(`/api/v1/promises/${onTime.id}/keep`, {})).status, 200);
    const late = await promise(a, ta.id);
    await dueAgo(late.id, 30);
    assert.equal((await a.post(`/api/v1/promises/${late.id}/keep`, {})).status, 200);
    const moved = await promise(a, ta.id);
    assert.equal((await a.post(`/api/v1/promises/${moved.id}/renegotiate`, { dueAt: inMin(600) })).status, 200);
    const broken = await promise(a, ta.id);
    await dueAgo(broken.id, 5);
    assert.ok((await sweep(new Date())) >= 1);
    const cancelled = await promise(b, tb.id);
    assert.equal((await b.post(`/api/v1/promises/${cancelled.id}/cancel`, { note: 'не актуально' })).status, 200);
    await promise(b, tb.id);
    await promise(b, tb.id, { kind: 'update' });
    assert.equal((await b.post(`/api/v1/tickets/${tb.id}/messages`, { body: 'Новости по вашему вопросу.' })).status, 201);

    const lead = await ctx.as('lead');
    const to = inMin(1);
    const r = await lead.get(`/api/v1/reports/promises?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(to)}&groupBy=agent`);
    assert.equal(r.status, 200, r.raw);
    const rows = await ctx.deps.db.selectFrom('promises').select(['owner_id', 'state', 'margin_min', 'ticket_id']).where('created_at', '>=', start).execute();
    const expect = (owned: typeof rows) => ({
      made: owned.length,
      keptOnTime: owned.filter((p) => p.state === 'kept' && p.margin_min! >= 0).length,
      keptLate: owned.filter((p) => p.state === 'kept' && p.margin_min! < 0).length,
      renegotiated: owned.filter((p) => p.state === 'renegotiated').length,
      broken: owned.filter((p) => p.state === 'broken').length,
      open: owned.filter((p) => p.state === 'open').length,
      cancelled: owned.filter((p) => p.state === 'cancelled').length,
      medianMarginMin: median(owned.filter((p) => p.state === 'kept').map((p) => p.margin_min!)),
    });
    const strip = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'key' && k !== 'name'));
    const rowA = r.body.rows.find((x: { key: string }) => x.key === a.userId);
    const rowB = r.body.rows.find((x: { key: string }) => x.key === b.userId);
    assert.deepEqual(strip(rowA), expect(rows.filter((p) => p.owner_id === a.userId)));
    assert.deepEqual(strip(rowB), expect(rows.filter((p) => p.owner_id === b.userId)));
    // the scenario itself: 4 made by hand + the renegotiated one's successor
    assert.deepEqual([rowA.made, rowA.keptOnTime, rowA.keptLate, rowA.renegotiated, rowA.broken, rowA.open], [5, 1, 1, 1, 1, 1]);
    assert.ok(rowA.medianMarginMin > 40 && rowA.medianMarginMin < 46, String(rowA.medianMarginMin));
    assert.deepEqual([rowB.made, rowB.cancelled, rowB.open, rowB.keptOnTime], [3, 1, 1, 1]);

    const byGroup = await lead.get(`/api/v1/reports/promises?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(to)}&groupBy=group`);
    const rowG = byGroup.body.rows.find((x: { key: string }) => x.key === g);
    assert.equal(rowG.name, 'Промисы');
    assert.deepEqual(strip(rowG), expect(rows.filter((p) => p.ticket_id === ta.id)));
    const before = await lead.get(`/api/v1/reports/promises?from=${encodeURIComponent(new Date(start.getTime() - 3_600_000).toISOString())}&to=${encodeURIComponent(start.toISOString())}`);
    assert.equal(before.body.rows.find((x: { key: string }) => x.key === a.userId), undefined);
    assert.equal((await a.get('/api/v1/reports/promises')).status, 403);
  });

  test('portal: the customer sees the visible promises of own tickets only, as text, due time, state', async () => {
    const agent = await ctx.as('agent');
    const c1 = await ctx.asCustomer();
    const c2 = await ctx.asCustomer();
    const t1 = await agent.post('/api/v1/tickets', { subject: 'Счёт', requester: { id: c1.customerId }, message: { body: 'Где счёт?' } });
    const t2 = await agent.post('/api/v1/tickets', { subject: 'Доступ', requester: { id: c2.customerId }, message: { body: 'Нет доступа' } });
    const shown = await promise(agent, t1.body.id, { text: 'Пришлём счёт до пятницы', kind: 'info' });
    await promise(agent, t1.body.id, { text: 'Внутреннее: проверить у бухгалтерии', visibleToCustomer: false });
    await promise(agent, t2.body.id, { text: 'Чужое обещание' });
    const r = await c1.get(`/api/v1/portal/tickets/${t1.body.number}/promises`);
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body.items, [{ text: 'Пришлём счёт до пятницы', dueAt: shown.dueAt, state: 'open' }]);
    assert.equal((await c1.get(`/api/v1/portal/tickets/${t2.body.id}/promises`)).status, 404);
    assert.equal((await agent.get(`/api/v1/portal/tickets/${t1.body.id}/promises`)).status, 403);
    assert.equal((await c1.get(`/api/v1/tickets/${t1.body.id}/promises`)).status, 403);
  });

  test('reply path: the coach finds «Перезвоню вам завтра до 12:00», the reply records it with its message', async () => {
    const agent = await ctx.as('agent');
    const t = await makeTicket(agent);
    const draft = 'Здравствуйте! Перезвоню вам завтра до 12:00.';
    const c = await agent.post('/api/v1/coach', { ticket: t.number, text: draft });
    assert.equal(c.status, 200, c.raw);
    const found = c.body.promises.find((p: { due: string | null }) => p.due);
    assert.ok(found, JSON.stringify(c.body.promises));
    assert.ok(new Date(found.due).getTime() > Date.now());
    const m = await agent.post(`/api/v1/tickets/${t.number}/messages`, { body: draft, promises: [{ text: found.text, dueAt: found.due, kind: 'callback' }] });
    assert.equal(m.status, 201, m.raw);
    const rows = await ctx.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).execute();
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].message_id, rows[0].source, rows[0].owner_id, rows[0].kind, rows[0].state], [m.body.id, 'reply', agent.userId, 'callback', 'open']);
    assert.equal(new Date(rows[0].due_at).getTime(), new Date(found.due).getTime());
    const list = await agent.get(`/api/v1/tickets/${t.id}/promises`);
    assert.deepEqual([list.body.items[0].messageId, list.body.counts.open], [m.body.id, 1]);
  });

  test('"you promised": assignee and leads hear, linked to the open promise, else the last broken one; once per message', async () => {
    const agent = await ctx.as('agent');
    const lead = await ctx.as('lead');
    const other = await ctx.as('lead');
    const g = await group('Линия 1', [agent.userId, lead.userId]);
    const cust = await ctx.asCustomer();
    const t = (await agent.post('/api/v1/tickets', { subject: 'Звонок', requester: { id: cust.customerId }, message: { body: 'Позвоните мне' }, groupId: g, assigneeId: agent.userId })).body;
    const p1 = await promise(agent, t.id, { kind: 'callback' });
    await dueAgo(p1.id, 60);
    await sweep(new Date());
    const claims = () => ctx.deps.db.selectFrom('notifications').selectAll().where('ticket_id', '=', t.id).where('kind', '=', 'promise_claimed').orderBy('id').execute();
    const text = 'Звонила вам в понедельник, оператор пообещал перезвонить. Никто не перезвонил.';
    const r1 = await cust.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: text });
    assert.equal(r1.status, 201, r1.raw);
    const msg = await ctx.deps.db.selectFrom('messages').select('signals').where('ticket_id', '=', t.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.ok(msg.signals.includes('broken_promise'), JSON.stringify(msg.signals));
    let n = await claims();
    assert.deepEqual(n.map((x) => x.user_id).sort(), [agent.userId, lead.userId].sort(), 'the group lead, not every lead');
    assert.ok(!n.some((x) => x.user_id === other.userId));
    assert.ok(n.every((x) => (x.data as { promiseId: string }).promiseId === p1.id));
    const p2 = await promise(agent, t.id, { kind: 'callback', dueAt: inMin(30) });
    await cust.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: text });
    n = await claims();
    assert.equal(n.length, 4);
    assert.ok(n.slice(2).every((x) => (x.data as { promiseId: string }).promiseId === p2.id));
    // a broken promise on a group ticket: owner + that group's lead
    await dueAgo(p2.id, 1);
    await sweep(new Date());
    const b = await ctx.deps.db.selectFrom('notifications').select('user_id').where('kind', '=', 'promise_broken').where(sql`data->>'promiseId'`, '=', p2.id).execute();
    assert.deepEqual(b.map((x) => x.user_id).sort(), [agent.userId, lead.userId].sort());
    // no promise on record: the alert still comes, linked to nothing
    const t2 = (await agent.post('/api/v1/tickets', { subject: 'Без обещаний', requester: { id: cust.customerId }, message: { body: 'Здравствуйте' }, groupId: g, assigneeId: agent.userId })).body;
    await cust.post(`/api/v1/portal/tickets/${t2.id}/messages`, { body: text });
    const n2 = await ctx.deps.db.selectFrom('notifications').selectAll().where('ticket_id', '=', t2.id).where('kind', '=', 'promise_claimed').execute();
    assert.equal(n2.length, 2);
    assert.ok(n2.every((x) => (x.data as { promiseId: string | null }).promiseId === null));
  });

  test('sweeps are set-based and exactly once: 2,000 due alerts in one call, two sweepers at once', async () => {
    const agent = await ctx.as('agent');
    const t = await makeTicket(agent);
    const now = new Date(Date.now() + 10 * 24 * 60 * MIN);
    await sweep(now); // earlier tests' leftovers
    const due = new Date(now.getTime() + 30 * MIN);
    const plan = JSON.stringify([{ at: new Date(now.getTime() - MIN).toISOString(), level: 'remind', minutes: 31 }, { at: due.toISOString(), level: 'due', minutes: 0 }]);
    await sql`insert into promises (ticket_id, owner_id, created_by, text, due_at, alert_plan, next_alert_at)
      select ${t.id}, ${agent.userId}, ${agent.userId}, 'bulk ' || i, ${due}, ${plan}::jsonb, ${new Date(now.getTime() - MIN)}
      from generate_series(1, 2000) i`.execute(ctx.deps.db);
    const t0 = Date.now();
    assert.equal(await sweep(now, 5000), 2000);
    const ms = Date.now() - t0;
    assert.equal(await sweep(now, 5000), 0);
    const [{ n }] = (await sql<{ n: number }>`select count(*)::int as n from notifications where kind = 'promise_reminder' and user_id = ${agent.userId}`.execute(ctx.deps.db)).rows;
    assert.equal(n, 2000);
    // the due checks, by two sweepers racing: each promise breaks once, each notice once
    const later = new Date(due.getTime() + MIN);
    const [x, y] = await Promise.all([sweep(later, 5000), sweep(later, 5000)]);
    assert.equal(x + y, 2000, `${x} + ${y}`);
    const states = (await sql<{ state: string; n: number }>`select state, count(*)::int as n from promises where ticket_id = ${t.id} group by state`.execute(ctx.deps.db)).rows;
    assert.deepEqual(states, [{ state: 'broken', n: 2000 }]);
    const ev = (await sql<{ n: number }>`select count(*)::int as n from ticket_events where ticket_id = ${t.id} and kind = 'promise_broken'`.execute(ctx.deps.db)).rows[0];
    assert.equal(ev.n, 2000);
    const owner = (await sql<{ n: number }>`select count(*)::int as n from notifications where kind = 'promise_broken' and user_id = ${agent.userId}`.execute(ctx.deps.db)).rows[0];
    assert.equal(owner.n, 2000);
    console.log(`  2,000 reminders in one sweep: ${ms} ms`);
  });
  test('a broken promise raises the priority score and fires the broken_promise escalation rule', async () => {
    const agent = await ctx.as('agent');
    const t = await makeTicket(agent);
    const rule = await admin.post('/api/v1/escalation-rules', { name: 'Нарушено обещание', trigger: 'broken_promise', action: 'notify_lead' });
    assert.equal(rule.status, 201, rule.raw);
    const p = await promise(agent, t.id);
    await dueAgo(p.id, 2);
    assert.ok((await sweep(new Date())) >= 1);
    const row = await ctx.deps.db.selectFrom('tickets').select(['priority_parts', 'priority_score']).where('id', '=', t.id).executeTakeFirstOrThrow();
    const part = row.priority_parts.find((x) => x.code === 'promise_broken');
    assert.equal(part?.points, 15, JSON.stringify(row.priority_parts));
    const hits = await ctx.deps.db.selectFrom('escalation_rule_hits').selectAll().where('ticket_id', '=', t.id).execute();
    assert.deepEqual(hits.map((h) => h.rule_id), [rule.body.id]);
    const auto = await ctx.deps.db.selectFrom('notifications').select('user_id').where('ticket_id', '=', t.id).where('kind', '=', 'auto_escalation').execute();
    assert.ok(auto.length >= 1);
  });
});
