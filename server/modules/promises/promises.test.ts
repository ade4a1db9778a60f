// Promise ledger lifecycle through HTTP, checked in the database: make, remind, break, keep
// (on time, late, automatically by a reply per kind), renegotiate, cancel, lists, badge.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { sweepPromiseAlerts } from './promises.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let lead: Client & { userId: string };
const MIN = 60_000;
const inMin = (m: number) => new Date(Date.now() + m * MIN).toISOString();
const sweep = (now: Date) => sweepPromiseAlerts(ctx.deps, ctx.deps.db, now, 1000);

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  lead = await ctx.as('lead');
});
after(() => ctx.close());

async function promise(c: Client, ticketRef: string, body: Record<string, unknown>) {
  const r = await c.post(`/api/v1/tickets/${ticketRef}/promises`, { text: 'Перезвоню вам', dueAt: inMin(120), kind: 'callback', ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body;
}
const row = (id: string) => ctx.deps.db.selectFrom('promises').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const events = (ticketId: string, kind: string) =>
  ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).where('kind', '=', kind).orderBy('id').execute();
const notes = (promiseId: string) =>
  ctx.deps.db.selectFrom('notifications').select(['user_id', 'kind', 'dedupe_key', 'data']).where(sql`data->>'promiseId'`, '=', promiseId).orderBy('id').execute();
/** Moves a promise's due time (and its plan) into the past: time passing without sleeping. */
const shiftDue = (id: string, minutesAgo: number) => ctx.deps.db.updateTable('promises')
  .set({ due_at: new Date(Date.now() - minutesAgo * MIN), alert_plan: '[]', next_alert_at: null }).where('id', '=', id).execute();

describe('promise ledger', () => {
  test('made -> reminded 60 and 15 min before -> broken at the due time; each alert once', async () => {
    const t = await makeTicket(agent);
    const p = await promise(agent, t.number, {});
    assert.equal(p.state, 'open');
    assert.equal(p.ownerId, agent.userId);
    const due = new Date(p.dueAt).getTime();
    assert.deepEqual(p.alerts.map((a: { level: string; minutes: number }) => `${a.level}:${a.minutes}`), ['remind:60', 'remind:15', 'due:0']);
    assert.equal(new Date(p.alerts[0].at).getTime(), due - 60 * MIN);
    assert.equal((await row(p.id)).next_alert_at?.getTime(), due - 60 * MIN);
    assert.equal((await events(t.id, 'promise_made')).length, 1);

    assert.equal(await sweep(new Date(due - 61 * MIN)), 0);
    assert.equal(await sweep(new Date(due - 59 * MIN)), 1);
    assert.equal(await sweep(new Date(due - 59 * MIN)), 0, 'a re-run fires nothing');
    let n = await notes(p.id);
    assert.deepEqual(n.map((x) => [x.user_id, x.kind, x.dedupe_key]), [[agent.userId, 'promise_reminder', `promise:${p.id}:remind:60:${agent.userId}`]]);
    assert.equal(await sweep(new Date(due - 10 * MIN)), 1);
    assert.equal((await row(p.id)).state, 'open');
    assert.equal(await sweep(new Date(due + MIN)), 1);
    assert.equal(await sweep(new Date(due + 2 * MIN)), 0);
    const r = await row(p.id);
    assert.equal(r.state, 'broken');
    assert.equal(r.resolved_at?.getTime(), due);
    assert.equal(r.next_alert_at, null);
    assert.deepEqual(r.alert_plan, []);
    n = await notes(p.id);
    assert.deepEqual(n.filter((x) => x.kind === 'promise_reminder').map((x) => (x.data as { minutes: number }).minutes), [60, 15]);
    // broken: the owner and the leads (no group: every active lead and admin)
    const brokenTo = n.filter((x) => x.kind === 'promise_broken').map((x) => x.user_id);
    assert.ok(brokenTo.includes(agent.userId) && brokenTo.includes(lead.userId), JSON.stringify(brokenTo));
    assert.equal(new Set(brokenTo).size, brokenTo.length);
    const ev = await events(t.id, 'promise_broken');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].actor_type, 'system');
    assert.equal((ev[0].data as { promiseId: string }).promiseId, p.id);
    // broken stays broken
    const k = await agent.post(`/api/v1/promises/${p.id}/keep`, {});
    assert.equal(k.status, 422);
    assert.equal(k.body.code, 'invalid_state');
    const rn = await agent.post(`/api/v1/promises/${p.id}/renegotiate`, { dueAt: inMin(300) });
    assert.equal(rn.body.code, 'invalid_state');
    const badge = await agent.get(`/api/v1/tickets/${t.number}/promises`);
    assert.deepEqual(badge.body.counts, { open: 0, broken: 1 });
  });

  test('only reminders still ahead are planned; a sweeper back after an outage fires only the latest alert', async () => {
    const t = await makeTicket(agent);
    const p = await promise(agent, t.id, { dueAt: inMin(30) });
    assert.deepEqual(p.alerts.map((a: { level: string; minutes: number }) => `${a.level}:${a.minutes}`), ['remind:15', 'due:0']);
    const due = new Date(p.dueAt).getTime();
    assert.equal(await sweep(new Date(due + 5 * MIN)), 1);
    const n = await notes(p.id);
    assert.deepEqual(n.filter((x) => x.user_id === agent.userId).map((x) => x.kind), ['promise_broken']);
  });

  test('kept on time records the margin; kept after the due time but before the sweep is kept late', async () => {
    const t = await makeTicket(agent);
    const p = await promise(agent, t.id, { dueAt: inMin(120) });
    const k = await agent.post(`/api/v1/promises/${p.id}/keep`, { note: 'Позвонил' });
    assert.equal(k.status, 200, k.raw);
    assert.equal(k.body.state, 'kept');
    assert.ok(k.body.marginMin >= 118 && k.body.marginMin <= 120, String(k.body.marginMin));
    const r = await row(p.id);
    assert.deepEqual([r.state, r.resolved_by, r.resolved_note, r.next_alert_at], ['kept', agent.userId, 'Позвонил', null]);
    const ev = await events(t.id, 'promise_kept');
    assert.deepEqual(ev.map((e) => (e.data as { marginMin: number }).marginMin), [r.margin_min]);
    assert.equal((await agent.post(`/api/v1/promises/${p.id}/keep`, {})).status, 422);

    const late = await promise(agent, t.id, {});
    await shiftDue(late.id, 30);
    const kl = await agent.post(`/api/v1/promises/${late.id}/keep`, {});
    assert.equal(kl.status, 200, kl.raw);
    assert.ok(kl.body.marginMin <= -30 && kl.body.marginMin >= -32, String(kl.body.marginMin));
    assert.equal((await agent.post('/api/v1/promises/999999/keep', {})).status, 404);
  });

  test('a public reply keeps open promises of the configured kinds (not callback), not notes, not the ones it makes', async () => {
    const t = await makeTicket(agent);
    const byKind: Record<string, string> = {};
    for (const kind of ['callback', 'update', 'fix', 'info', 'other']) byKind[kind] = (await promise(agent, t.id, { kind, text: `${kind} promise` })).id;
    const pastDue = (await promise(agent, t.id, { kind: 'update' })).id;
    await shiftDue(pastDue, 5);
    const note = await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Внутренняя заметка' });
    assert.equal(note.status, 201, note.raw);
    assert.equal((await row(byKind.update)).state, 'open');
    const reply = await agent.post(`/api/v1/tickets/${t.id}/messages`, {
      body: 'Пишу с новостями: работаем над вашим вопросом.', promises: [{ text: 'Новости завтра', dueAt: inMin(24 * 60), kind: 'update' }],
    });
    assert.equal(reply.status, 201, reply.raw);
    const states = Object.fromEntries(await Promise.all(Object.entries(byKind).map(async ([k, id]) => [k, (await row(id)).state])));
    assert.deepEqual(states, { callback: 'open', update: 'kept', fix: 'open', info: 'kept', other: 'open' });
    assert.equal((await row(pastDue)).state, 'open', 'a reply after the due time keeps nothing');
    const made = await ctx.deps.db.selectFrom('promises').selectAll().where('message_id', '=', reply.body.id).execute();
    assert.equal(made.length, 1);
    assert.deepEqual([made[0].state, made[0].source, made[0].owner_id], ['open', 'reply', agent.userId]);
    const auto = (await events(t.id, 'promise_kept')).map((e) => e.data as { promiseId: string; auto: boolean; messageId: string });
    assert.deepEqual(auto.map((d) => d.promiseId).sort(), [byKind.update, byKind.info].sort());
    assert.ok(auto.every((d) => d.auto && d.messageId === reply.body.id));
    assert.ok((await row(byKind.update)).margin_min! >= 118);
  });

  test('settings change the reminders and the kinds a reply keeps', async () => {
    const light = await ctx.as('light_agent');
    assert.equal((await light.put('/api/v1/settings/promises', { reminders: [30], autoKeepOnReply: { callback: true, update: true, fix: false, info: true, other: false } })).status, 403);
    const admin = await ctx.as('admin');
    const s = await admin.put('/api/v1/settings/promises', { reminders: [30, 240], autoKeepOnReply: { callback: true, update: false, fix: false, info: false, other: false } });
    assert.equal(s.status, 200, s.raw);
    try {
      const t = await makeTicket(agent);
      const cb = await promise(agent, t.id, { kind: 'callback', dueAt: inMin(120) });
      assert.deepEqual(cb.alerts.map((a: { minutes: number }) => a.minutes), [30, 0]);
      const up = await promise(agent, t.id, { kind: 'update' });
      await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Перезваниваю вам сейчас.' });
      assert.deepEqual([(await row(cb.id)).state, (await row(up.id)).state], ['kept', 'open']);
    } finally {
      await admin.put('/api/v1/settings/promises', { reminders: [60, 15], autoKeepOnReply: { callback: false, update: true, fix: false, info: true, other: false } });
    }
  });

  test('renegotiated before the due time: old one ends as renegotiated, the new one replaces it; refused after', async () => {
    const t = await makeTicket(agent);
    const p = await promise(agent, t.id, { kind: 'update', text: 'Ответ от разработчиков к вечеру' });
    const newDue = inMin(26 * 60);
    const r = await agent.post(`/api/v1/promises/${p.id}/renegotiate`, {
      dueAt: newDue, note: 'Нужно больше времени', reply: { body: 'Разработчикам нужно больше времени, вернёмся с ответом завтра.' },
    });
    assert.equal(r.status, 200, r.raw);
    const { previous, promise: next, messageId } = r.body;
    assert.deepEqual([previous.state, previous.replacedById], ['renegotiated', next.id]);
    assert.ok(previous.marginMin >= 118 && previous.marginMin <= 120);
    assert.deepEqual([next.state, next.renegotiatedFromId, next.messageId, next.kind, next.text], ['open', p.id, messageId, 'update', p.text]);
    assert.equal(new Date(next.dueAt).getTime(), new Date(newDue).getTime());
    assert.equal(next.alerts.length, 3);
    const msg = await ctx.deps.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow();
    assert.deepEqual([msg.ticket_id, msg.kind, msg.author_user_id], [t.id, 'reply', agent.userId]);
    assert.equal((await row(p.id)).next_alert_at, null);
    const ev = await events(t.id, 'promise_renegotiated');
    assert.deepEqual(ev.map((e) => (e.data as { newPromiseId: string }).newPromiseId), [next.id]);

    // without a notice; then past the due time (not yet swept): refused
    const q = await agent.post(`/api/v1/promises/${next.id}/renegotiate`, { dueAt: inMin(48 * 60) });
    assert.equal(q.status, 200, q.raw);
    assert.equal(q.body.messageId, null);
    assert.equal(q.body.promise.source, 'manual');
    await shiftDue(q.body.promise.id, 1);
    const late = await agent.post(`/api/v1/promises/${q.body.promise.id}/renegotiate`, { dueAt: inMin(60) });
    assert.equal(late.status, 422);
    assert.equal(late.body.code, 'invalid_state');
    const past = await agent.post(`/api/v1/promises/${q.body.promise.id}/renegotiate`, { dueAt: new Date(Date.now() - MIN).toISOString() });
    assert.equal(past.status, 422);
  });

  test('cancel needs a note and ends the promise without alerts', async () => {
    const t = await makeTicket(agent);
    const p = await promise(agent, t.id, {});
    assert.equal((await agent.post(`/api/v1/promises/${p.id}/cancel`, {})).status, 400);
    const c = await agent.post(`/api/v1/promises/${p.id}/cancel`, { note: 'Клиент попросил не звонить' });
    assert.equal(c.status, 200, c.raw);
    const r = await row(p.id);
    assert.deepEqual([r.state, r.resolved_note, r.next_alert_at], ['cancelled', 'Клиент попросил не звонить', null]);
    assert.equal((await events(t.id, 'promise_cancelled')).length, 1);
    assert.equal(await sweep(new Date(Date.now() + 200 * MIN)) >= 0, true);
    assert.equal((await notes(p.id)).length, 0);
  });

  test('making a promise: due in the future, owner an active agent', async () => {
    const t = await makeTicket(agent);
    const past = await agent.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Вчера', dueAt: new Date(Date.now() - MIN).toISOString() });
    assert.deepEqual([past.status, past.body.code], [422, 'due_in_past']);
    const light = await ctx.createUser('light_agent');
    const bad = await agent.post(`/api/v1/tickets/${t.id}/promises`, { text: 'X', dueAt: inMin(60), ownerId: light.id });
    assert.equal(bad.status, 400);
    const ok = await agent.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Лид перезвонит', dueAt: inMin(60), ownerId: lead.userId, visibleToCustomer: false });
    assert.equal(ok.status, 201, ok.raw);
    assert.deepEqual([ok.body.ownerId, ok.body.createdBy, ok.body.visibleToCustomer, ok.body.source], [lead.userId, agent.userId, false, 'manual']);
    const reply = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Ответ', promises: [{ text: 'Вчера', dueAt: new Date(Date.now() - MIN).toISOString() }] });
    assert.equal(reply.status, 422, 'a reply with a past promise is not sent');
    assert.equal((await agent.post('/api/v1/tickets/SL-999999/promises', { text: 'X', dueAt: inMin(60) })).status, 404);
  });

  test('GET /promises: mine, open, due before, by due time with keyset pages', async () => {
    const me = await ctx.as('agent');
    const t = await makeTicket(me);
    const made: string[] = [];
    for (const m of [300, 100, 200, 400, 500]) made.push((await promise(me, t.id, { dueAt: inMin(m), text: `через ${m}` })).id);
    await me.post(`/api/v1/promises/${made[0]}/cancel`, { note: 'не нужно' });
    const seen: { id: string; dueAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const r = await me.get(`/api/v1/promises?owner=me&state=open&dueBefore=${encodeURIComponent(inMin(450))}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.raw);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen.map((p) => p.id), [made[1], made[2], made[3]]);
    const other = await agent.get(`/api/v1/promises?owner=${me.userId}`);
    assert.equal(other.body.items.length, 5);
    assert.equal((await agent.get('/api/v1/promises?cursor=abc')).status, 400);
  });
});
