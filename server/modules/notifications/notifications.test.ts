// The notifications API: own only, newest first with keyset pages, unread filter and count,
// mark read (someone else's is 404), read-all, preferences that decide whether a mail is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NOTIFICATION_KINDS } from '../../../api/notifications.ts';
import { makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { notify, type Notice } from './notify.ts';

let ctx: TestCtx;
let me: Awaited<ReturnType<TestCtx['as']>>;
let other: Awaited<ReturnType<TestCtx['as']>>;
let ticket: { id: string; number: string; subject: string };

before(async () => {
  ctx = await setup();
  me = await ctx.as('agent');
  other = await ctx.as('light_agent');
  ticket = await makeTicket(me, { subject: 'Не проходит оплата' });
});
after(() => ctx.close());

const db = () => ctx.deps.db;
const n = (userId: string, kind: Notice['kind'], key: string, data: Record<string, unknown> = {}, ticketId: string | null = ticket.id): Notice =>
  ({ userId, kind, ticketId, data, dedupeKey: key });

test('the list shows my notifications only, newest first, with the ticket and a line in my language; pages by cursor', async () => {
  const mine = Array.from({ length: 5 }, (_, i) => n(me.userId, 'sla_warning', `api1:${i}`, { metric: 'resolution', level: 75 + i }));
  for (const x of mine) await notify(ctx.deps, db(), [x]); // one by one: ids in this order
  await notify(ctx.deps, db(), [n(other.userId, 'sla_breach', 'api1:other'), n(me.userId, 'snooze_ended', 'api1:noticket', {}, null)]);

  const all = await me.get('/api/v1/notifications');
  assert.equal(all.status, 200, all.raw);
  assert.equal(all.body.items.length, 6);
  assert.equal(all.body.items[0].kind, 'snooze_ended');
  assert.equal(all.body.items[0].ticket, null);
  assert.equal(all.body.items[0].text, 'Отложенное обращение снова в работе');
  const first = all.body.items[1];
  assert.deepEqual(first.ticket, { id: ticket.id, number: ticket.number.slice(3), ref: ticket.number, subject: 'Не проходит оплата' });
  assert.equal(first.text, 'SLA: прошло 79% времени до решения');
  assert.deepEqual(first.data, { metric: 'resolution', level: 79 });
  assert.equal(first.readAt, null);
  const ids = all.body.items.map((i: { id: string }) => Number(i.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));

  const p1 = await me.get('/api/v1/notifications?limit=4');
  assert.equal(p1.body.items.length, 4);
  assert.ok(p1.body.nextCursor);
  const p2 = await me.get(`/api/v1/notifications?limit=4&cursor=${p1.body.nextCursor}`);
  assert.equal(p2.body.items.length, 2);
  assert.equal(p2.body.nextCursor, null);
  assert.deepEqual([...p1.body.items, ...p2.body.items].map((i: { id: string }) => i.id), all.body.items.map((i: { id: string }) => i.id));
  assert.equal((await me.get('/api/v1/notifications?cursor=bm90LWEtY3Vyc29y')).status, 400);

  const theirs = await other.get('/api/v1/notifications');
  assert.deepEqual(theirs.body.items.map((i: { kind: string }) => i.kind), ['sla_breach']);
});

test('mark read: mine once (the first time is kept), someone else\'s is 404; unread filter, count and read-all', async () => {
  const u = await ctx.as('agent');
  await notify(ctx.deps, db(), ['a', 'b', 'c'].map((k) => n(u.userId, 'promise_reminder', `api2:${k}`, { minutes: 15, text: 'перезвонить' })));
  await notify(ctx.deps, db(), [n(other.userId, 'promise_reminder', 'api2:other')]);
  assert.deepEqual((await u.get('/api/v1/notifications/unread-count')).body, { count: 3 });

  const list = (await u.get('/api/v1/notifications')).body.items;
  const r = await u.post(`/api/v1/notifications/${list[1].id}/read`);
  assert.equal(r.status, 200, r.raw);
  assert.ok(r.body.readAt);
  const again = await u.post(`/api/v1/notifications/${list[1].id}/read`);
  assert.equal(again.body.readAt, r.body.readAt, 'read once');
  assert.deepEqual((await u.get('/api/v1/notifications/unread-count')).body, { count: 2 });
  const unread = await u.get('/api/v1/notifications?unread=true');
  assert.deepEqual(unread.body.items.map((i: { id: string }) => i.id), [list[0].id, list[2].id]);

  const foreign = await db().selectFrom('notifications').select('id').where('dedupe_key', '=', 'api2:other').executeTakeFirstOrThrow();
  const no = await u.post(`/api/v1/notifications/${foreign.id}/read`);
  assert.equal(no.status, 404);
  assert.equal(no.body.code, 'not_found');
  const still = await db().selectFrom('notifications').select('read_at').where('id', '=', foreign.id).executeTakeFirstOrThrow();
  assert.equal(still.read_at, null, "someone else's stays unread");
  assert.equal((await u.post('/api/v1/notifications/999999999/read')).status, 404);

  const all = await u.post('/api/v1/notifications/read-all');
  assert.deepEqual(all.body, { updated: 2 });
  assert.deepEqual((await u.get('/api/v1/notifications/unread-count')).body, { count: 0 });
  assert.equal((await u.get('/api/v1/notifications?unread=true')).body.items.length, 0);
  assert.deepEqual((await other.get('/api/v1/notifications/unread-count')).body.count >= 1, true, 'read-all is mine only');
});

test('preferences: every kind with defaults; a change decides whether notify() writes the mail and the in-app row', async () => {
  const u = await ctx.as('lead');
  const email = (await db().selectFrom('users').select('email').where('id', '=', u.userId).executeTakeFirstOrThrow()).email;
  const g = await u.get('/api/v1/notifications/preferences');
  assert.equal(g.status, 200);
  assert.deepEqual(Object.keys(g.body).sort(), [...NOTIFICATION_KINDS].sort());
  assert.deepEqual(g.body.sla_breach, { inApp: true, email: true });
  assert.deepEqual(g.body.sla_warning, { inApp: true, email: false });
  assert.deepEqual(g.body.promise_claimed, { inApp: true, email: true });

  const p = await u.put('/api/v1/notifications/preferences', { sla_breach: { email: false }, sla_warning: { email: true, inApp: false } });
  assert.equal(p.status, 200, p.raw);
  assert.deepEqual(p.body.sla_breach, { inApp: true, email: false });
  assert.deepEqual(p.body.sla_warning, { inApp: false, email: true });
  assert.deepEqual((await u.get('/api/v1/notifications/preferences')).body, p.body);

  await notify(ctx.deps, db(), [n(u.userId, 'sla_breach', 'api3:b'), n(u.userId, 'sla_warning', 'api3:w', { level: 90, metric: 'first_response' })]);
  const mails = await db().selectFrom('outbox').select(['dedupe_key', 'subject']).where('to_address', '=', email).execute();
  assert.deepEqual(mails.map((m) => m.dedupe_key), ['notif:api3:w']);
  assert.match(mails[0].subject, /SLA: прошло 90% времени до первого ответа/);
  const items = (await u.get('/api/v1/notifications')).body.items;
  assert.deepEqual(items.map((i: { kind: string }) => i.kind), ['sla_breach']);

  // back on: the next breach is mailed again
  await u.put('/api/v1/notifications/preferences', { sla_breach: { email: true } });
  await notify(ctx.deps, db(), [n(u.userId, 'sla_breach', 'api3:b2')]);
  assert.equal((await db().selectFrom('outbox').select('id').where('dedupe_key', '=', 'notif:api3:b2').execute()).length, 1);

  for (const bad of [{}, { no_such_kind: { email: true } }, { sla_breach: { email: 'yes' } }, { sla_breach: {} }]) {
    const r = await u.put('/api/v1/notifications/preferences', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  // the other user's preferences are untouched
  assert.deepEqual((await other.get('/api/v1/notifications/preferences')).body.sla_breach, { inApp: true, email: true });
});
