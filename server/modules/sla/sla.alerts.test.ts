// SLA alerts (warnings and breaches by the sweeper), business calendars, the report, the policy API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';
import { onTicketEvent, sweepSlaAlerts } from './sla.service.ts';
import { alwaysOpen, MIN, near, patch, policy, reply, sla, ticket, waitedAlready } from './sla.fixtures.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let cal: string;

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
  cal = await alwaysOpen(ctx);
});
after(() => ctx.close());

const sweep = (at: Date) => sweepSlaAlerts(ctx.deps, ctx.deps.db, at, 10_000);
const notes = (ticketId: string) => ctx.deps.db.selectFrom('notifications').select(['id', 'user_id', 'kind', 'data', 'dedupe_key'])
  .where('ticket_id', '=', ticketId).orderBy('id').execute();

async function group(members: string[]): Promise<string> {
  const g = await ctx.deps.db.insertInto('groups').values({ name: `Группа ${Math.random()}` }).returning('id').executeTakeFirstOrThrow();
  if (members.length) await ctx.deps.db.insertInto('group_members').values(members.map((user_id) => ({ group_id: g.id, user_id }))).execute();
  return g.id;
}

describe('SLA alerts', () => {
  test('warnings at 75 and 90 percent, then the breach: in order, each once, to the right people', async () => {
    const tags = ['warn'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 100 }, calendarId: cal });
    const lead = await ctx.createUser('lead');
    const member = await ctx.createUser('agent');
    const g = await group([lead.id, member.id]);
    const t = await ticket(agent, { tags, groupId: g, assigneeId: agent.userId });
    const at = (m: number) => new Date(t.createdAt.getTime() + m * MIN);
    const plan = (await sla(ctx, t.id)).alert_plan;
    assert.deepEqual(plan.map((a) => [a.level, a.at]), [[75, at(75).toISOString()], [90, at(90).toISOString()], [100, at(100).toISOString()]]);

    assert.equal(await sweep(at(74)), 0);
    assert.ok((await sweep(at(80))) >= 1);
    assert.equal(await sweep(at(80)), 0, 'a second run fires nothing');
    let n = await notes(t.id);
    assert.deepEqual(n.map((x) => [x.user_id, x.kind, x.data.level]), [[agent.userId, 'sla_warning', 75]], 'a warning goes to the assignee');
    assert.equal(n[0].dedupe_key, `sla:${t.id}:first_response:75:${at(100).toISOString()}:${agent.userId}`);
    await sweep(at(95));
    await sweep(at(95));
    await sweep(at(101));
    assert.equal(await sweep(at(500)), 0);
    n = await notes(t.id);
    assert.deepEqual(n.filter((x) => x.kind === 'sla_warning').map((x) => x.data.level), [75, 90]);
    const breach = n.filter((x) => x.kind === 'sla_breach').map((x) => x.user_id).sort();
    assert.deepEqual(breach, [agent.userId, lead.id, member.id].sort(), 'a breach: assignee, group, its lead (not every admin)');
    const s = await sla(ctx, t.id);
    near(s.first_response_breached_at, at(100));
    assert.deepEqual([s.alert_plan, s.next_alert_at], [[], null]);
  });

  test('a sweep long after fires every past alert in order; unassigned warnings go to the group', async () => {
    const tags = ['late-sweep'];
    await policy(admin, { conditions: { tags }, targets: { resolutionMin: 60 }, calendarId: cal });
    const member = await ctx.createUser('agent');
    const t = await ticket(agent, { tags, groupId: await group([member.id]) });
    assert.ok((await sweep(new Date(t.createdAt.getTime() + 600 * MIN))) >= 3);
    const n = await notes(t.id);
    assert.deepEqual(n.filter((x) => x.user_id === member.id).map((x) => [x.kind, x.data.level]), [['sla_warning', 75], ['sla_warning', 90], ['sla_breach', 100]]);
    const ev = await ctx.deps.db.selectFrom('ticket_events').select('data').where('ticket_id', '=', t.id).where('kind', '=', 'sla_breached').execute();
    assert.equal(ev.length, 1);
    assert.equal(ev[0].data.metric, 'resolution');
  });

  test('two sweepers at once fire each alert once', async () => {
    const tags = ['two-sweepers'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 10 }, warnPercents: [], calendarId: cal });
    const ts = [];
    for (let i = 0; i < 6; i++) ts.push(await ticket(agent, { tags, assigneeId: agent.userId }));
    const at = new Date(ts.at(-1)!.createdAt.getTime() + 11 * MIN);
    await Promise.all([sweep(at), sweep(at)]);
    const n = await ctx.deps.db.selectFrom('notifications').select('ticket_id').where('ticket_id', 'in', ts.map((t) => t.id)).where('user_id', '=', agent.userId).execute();
    assert.equal(n.length, 6);
    const ev = await ctx.deps.db.selectFrom('ticket_events').select('ticket_id').where('ticket_id', 'in', ts.map((t) => t.id)).where('kind', '=', 'sla_breached').execute();
    assert.equal(ev.length, 6, 'one breach event per ticket');
  });

  test('a warning that came due but was not swept yet survives a replan', async () => {
    const tags = ['replan'];
    await policy(admin, { conditions: { tags }, targets: { resolutionMin: 100 }, warnPercents: [50], calendarId: cal });
    const t = await ticket(agent, { tags });
    // as if 60 minutes had passed: due 40 minutes from now, the 50 % warning 10 minutes ago
    const due = new Date(Date.now() + 40 * MIN);
    await ctx.deps.db.updateTable('ticket_sla').set({
      resolution_due_at: due, next_alert_at: new Date(Date.now() - 10 * MIN),
      alert_plan: JSON.stringify([{ at: new Date(Date.now() - 10 * MIN).toISOString(), metric: 'resolution', level: 50 }, { at: due.toISOString(), metric: 'resolution', level: 100 }]),
    }).where('ticket_id', '=', t.id).execute();
    await patch(agent, t.id, { priority: 'high' }); // a re-match to the same policy: replans
    const s = await sla(ctx, t.id);
    assert.deepEqual(s.alert_plan.map((a) => a.level), [50, 100]);
    await sweep(new Date());
    assert.deepEqual((await notes(t.id)).map((x) => x.data.level), []); // unassigned, no group: warnings reach nobody
    assert.deepEqual((await sla(ctx, t.id)).alert_plan.map((a) => a.level), [100]);
  });

  test('due times skip the weekend and holidays of the policy calendar', async () => {
    // Mon-Fri 09:00-18:00 UTC; every day from today to the Monday after the next Saturday is a holiday
    const db = ctx.deps.db;
    const c = await db.insertInto('calendars').values({
      name: 'Будни UTC', time_zone: 'UTC', always_open: false,
      week: JSON.stringify([[[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [], []]),
    }).returning('id').executeTakeFirstOrThrow();
    const day = (d: Date, plus: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + plus));
    const today = day(new Date(), 0);
    let sat = day(today, 2);
    while (sat.getUTCDay() !== 6) sat = day(sat, 1);
    const holidays = [];
    for (let d = today; d <= day(sat, 2); d = day(d, 1)) holidays.push({ calendar_id: c.id, day: d.toISOString().slice(0, 10), kind: 'holiday' as const, name: 'Праздник' });
    await db.insertInto('calendar_days').values(holidays).execute();
    const tags = ['calendar'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 30, resolutionMin: 600 }, calendarId: c.id });
    const t = await ticket(agent, { tags });
    const tuesday = day(sat, 3);
    const s = await sla(ctx, t.id);
    near(s.first_response_due_at, new Date(tuesday.getTime() + (9 * 60 + 30) * MIN), 0);
    near(s.resolution_due_at, new Date(day(tuesday, 1).getTime() + 10 * 60 * MIN), 0, '9 h on Tuesday, 1 h on Wednesday');
    const api = await agent.get(`/api/v1/tickets/${t.number}/sla`);
    assert.equal(api.status, 200, api.raw);
    assert.deepEqual([api.body.calendar.name, api.body.firstResponse.targetMin, api.body.firstResponse.businessMinutesLeft], ['Будни UTC', 30, 30]);
    assert.equal(api.body.firstResponse.dueAt, s.first_response_due_at!.toISOString());
  });

  test('the report: met, breached, running, breach rate and waiting times of one group', async () => {
    const tags = ['report'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 60, resolutionMin: 600 }, warnPercents: [], calendarId: cal });
    const g = await group([]);
    const from = new Date(Date.now() - 1000);
    const [a, b, c] = [await ticket(agent, { tags, groupId: g }), await ticket(agent, { tags, groupId: g }), await ticket(agent, { tags, groupId: g })];
    await ticket(agent, { tags }); // another group: not counted
    await reply(agent, a.id);
    await patch(agent, a.id, { status: 'pending_customer' });
    await waitedAlready(ctx, a.id, 40);
    await patch(agent, a.id, { status: 'pending_third_party' });
    await waitedAlready(ctx, a.id, 100);
    await patch(agent, a.id, { status: 'solved' });
    await sweep(new Date(c.createdAt.getTime() + 61 * MIN)); // b and c: first response breached
    await reply(agent, b.id);
    const to = new Date(Date.now() + 1000);
    const r = await lead().then((l) => l.get(`/api/v1/reports/sla?from=${from.toISOString()}&to=${to.toISOString()}&groupId=${g}`));
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.tickets, 3);
    assert.deepEqual(r.body.firstResponse, { met: 1, breached: 2, running: 0, breachRate: 2 / 3 });
    assert.deepEqual(r.body.resolution, { met: 1, breached: 0, running: 2, breachRate: 0 });
    assert.deepEqual(r.body.waits, { customerMinTotal: 40, customerMinAvg: 13.3, thirdPartyMinTotal: 100, thirdPartyMinAvg: 33.3 });
    const bad = await admin.get(`/api/v1/reports/sla?from=${to.toISOString()}&to=${from.toISOString()}`);
    assert.equal(bad.status, 400);
  });
});

const lead = () => ctx.as('lead');

describe('SLA policies API', () => {
  test('validated, ordered by position, changed without rewriting running tickets, deleted softly', async () => {
    const bad = [
      { name: 'x', targets: {} },
      { name: 'x', targets: { firstResponseMin: 0 } },
      { name: 'x', targets: { firstResponseMin: 10 }, conditions: { color: ['red'] } },
      { name: 'x', targets: { firstResponseMin: 10 }, conditions: { stages: ['king'] } },
      { name: 'x', targets: { firstResponseMin: 10 }, warnPercents: [100] },
    ];
    for (const body of bad) assert.equal((await admin.post('/api/v1/sla-policies', body)).status, 400, JSON.stringify(body));
    assert.equal((await admin.post('/api/v1/sla-policies', { name: 'x', targets: { firstResponseMin: 10 }, calendarId: '999999' })).status, 400);

    const tags = ['api'];
    const slow = await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 240 }, position: 500, calendarId: cal });
    const quick = await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 15 }, position: 501, calendarId: cal, pause: { onHold: true } });
    const got = await agent.get(`/api/v1/sla-policies/${quick}`);
    assert.deepEqual([got.body.pause, got.body.warnPercents, got.body.targets], [
      { pendingCustomer: true, pendingThirdParty: true, onHold: true }, [75, 90], { firstResponseMin: 15, nextResponseMin: null, resolutionMin: null },
    ]);
    const t1 = await ticket(agent, { tags });
    assert.equal((await sla(ctx, t1.id)).policy_id, slow);
    const moved = await admin.patch(`/api/v1/sla-policies/${quick}`, { position: 499 });
    assert.equal(moved.status, 200, moved.raw);
    const ids = (await agent.get('/api/v1/sla-policies')).body.items.map((p: { id: string }) => p.id);
    assert.ok(ids.indexOf(quick) < ids.indexOf(slow));
    const t2 = await ticket(agent, { tags });
    assert.equal((await sla(ctx, t2.id)).policy_id, quick);
    const before = (await sla(ctx, t1.id)).first_response_due_at;
    assert.equal((await admin.patch(`/api/v1/sla-policies/${slow}`, { targets: { firstResponseMin: 5 } })).status, 200);
    assert.deepEqual((await sla(ctx, t1.id)).first_response_due_at, before, 'running tickets keep their due times');
    assert.equal((await admin.patch(`/api/v1/sla-policies/${slow}`, { targets: { firstResponseMin: null } })).status, 400, 'no target left');

    assert.equal((await admin.del(`/api/v1/sla-policies/${quick}`)).status, 200);
    assert.equal((await agent.get(`/api/v1/sla-policies/${quick}`)).status, 404);
    assert.equal((await sla(ctx, t2.id)).policy_id, quick, 'a ticket keeps its deleted policy');
    const view = await agent.get(`/api/v1/tickets/${t2.id}/sla`);
    assert.deepEqual(view.body.policy, { id: quick, name: got.body.name, deleted: true });
    assert.equal((await sla(ctx, (await ticket(agent, { tags })).id)).policy_id, slow, 'a deleted policy never matches');
  });

  test('a calendar without open hours does not stop tickets: the row is there, without clocks', async () => {
    const c = await ctx.deps.db.insertInto('calendars').values({ name: 'Никогда', time_zone: 'UTC', week: JSON.stringify([[], [], [], [], [], [], []]) })
      .returning('id').executeTakeFirstOrThrow();
    const p = await policy(admin, { conditions: { tags: ['never'] }, targets: { resolutionMin: 60 }, calendarId: c.id });
    const t = await ticket(agent, { tags: ['never'] });
    const s = await sla(ctx, t.id);
    assert.deepEqual([s.policy_id, s.resolution_due_at, s.next_alert_at], [p, null, null]);
    await patch(agent, t.id, { priority: 'urgent', status: 'open' }); // a re-match: replans in that calendar
    const after = await sla(ctx, t.id);
    assert.deepEqual([after.policy_id, after.resolution_due_at, after.next_alert_at], [p, null, null]);
  });

  test("the 'created' hook is idempotent", async () => {
    const t = await ticket(agent, { tags: ['api'] });
    const a = await sla(ctx, t.id);
    await onTicketEvent(ctx.deps, ctx.deps.db, { kind: 'created', ticketId: t.id, at: new Date(), status: 'open', byCustomer: true, signals: [] });
    assert.deepEqual(await sla(ctx, t.id), a);
  });
});
