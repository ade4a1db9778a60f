// SLA clocks through the API: matching, first/next response, pauses, reopen, re-match.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';
import { alwaysOpen, customer, MIN, near, patch, policy, reply, sla, ticket, waitedAlready } from './sla.fixtures.ts';
import { sweepSlaAlerts } from './sla.service.ts';

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

describe('SLA clocks', () => {
  test('the first active policy in position order whose conditions hold: stage, VIP, priority, tags', async () => {
    const tags = ['match'];
    const vip = await policy(admin, { conditions: { tags, vip: true }, targets: { firstResponseMin: 30 }, calendarId: cal });
    const trial = await policy(admin, { conditions: { tags, stages: ['trial'] }, targets: { firstResponseMin: 60 }, calendarId: cal });
    const urgent = await policy(admin, { conditions: { tags, priorities: ['urgent'] }, targets: { firstResponseMin: 90 }, calendarId: cal });
    const off = await policy(admin, { conditions: { tags: ['match', 'other'] }, active: false, targets: { firstResponseMin: 5 }, calendarId: cal });
    const any = await policy(admin, { conditions: { tags: ['zzz', 'match'] }, targets: { firstResponseMin: 120 }, calendarId: cal });
    const cases: [string, Record<string, unknown>, string | null, number | null][] = [
      ['vip stage', { requester: { id: await customer(ctx, 'vip') }, tags }, vip, 30],
      ['vip organization', { requester: { id: await customer(ctx, 'active', true) }, tags }, vip, 30],
      ['trial (also urgent: position wins)', { requester: { id: await customer(ctx, 'trial', false) }, tags, priority: 'urgent' }, trial, 60],
      ['urgent', { requester: { id: await customer(ctx, 'active') }, tags, priority: 'urgent' }, urgent, 90],
      ['tags: any of', { requester: { id: await customer(ctx, 'new') }, tags: ['x', 'match'] }, any, 120],
      ['no tag: no policy', { requester: { id: await customer(ctx, 'vip') } }, null, null],
    ];
    for (const [name, body, want, minutes] of cases) {
      const t = await ticket(agent, body);
      const s = await sla(ctx, t.id);
      assert.equal(s.policy_id, want, name);
      assert.notEqual(s.policy_id, off, name);
      if (minutes === null) assert.equal(s.first_response_due_at, null, name);
      else near(s.first_response_due_at, new Date(t.createdAt.getTime() + minutes * MIN), 5, name);
    }
  });

  test('first response: met by an agent reply; breached by the sweeper when nobody answers', async () => {
    const tags = ['first'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 30, resolutionMin: 600 }, warnPercents: [], calendarId: cal });
    const answered = await ticket(agent, { tags });
    const silent = await ticket(agent, { tags });
    const s0 = await sla(ctx, answered.id);
    assert.deepEqual(s0.alert_plan.map((a) => [a.metric, a.level]), [['first_response', 100], ['resolution', 100]]);
    near(s0.next_alert_at, new Date(answered.createdAt.getTime() + 30 * MIN));
    await reply(agent, answered.id);
    const s1 = await sla(ctx, answered.id);
    assert.ok(s1.first_response_met_at);
    assert.deepEqual(s1.alert_plan.map((a) => a.metric), ['resolution'], 'no first-response alert once met');

    const fired = await sweepSlaAlerts(ctx.deps, ctx.deps.db, new Date(silent.createdAt.getTime() + 31 * MIN), 1000);
    assert.ok(fired >= 1);
    const s2 = await sla(ctx, silent.id);
    near(s2.first_response_breached_at, new Date(silent.createdAt.getTime() + 30 * MIN));
    assert.equal(s2.first_response_met_at, null);
    assert.equal((await sla(ctx, answered.id)).first_response_breached_at, null);
    const ev = await ctx.deps.db.selectFrom('ticket_events').select(['kind', 'data']).where('ticket_id', '=', silent.id).where('kind', '=', 'sla_breached').execute();
    assert.deepEqual(ev.map((e) => e.data.metric), ['first_response']);
    // unassigned, no group: the breach goes to every active lead and admin
    const n = await ctx.deps.db.selectFrom('notifications').select(['user_id', 'kind', 'dedupe_key']).where('ticket_id', '=', silent.id).execute();
    assert.ok(n.some((x) => x.user_id === admin.userId && x.kind === 'sla_breach'), JSON.stringify(n));
    assert.ok(n.every((x) => x.dedupe_key.startsWith(`sla:${silent.id}:first_response:100:`)));
    // a late reply meets it, the breach stays
    await reply(agent, silent.id);
    const s3 = await sla(ctx, silent.id);
    assert.ok(s3.first_response_met_at && s3.first_response_breached_at);
  });

  test('next response: a customer message after the first reply starts it, the next reply meets it', async () => {
    const tags = ['next'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 60, nextResponseMin: 20 }, warnPercents: [], calendarId: cal });
    const cust = await ctx.asCustomer();
    const t = await ticket(agent, { tags, requester: { id: cust.customerId } });
    const write = async () => {
      const r = await cust.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'Всё ещё не работает.' });
      assert.equal(r.status, 201, r.raw);
      return new Date(r.body.createdAt);
    };
    await write(); // before any reply: first response still running, no next-response clock
    assert.equal((await sla(ctx, t.id)).next_response_due_at, null);
    await reply(agent, t.id);
    const at = await write();
    const s1 = await sla(ctx, t.id);
    near(s1.next_response_started_at, at);
    near(s1.next_response_due_at, new Date(at.getTime() + 20 * MIN));
    await sweepSlaAlerts(ctx.deps, ctx.deps.db, new Date(at.getTime() + 21 * MIN), 1000);
    const s2 = await sla(ctx, t.id);
    assert.equal(s2.next_response_breaches, 1);
    assert.equal(s2.next_alert_at, null, 'a breached metric gets no more alerts');
    await reply(agent, t.id); // late: not counted as met
    await write();
    await reply(agent, t.id); // in time
    const s3 = await sla(ctx, t.id);
    assert.deepEqual([s3.next_response_met, s3.next_response_breaches, s3.next_response_due_at, s3.next_response_started_at], [1, 1, null, null]);
  });

  test('pending_customer pauses when the policy says so: minutes left kept, wait counted', async () => {
    const tags = ['pause-c'];
    await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 60, resolutionMin: 600 }, calendarId: cal });
    const t = await ticket(agent, { tags });
    await patch(agent, t.id, { status: 'pending_customer' });
    const p = await sla(ctx, t.id);
    assert.equal(p.paused_status, 'pending_customer');
    assert.equal(p.first_response_due_at, null);
    assert.equal(p.resolution_due_at, null);
    assert.deepEqual(p.alert_plan, []);
    assert.equal(p.next_alert_at, null);
    assert.ok(p.left_min.resolution! > 599 && p.left_min.resolution! <= 600, JSON.stringify(p.left_min));
    await waitedAlready(ctx, t.id, 120);
    await patch(agent, t.id, { status: 'open' });
    const r = await sla(ctx, t.id);
    assert.equal(r.customer_wait_min, 120);
    assert.equal(r.third_party_wait_min, 0);
    assert.deepEqual([r.paused_at, r.paused_status, r.left_min], [null, null, {}]);
    near(r.resolution_due_at, new Date(r.updated_at.getTime() + p.left_min.resolution! * MIN), 2, 'resumes with what was left');
    near(r.first_response_due_at, new Date(r.updated_at.getTime() + p.left_min.first_response! * MIN), 2);
    const api = await agent.get(`/api/v1/tickets/${t.id}/sla`);
    assert.equal(api.status, 200, api.raw);
    assert.equal(api.body.waits.customerMin, 120);
    assert.equal(api.body.resolution.running, true);
  });

  test('pending_customer without the pause flag: clocks run on, the wait is still counted', async () => {
    const tags = ['pause-c-off'];
    await policy(admin, { conditions: { tags }, targets: { resolutionMin: 600 }, pause: { pendingCustomer: false }, calendarId: cal });
    const t = await ticket(agent, { tags });
    const due = (await sla(ctx, t.id)).resolution_due_at;
    await patch(agent, t.id, { status: 'pending_customer' });
    const p = await sla(ctx, t.id);
    assert.deepEqual([p.paused_status, p.resolution_due_at, p.left_min], ['pending_customer', due, {}]);
    assert.equal(p.alert_plan.at(-1)?.level, 100, 'alerts still planned');
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}/sla`)).body.paused, false);
    await waitedAlready(ctx, t.id, 45);
    await patch(agent, t.id, { status: 'open' });
    const r = await sla(ctx, t.id);
    assert.deepEqual([r.customer_wait_min, r.resolution_due_at], [45, due]);
  });

  test('pending_third_party is counted apart (paused or not); on_hold pauses only with its flag', async () => {
    const tags = ['vendor'];
    await policy(admin, { conditions: { tags }, targets: { resolutionMin: 600 }, pause: { onHold: true }, calendarId: cal });
    const t = await ticket(agent, { tags });
    await patch(agent, t.id, { status: 'pending_customer' });
    await waitedAlready(ctx, t.id, 30);
    await patch(agent, t.id, { status: 'pending_third_party' });
    const v = await sla(ctx, t.id);
    assert.deepEqual([v.customer_wait_min, v.paused_status, v.resolution_due_at], [30, 'pending_third_party', null]);
    await waitedAlready(ctx, t.id, 200);
    await patch(agent, t.id, { status: 'on_hold' });
    const h = await sla(ctx, t.id);
    assert.deepEqual([h.customer_wait_min, h.third_party_wait_min, h.paused_status, h.resolution_due_at], [30, 200, 'on_hold', null]);
    assert.ok(h.left_min.resolution! > 599);
    await waitedAlready(ctx, t.id, 50);
    await patch(agent, t.id, { status: 'open' });
    const o = await sla(ctx, t.id);
    assert.deepEqual([o.customer_wait_min, o.third_party_wait_min], [30, 200], 'on hold is neither wait');
    near(o.resolution_due_at, new Date(o.updated_at.getTime() + h.left_min.resolution! * MIN), 2);

    // a policy that does not pause for the vendor still shows the vendor's time
    const tags2 = ['vendor-run'];
    await policy(admin, { conditions: { tags: tags2 }, targets: { resolutionMin: 600 }, pause: { pendingThirdParty: false }, calendarId: cal });
    const u = await ticket(agent, { tags: tags2 });
    const due = (await sla(ctx, u.id)).resolution_due_at;
    await patch(agent, u.id, { status: 'on_hold' }); // on_hold: no pause by default
    assert.deepEqual((await sla(ctx, u.id)).resolution_due_at, due);
    await patch(agent, u.id, { status: 'pending_third_party' });
    await waitedAlready(ctx, u.id, 90);
    await patch(agent, u.id, { status: 'open' });
    const w = await sla(ctx, u.id);
    assert.deepEqual([w.third_party_wait_min, w.resolution_due_at], [90, due]);
  });

  test('solving meets the resolution; reopening resumes it with what was left', async () => {
    const tags = ['reopen'];
    await policy(admin, { conditions: { tags }, targets: { resolutionMin: 480 }, calendarId: cal });
    const t = await ticket(agent, { tags });
    await patch(agent, t.id, { status: 'solved' });
    const s = await sla(ctx, t.id);
    assert.ok(s.resolution_met_at);
    assert.equal(s.resolution_due_at, null);
    assert.deepEqual(s.alert_plan, []);
    const kept = s.left_min.resolution!;
    assert.ok(kept > 479 && kept <= 480);
    await patch(agent, t.id, { status: 'open' });
    const r = await sla(ctx, t.id);
    assert.equal(r.resolution_met_at, null);
    near(r.resolution_due_at, new Date(r.updated_at.getTime() + kept * MIN), 2);
    assert.equal(r.alert_plan.at(-1)?.metric, 'resolution');
    await patch(agent, t.id, { status: 'closed' });
    assert.ok((await sla(ctx, t.id)).resolution_met_at);
  });

  test('a priority change re-matches: the new targets count from the original start', async () => {
    const tags = ['rematch'];
    const fast = await policy(admin, { conditions: { tags, priorities: ['urgent'] }, targets: { firstResponseMin: 30, resolutionMin: 240 }, calendarId: cal });
    const base = await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 120, resolutionMin: 960 }, calendarId: cal });
    const t = await ticket(agent, { tags });
    const s0 = await sla(ctx, t.id);
    assert.equal(s0.policy_id, base);
    near(s0.first_response_due_at, new Date(t.createdAt.getTime() + 120 * MIN));
    await patch(agent, t.id, { priority: 'urgent' });
    const s1 = await sla(ctx, t.id);
    assert.equal(s1.policy_id, fast);
    near(s1.first_response_due_at, new Date(t.createdAt.getTime() + 30 * MIN), 5);
    near(s1.resolution_due_at, new Date(t.createdAt.getTime() + 240 * MIN), 5);
    await patch(agent, t.id, { tags: ['other'] }); // no policy matches any more: no clocks
    const s2 = await sla(ctx, t.id);
    assert.deepEqual([s2.policy_id, s2.first_response_due_at, s2.resolution_due_at, s2.alert_plan], [null, null, null, []]);
  });

  test('a group or requester change re-matches too; a policy without a calendar follows the ticket\'s calendar', async () => {
    const tags = ['rematch-2'];
    const db = ctx.deps.db;
    const g = await db.insertInto('groups').values({ name: 'Вторая линия', calendar_id: cal }).returning('id').executeTakeFirstOrThrow();
    const vip = await policy(admin, { conditions: { tags, vip: true }, targets: { firstResponseMin: 10 }, calendarId: cal });
    const second = await policy(admin, { conditions: { tags, groupIds: [g.id] }, targets: { firstResponseMin: 45 } });
    const base = await policy(admin, { conditions: { tags }, targets: { firstResponseMin: 300 }, calendarId: cal });
    const t = await ticket(agent, { tags, requester: { id: await customer(ctx, 'active') } });
    assert.equal((await sla(ctx, t.id)).policy_id, base);
    await patch(agent, t.id, { groupId: g.id });
    const s1 = await sla(ctx, t.id);
    assert.deepEqual([s1.policy_id, s1.calendar_id], [second, cal], 'the group\'s calendar');
    near(s1.first_response_due_at, new Date(t.createdAt.getTime() + 45 * MIN), 5);
    await patch(agent, t.id, { requesterId: await customer(ctx, 'vip') });
    const s2 = await sla(ctx, t.id);
    assert.equal(s2.policy_id, vip);
    near(s2.first_response_due_at, new Date(t.createdAt.getTime() + 10 * MIN), 5);
  });
});
