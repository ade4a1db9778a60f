// notify(): notifications and their e-mails exactly once, by preference, in the reader's language;
// recipients(): assignee, group, leads. Real PostgreSQL, two pools for the concurrent case.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { notify, recipients, type Notice } from './notify.ts';

let ctx: TestCtx;
let agent: Awaited<ReturnType<TestCtx['as']>>;
let ticket: { id: string; number: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  ticket = await makeTicket(agent, { subject: 'Сломался экспорт' });
});
after(() => ctx.close());

const db = () => ctx.deps.db;
const notifsOf = (userId: string) => db().selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('id').execute();
const mailsTo = (email: string) => db().selectFrom('outbox').selectAll().where('to_address', '=', email).where('kind', '=', 'notification').orderBy('id').execute();
const notice = (userId: string, kind: Notice['kind'], key: string, data: Record<string, unknown> = {}): Notice =>
  ({ userId, kind, ticketId: ticket.id, data, dedupeKey: key });

test('defaults: a breach is in-app and mailed (ru, with the reference and the link); a warning only in-app', async () => {
  const u = await ctx.createUser('agent');
  const n = await notify(ctx.deps, db(), [
    notice(u.id, 'sla_breach', `t1:breach:${u.id}`, { metric: 'first_response', dueAt: '2026-12-03T11:00:00Z' }),
    notice(u.id, 'sla_warning', `t1:warn:${u.id}`, { metric: 'resolution', level: 75 }),
  ]);
  assert.equal(n, 2);
  const rows = await notifsOf(u.id);
  assert.deepEqual(rows.map((r) => r.kind).sort(), ['sla_breach', 'sla_warning']);
  assert.equal(rows[0].ticket_id, ticket.id);
  const mails = await mailsTo(u.email);
  assert.equal(mails.length, 1, 'only the breach is mailed by default');
  const m = mails[0];
  assert.equal(m.dedupe_key, `notif:t1:breach:${u.id}`);
  assert.equal(m.status, 'queued');
  assert.equal(m.auto_submitted, true);
  assert.equal(m.subject, `[${ticket.number}] SLA нарушен: срок первого ответа истёк (срок 3 дек., 14:00)`);
  assert.ok(m.body_text.includes(`${ctx.config.publicUrl}/tickets/${ticket.number.slice(3)}`), m.body_text);
  assert.ok(m.body_text.includes('Сломался экспорт'));
});

test('an English reader gets English mail in their time zone', async () => {
  const u = await ctx.createUser('lead');
  await db().updateTable('users').set({ locale: 'en', time_zone: 'UTC' }).where('id', '=', u.id).execute();
  await notify(ctx.deps, db(), [notice(u.id, 'promise_broken', `t2:${u.id}`, { text: 'call back about the invoice', dueAt: '2026-12-03T11:00:00Z' })]);
  const [m] = await mailsTo(u.email);
  assert.equal(m.subject, `[${ticket.number}] Promise broken: "call back about the invoice" (due 3 Dec, 11:00)`);
  assert.match(m.body_text, /^Promise broken/);
});

test('the same key again (in one call, in a later call) makes one notification and one mail', async () => {
  const u = await ctx.createUser('agent');
  const k = `t3:${u.id}`;
  assert.equal(await notify(ctx.deps, db(), [notice(u.id, 'escalated', k), notice(u.id, 'escalated', k)]), 1);
  assert.equal(await notify(ctx.deps, db(), [notice(u.id, 'escalated', k)]), 0);
  assert.equal((await notifsOf(u.id)).length, 1);
  assert.equal((await mailsTo(u.email)).length, 1);
});

test('preferences: in-app off still mails (once); e-mail off keeps only the in-app row; inactive users get nothing', async () => {
  const u = await ctx.createUser('agent');
  await db().insertInto('notification_prefs').values([
    { user_id: u.id, kind: 'sla_warning', in_app: false, email: true },
    { user_id: u.id, kind: 'sla_breach', in_app: true, email: false },
    { user_id: u.id, kind: 'snooze_ended', in_app: false, email: false },
  ]).execute();
  const batch = [notice(u.id, 'sla_warning', `t4:w:${u.id}`), notice(u.id, 'sla_breach', `t4:b:${u.id}`), notice(u.id, 'snooze_ended', `t4:s:${u.id}`)];
  assert.equal(await notify(ctx.deps, db(), batch), 1);
  assert.equal(await notify(ctx.deps, db(), batch), 0);
  assert.deepEqual((await notifsOf(u.id)).map((r) => r.kind), ['sla_breach']);
  const mails = await mailsTo(u.email);
  assert.deepEqual(mails.map((m) => m.dedupe_key), [`notif:t4:w:${u.id}`]);

  const gone = await ctx.createUser('agent');
  await db().updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
  assert.equal(await notify(ctx.deps, db(), [notice(gone.id, 'sla_breach', `t4:gone:${gone.id}`)]), 0);
  assert.equal((await notifsOf(gone.id)).length, 0);
  assert.equal((await mailsTo(gone.email)).length, 0);
});

test('a notification already there from before sends no mail, even after e-mail was switched on', async () => {
  const u = await ctx.createUser('agent');
  const k = `t5:${u.id}`;
  await notify(ctx.deps, db(), [notice(u.id, 'follow_up_due', k, { thirdParty: 'ООО Вендор' })]);
  assert.equal((await mailsTo(u.email)).length, 0, 'follow-ups are not mailed by default');
  await db().insertInto('notification_prefs').values({ user_id: u.id, kind: 'follow_up_due', in_app: true, email: true }).execute();
  await notify(ctx.deps, db(), [notice(u.id, 'follow_up_due', k)]);
  assert.equal((await mailsTo(u.email)).length, 0);
  await notify(ctx.deps, db(), [notice(u.id, 'follow_up_due', `${k}:next`, { thirdParty: 'ООО Вендор' })]);
  const [m] = await mailsTo(u.email);
  assert.match(m.subject, /ООО Вендор/);
});

test('two writers at once over overlapping notices: each notification and each mail exactly once', async () => {
  const users = await Promise.all(Array.from({ length: 5 }, () => ctx.createUser('agent')));
  const all = users.flatMap((u) => ['a', 'b', 'c', 'd'].map((x) => notice(u.id, 'sla_breach', `t6:${x}:${u.id}`)));
  const other = createDb(ctx.url, 4);
  const deps2: Deps = { ...ctx.deps, db: other.db, pool: other.pool };
  try {
    for (let round = 0; round < 5; round++) {
      const shuffled = [...all].sort(() => Math.random() - 0.5);
      const counts = await Promise.all([
        notify(ctx.deps, db(), all.slice(0, 15)),
        notify(deps2, other.db, shuffled.slice(3)),
        notify(deps2, other.db, [...all].reverse()),
      ]);
      if (round === 0) assert.equal(counts.reduce((a, b) => a + b, 0), all.length, 'together they wrote each once');
      else assert.deepEqual(counts, [0, 0, 0]);
    }
  } finally {
    await other.db.destroy();
  }
  for (const u of users) {
    assert.equal((await notifsOf(u.id)).length, 4);
    // one mail per call that wrote something for the user (a digest when several): together they cover the 4 once
    const mails = await mailsTo(u.email);
    assert.ok(mails.length >= 1 && mails.length <= 3);
    assert.equal(mails.reduce((n, m) => n + Number(m.headers['X-Slovo-Notifications']), 0), 4);
  }
});

test('recipients: assignee, group members, the group\'s leads, else every active lead and admin; active ones, once each', async () => {
  const [a, m1, m2, lead, off] = await Promise.all([
    ctx.createUser('agent'), ctx.createUser('agent'), ctx.createUser('light_agent'), ctx.createUser('lead'), ctx.createUser('lead'),
  ]);
  await db().updateTable('users').set({ active: false }).where('id', '=', off.id).execute();
  const g = await db().insertInto('groups').values({ name: `Вторая линия ${a.id}` }).returning('id').executeTakeFirstOrThrow();
  await db().insertInto('group_members').values([a, m1, m2, lead, off].map((u) => ({ group_id: g.id, user_id: u.id }))).execute();
  const t = await makeTicket(agent, { subject: 'Кому сообщить' });
  await db().updateTable('tickets').set({ assignee_id: a.id, group_id: g.id }).where('id', '=', t.id).execute();

  assert.deepEqual(await recipients(db(), t.id, ['assignee']), [a.id]);
  const sort = (x: string[]) => [...x].sort((p, q) => Number(p) - Number(q));
  assert.deepEqual(await recipients(db(), t.id, ['group']), sort([a.id, m1.id, m2.id, lead.id]));
  assert.deepEqual(await recipients(db(), t.id, ['leads']), [lead.id]);
  assert.deepEqual(await recipients(db(), t.id, ['assignee', 'group', 'leads']), sort([a.id, m1.id, m2.id, lead.id]));

  // the group's lead leaves: every active lead and admin hears instead
  await db().updateTable('users').set({ active: false }).where('id', '=', lead.id).execute();
  const everyLead = (await db().selectFrom('users').select('id').where('active', '=', true).where('role', 'in', ['lead', 'admin']).execute()).map((r) => r.id);
  assert.ok(everyLead.length > 0);
  assert.deepEqual(await recipients(db(), t.id, ['leads']), sort(everyLead));
  // the assignee is deactivated: nobody as assignee
  await db().updateTable('users').set({ active: false }).where('id', '=', a.id).execute();
  assert.deepEqual(await recipients(db(), t.id, ['assignee']), []);
  // a ticket without a group: no group members; leads are everyone's leads
  await db().updateTable('tickets').set({ group_id: null }).where('id', '=', t.id).execute();
  assert.deepEqual(await recipients(db(), t.id, ['group']), []);
  assert.deepEqual(await recipients(db(), t.id, ['leads']), sort(everyLead));
  assert.deepEqual(await recipients(db(), '999999999', ['leads', 'group']), [], 'no ticket, nobody');
});

test('many notices for one person in one call: one digest mail (ru plural, the first 20 in full, a link to the rest)', async () => {
  const u = await ctx.createUser('lead');
  await notify(ctx.deps, db(), Array.from({ length: 3 }, (_, i) => notice(u.id, 'sla_breach', `dg1:${i}:${u.id}`, { metric: 'resolution' })));
  const [three] = await mailsTo(u.email);
  assert.equal(three.subject, 'Slovo: 3 новых уведомления');
  assert.equal(three.headers['X-Slovo-Notifications'], '3');
  assert.equal(three.dedupe_key, `notif:dg1:0:${u.id}`, 'named after its first notice');
  assert.equal(three.body_text.match(/SLA нарушен/g)?.length, 3);
  await notify(ctx.deps, db(), Array.from({ length: 25 }, (_, i) => notice(u.id, 'promise_broken', `dg2:${String(i).padStart(2, '0')}:${u.id}`, { text: `обещание ${i}` })));
  const mails = await mailsTo(u.email);
  assert.equal(mails.length, 2);
  assert.equal(mails[1].subject, 'Slovo: 25 новых уведомлений');
  assert.equal(mails[1].body_text.match(/Обещание нарушено/g)?.length, 20);
  assert.match(mails[1].body_text, /…и ещё 5: .*\/notifications/);
  assert.equal((await notifsOf(u.id)).length, 28, 'every notice is still its own in-app notification');
});

test('a notice for a ticket or a user that does not exist writes nothing (the writer checks; the table has no foreign keys)', async () => {
  const u = await ctx.createUser('agent');
  const n = await notify(ctx.deps, db(), [
    { userId: u.id, kind: 'sla_breach', ticketId: '999999999', data: {}, dedupeKey: `ghost-ticket:${u.id}` },
    { userId: '999999998', kind: 'sla_breach', ticketId: ticket.id, data: {}, dedupeKey: 'ghost-user' },
    notice(u.id, 'sla_warning', `real:${u.id}`, { metric: 'resolution', level: 75 }),
  ]);
  assert.equal(n, 1);
  assert.deepEqual((await notifsOf(u.id)).map((x) => x.dedupe_key), [`real:${u.id}`]);
  assert.equal((await db().selectFrom('notifications').select('id').where('dedupe_key', 'in', [`ghost-ticket:${u.id}`, 'ghost-user']).execute()).length, 0);
  assert.deepEqual(await mailsTo(u.email), []);
});
