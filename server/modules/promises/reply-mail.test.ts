// The customer reads the promises a reply makes under it in the mail, due times in the
// ticket's calendar zone; hidden promises are not listed; the setting turns the list off.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let admin: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  admin = await ctx.as('admin');
});
after(() => ctx.close());

const mailOf = (messageId: string) => ctx.deps.db.selectFrom('outbox').select(['body_text', 'body_html']).where('ticket_message_id', '=', messageId).executeTakeFirstOrThrow();

test('a reply mail lists its visible promises with due times in the ticket zone', async () => {
  const t = await makeTicket(agent);
  const due = new Date(Date.UTC(2030, 5, 14, 9, 0)); // 12:00 in Moscow (UTC+3, no DST)
  const m = await agent.post(`/api/v1/tickets/${t.id}/messages`, {
    body: 'Проверим журнал доставки и перезвоним.',
    promises: [
      { text: 'Перезвоним с результатами проверки', dueAt: due.toISOString(), kind: 'callback' },
      { text: 'Внутренняя проверка логов', dueAt: due.toISOString(), visibleToCustomer: false },
    ],
  });
  assert.equal(m.status, 201, m.raw);
  const mail = await mailOf(m.body.id);
  assert.match(mail.body_text, /Что мы обещали:\n- Перезвоним с результатами проверки \(до 14 июня, 12:00 \(.+\)\)/);
  assert.doesNotMatch(mail.body_text, /Внутренняя проверка/);
  assert.match(mail.body_html ?? '', /<li>Перезвоним с результатами проверки \(до 14 июня, 12:00/);
});

test('English customers read it in English; the setting turns the list off', async () => {
  const t = await makeTicket(agent, { language: 'en', requester: { email: 'en-reader@clients.test', name: 'Jane' } });
  await ctx.deps.db.updateTable('customers').set({ language: 'en' }).where('id', '=', t.requester.id).execute();
  const due = new Date(Date.UTC(2030, 5, 14, 9, 0)).toISOString();
  const m = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'We will call you back.', promises: [{ text: 'Call back with the findings', dueAt: due }] });
  assert.match((await mailOf(m.body.id)).body_text, /What we promised:\n- Call back with the findings \(by June 14, 12:00/);

  const s = await admin.put('/api/v1/settings/promises', { reminders: [60], autoKeepOnReply: { callback: false, update: true, fix: false, info: true, other: false }, showInReply: false });
  assert.equal(s.status, 200, s.raw);
  const m2 = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Another update soon.', promises: [{ text: 'Send an update', dueAt: due }] });
  const mail = await mailOf(m2.body.id);
  assert.doesNotMatch(mail.body_text, /What we promised/);
  assert.equal((await ctx.deps.db.selectFrom('promises').select('id').where('message_id', '=', m2.body.id).execute()).length, 1, 'still in the ledger');
});
