import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { sweepFollowUps, sweepSnoozes } from './escalation.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let member: Client & { userId: string };
let group: string;

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  member = await ctx.as('agent');
  const db = ctx.deps.db;
  group = (await db.insertInto('groups').values({ name: 'Сети', created_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  await db.insertInto('group_members').values([{ group_id: group, user_id: member.userId }]).execute();
});
after(() => ctx.close());

const row = (id: string) => ctx.deps.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const events = async (id: string, kind: string) =>
  ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', id).where('kind', '=', kind).orderBy('id').execute();
const notes = (id: string, kind: string) =>
  ctx.deps.db.selectFrom('notifications').select(['user_id', 'dedupe_key']).where('ticket_id', '=', id).where('kind', '=', kind).orderBy('user_id').execute();
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

describe('third party', () => {
  test('waiting on a third party sets the status, name and follow-up; clearing reopens', async () => {
    const t = await makeTicket(agent, { assigneeId: agent.userId });
    const url = `/api/v1/tickets/${t.id}/third-party`;
    assert.equal((await agent.put(url, { name: '' })).status, 400);
    const past = await agent.put(url, { name: 'Банк', followUpAt: inDays(-1).toISOString() });
    assert.equal(past.status, 422);
    assert.equal(past.body.errors[0].path, '/followUpAt');
    const follow = inDays(30);
    follow.setUTCMilliseconds(0);
    const r = await agent.put(url, { name: 'АО «Банк»', followUpAt: follow.toISOString() });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual([r.body.status, r.body.thirdPartyName, r.body.thirdPartyFollowUpAt], ['pending_third_party', 'АО «Банк»', follow.toISOString()]);
    let db = await row(t.id);
    assert.deepEqual([db.status, db.third_party_name, db.third_party_follow_up_at?.toISOString()], ['pending_third_party', 'АО «Банк»', follow.toISOString()]);
    assert.ok(db.version > t.version);
    const ev = await events(t.id, 'third_party_set');
    assert.equal(ev.length, 1);
    assert.deepEqual((ev[0].data as { changes: Record<string, unknown> }).changes.status, [t.status, 'pending_third_party']);
    // the same again changes nothing (no new event, same version)
    const v = db.version;
    assert.equal((await agent.put(url, { name: 'АО «Банк»', followUpAt: follow.toISOString() })).status, 200);
    assert.equal((await row(t.id)).version, v);
    assert.equal((await events(t.id, 'third_party_set')).length, 1);
    const c = await agent.del(url);
    assert.equal(c.status, 200);
    db = await row(t.id);
    assert.deepEqual([db.status, db.third_party_name, db.third_party_follow_up_at], ['open', null, null]);
    assert.equal((await events(t.id, 'third_party_cleared')).length, 1);
    const light = await ctx.as('light_agent');
    assert.equal((await light.put(url, { name: 'Банк' })).status, 403);
    assert.equal((await agent.put('/api/v1/tickets/999999/third-party', { name: 'Банк' })).status, 404);
  });

  test('follow-up sweep: due ones found on the index, the assignee (or group) told once, the follow-up cleared', async () => {
    const at = inDays(7);
    const mine = await makeTicket(agent, { assigneeId: agent.userId });
    const groups = await makeTicket(agent, { groupId: group });
    const later = await makeTicket(agent, { assigneeId: agent.userId });
    for (const [t, when] of [[mine, at], [groups, at], [later, inDays(9)]] as const) {
      assert.equal((await agent.put(`/api/v1/tickets/${t.id}/third-party`, { name: 'Вендор', followUpAt: when.toISOString() })).status, 200);
    }
    assert.equal(await sweepFollowUps(ctx.deps, ctx.deps.db, new Date(at.getTime() - 60_000), 100), 0, 'not yet due');
    const now = new Date(at.getTime() + 60_000);
    assert.equal(await sweepFollowUps(ctx.deps, ctx.deps.db, now, 1), 1, 'the limit holds');
    assert.equal(await sweepFollowUps(ctx.deps, ctx.deps.db, now, 100), 1);
    assert.equal(await sweepFollowUps(ctx.deps, ctx.deps.db, now, 100), 0, 'a re-run finds nothing');
    const iso = at.toISOString();
    assert.deepEqual((await notes(mine.id, 'follow_up_due')).map((n) => [n.user_id, n.dedupe_key]), [[agent.userId, `follow_up:${mine.id}:${iso}:${agent.userId}`]]);
    assert.deepEqual((await notes(groups.id, 'follow_up_due')).map((n) => n.user_id), [member.userId], 'unassigned: the group');
    assert.equal((await notes(later.id, 'follow_up_due')).length, 0);
    const m = await row(mine.id);
    assert.deepEqual([m.third_party_follow_up_at, m.third_party_name, m.status], [null, 'Вендор', 'pending_third_party'], 'still waiting on the vendor');
    assert.notEqual((await row(later.id)).third_party_follow_up_at, null);
    assert.equal((await events(mine.id, 'follow_up_due')).length, 1);
  });
});

describe('snooze', () => {
  test('snooze until a time, wake by hand', async () => {
    const t = await makeTicket(agent, { assigneeId: agent.userId });
    const url = `/api/v1/tickets/${t.id}/snooze`;
    const past = await agent.post(url, { until: inDays(-1).toISOString() });
    assert.equal(past.status, 422);
    assert.equal(past.body.errors[0].path, '/until');
    assert.equal((await agent.post(url, { until: 'tomorrow' })).status, 400);
    const until = inDays(2);
    until.setUTCMilliseconds(0);
    const r = await agent.post(url, { until: until.toISOString() });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.snoozedUntil, until.toISOString());
    const db = await row(t.id);
    assert.equal(db.snoozed_until?.toISOString(), until.toISOString());
    assert.ok(db.version > t.version);
    assert.equal((await events(t.id, 'snoozed')).length, 1);
    const w = await agent.del(url);
    assert.equal(w.status, 200);
    assert.equal(w.body.snoozedUntil, null);
    assert.equal((await row(t.id)).snoozed_until, null);
    assert.equal((await events(t.id, 'unsnoozed')).length, 1);
  });

  test('snooze sweep: wakes due tickets once and tells the assignee', async () => {
    const until = inDays(1);
    const a = await makeTicket(agent, { assigneeId: agent.userId });
    const b = await makeTicket(agent, { assigneeId: agent.userId });
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/snooze`, { until: until.toISOString() })).status, 200);
    assert.equal((await agent.post(`/api/v1/tickets/${b.id}/snooze`, { until: inDays(3).toISOString() })).status, 200);
    assert.equal(await sweepSnoozes(ctx.deps, ctx.deps.db, new Date(until.getTime() - 1), 100), 0);
    const now = new Date(until.getTime() + 1000);
    assert.equal(await sweepSnoozes(ctx.deps, ctx.deps.db, now, 100), 1);
    assert.equal(await sweepSnoozes(ctx.deps, ctx.deps.db, now, 100), 0);
    assert.equal((await row(a.id)).snoozed_until, null);
    assert.notEqual((await row(b.id)).snoozed_until, null);
    assert.deepEqual((await notes(a.id, 'snooze_ended')).map((n) => [n.user_id, n.dedupe_key]), [[agent.userId, `snooze:${a.id}:${until.toISOString()}:${agent.userId}`]]);
    assert.equal((await notes(b.id, 'snooze_ended')).length, 0);
    assert.equal((await events(a.id, 'snooze_ended')).length, 1);
  });
});
