// @mentions in internal notes: stored with the note and shown in the message shape, one 'mention'
// notification (with text, in the reader's language; a mail by default) per mentioned agent but the
// author; unknown and deactivated agents and mentions on public replies are refused with the path;
// the portal never shows them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { excerpt } from './mentions.ts';

let ctx: TestCtx;
let author: Awaited<ReturnType<TestCtx['as']>>;

before(async () => {
  ctx = await setup();
  author = await ctx.as('agent');
  await ctx.deps.db.updateTable('users').set({ name: 'Ольга Автор' }).where('id', '=', author.userId).execute();
});
after(() => ctx.close());

const db = () => ctx.deps.db;
const note = (ref: string, body: string, mentions: string[], kind = 'note') =>
  author.post(`/api/v1/tickets/${ref}/messages`, { kind, body, mentions });
const notificationsOf = (userId: string) =>
  db().selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', 'mention').orderBy('id').execute();

describe('mentions in internal notes', () => {
  test('each mentioned agent but the author gets one notification with the note; stored and shown with the message', async () => {
    const t = await makeTicket(author, { subject: 'Не проходит оплата' });
    const anna = await ctx.as('agent');
    await db().updateTable('users').set({ name: 'Анна Смирнова' }).where('id', '=', anna.userId).execute();
    const john = await ctx.as('lead');
    await db().updateTable('users').set({ name: 'John Smith', locale: 'en' }).where('id', '=', john.userId).execute();
    const bystander = await ctx.as('agent');
    const long = `Посмотри логи платёжного шлюза, @Анна Смирнова и @John Smith. ${'Подробности: '.repeat(40)}`;

    const r = await note(t.number, long, [anna.userId, john.userId, anna.userId, author.userId]);
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual(r.body.mentions, [
      { id: anna.userId, name: 'Анна Смирнова' }, { id: john.userId, name: 'John Smith' }, { id: author.userId, name: 'Ольга Автор' },
    ]);
    const row = await db().selectFrom('messages').select('mentions').where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(row.mentions.map(String), [anna.userId, john.userId, author.userId]);
    const listed = (await author.get(`/api/v1/tickets/${t.number}/messages`)).body.items.find((m: { id: string }) => m.id === r.body.id);
    assert.deepEqual(listed.mentions, r.body.mentions);

    // one each for Anna and John; none for the author (who mentioned herself) or a bystander
    const [a] = await notificationsOf(anna.userId);
    const annaAll = await notificationsOf(anna.userId);
    assert.equal(annaAll.length, 1);
    assert.equal(a!.ticket_id, t.id);
    assert.equal(a!.dedupe_key, `mention:${r.body.id}:${anna.userId}`);
    assert.equal((await notificationsOf(john.userId)).length, 1);
    assert.equal((await notificationsOf(author.userId)).length, 0);
    assert.equal((await notificationsOf(bystander.userId)).length, 0);

    // what each sees: the ticket, who, and the note's first ~200 characters, in their language
    const seen = (await anna.get('/api/v1/notifications')).body.items[0];
    assert.equal(seen.kind, 'mention');
    assert.deepEqual(seen.ticket, { id: t.id, number: t.number.slice(3), ref: t.number, subject: 'Не проходит оплата' });
    assert.match(seen.text, /^Ольга Автор упоминает вас в заметке: «Посмотри логи платёжного шлюза, @Анна Смирнова и @John Smith\. Подробности: /);
    assert.ok(seen.text.endsWith('…»'));
    assert.equal(seen.data.excerpt.length, 200);
    const en = (await john.get('/api/v1/notifications')).body.items[0];
    assert.match(en.text, /^Ольга Автор mentioned you in a note: "Посмотри логи/);
    assert.equal((await anna.get('/api/v1/notifications/unread-count')).body.count, 1);

    // a mail by default, with the ticket reference and subject
    const mails = await db().selectFrom('outbox').select(['to_address', 'subject', 'body_text']).where('kind', '=', 'notification').execute();
    const annaEmail = (await db().selectFrom('users').select('email').where('id', '=', anna.userId).executeTakeFirstOrThrow()).email;
    const mail = mails.find((m) => m.to_address === annaEmail);
    assert.ok(mail, JSON.stringify(mails));
    assert.match(mail.subject, new RegExp(`^\\[${t.number}\\] Ольга Автор упоминает вас в заметке`));
    assert.match(mail.body_text, new RegExp(`Обращение ${t.number}: Не проходит оплата`));

    // the same mention again on another note is a new notification; a replay of the request is not
    const r2 = await author.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'note', body: '@Анна Смирнова ещё раз', mentions: [anna.userId] }, { 'idempotency-key': 'mention-replay-1' });
    assert.equal(r2.status, 201, r2.raw);
    const again = await author.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'note', body: '@Анна Смирнова ещё раз', mentions: [anna.userId] }, { 'idempotency-key': 'mention-replay-1' });
    assert.equal(again.body.id, r2.body.id);
    assert.equal((await notificationsOf(anna.userId)).length, 2);
  });

  test('no mail when the mentioned agent turned mention mails off; the bell item stays', async () => {
    const t = await makeTicket(author);
    const quiet = await ctx.as('agent');
    const p = await quiet.put('/api/v1/notifications/preferences', { mention: { email: false } });
    assert.equal(p.status, 200, p.raw);
    assert.deepEqual(p.body.mention, { inApp: true, email: false });
    const r = await note(t.number, 'глянь', [quiet.userId]);
    assert.equal(r.status, 201, r.raw);
    assert.equal((await notificationsOf(quiet.userId)).length, 1);
    const email = (await db().selectFrom('users').select('email').where('id', '=', quiet.userId).executeTakeFirstOrThrow()).email;
    assert.equal((await db().selectFrom('outbox').select('id').where('to_address', '=', email).execute()).length, 0);
  });

  test('a light agent may be mentioned (every staff role reads every ticket) and writes mentions too', async () => {
    const t = await makeTicket(author);
    const light = await ctx.as('light_agent');
    const r = await note(t.number, 'для сведения', [light.userId]);
    assert.equal(r.status, 201, r.raw);
    assert.equal((await notificationsOf(light.userId)).length, 1);
    const back = await light.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'note', body: 'спасибо', mentions: [author.userId] });
    assert.equal(back.status, 201, back.raw);
    assert.equal((await notificationsOf(author.userId)).length, 1);
  });

  test('unknown, deactivated, too many and public-reply mentions: 400 naming the path, nothing written', async () => {
    const t = await makeTicket(author);
    const gone = await ctx.createUser('agent', { name: 'Уволен' });
    await db().updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
    const ok = await ctx.as('agent');
    const before = (await author.get(`/api/v1/tickets/${t.number}/messages`)).body.items.length;

    const dead = await note(t.number, 'x', [ok.userId, gone.id]);
    assert.equal(dead.status, 400, dead.raw);
    assert.match(String(dead.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(dead.body.errors, [{ path: '/mentions/1', message: 'this agent is deactivated' }]);

    const unknown = await note(t.number, 'x', ['999999999']);
    assert.equal(unknown.status, 400, unknown.raw);
    assert.deepEqual(unknown.body.errors, [{ path: '/mentions/0', message: 'no such agent' }]);

    const reply = await note(t.number, 'Здравствуйте! Исправим до 18:00.', [ok.userId], 'reply');
    assert.equal(reply.status, 400, reply.raw);
    assert.deepEqual(reply.body.errors, [{ path: '/mentions', message: 'only internal notes mention agents' }]);

    const many = await note(t.number, 'x', Array.from({ length: 21 }, (_, i) => String(i + 1)));
    assert.equal(many.status, 400, many.raw);
    assert.ok(JSON.stringify(many.body).includes('mentions'), many.raw);

    assert.equal((await author.get(`/api/v1/tickets/${t.number}/messages`)).body.items.length, before);
    assert.equal((await notificationsOf(ok.userId)).length, 0);
  });

  test('the customer never sees mentions: notes stay out of the portal, public messages carry no mention field', async () => {
    const email = `mention-portal@clients.test`;
    const t = await makeTicket(author, { requester: { email, name: 'Клиент' } });
    const anna = await ctx.as('agent');
    assert.equal((await note(t.number, 'Секретная заметка для @Анна', [anna.userId])).status, 201);
    assert.equal((await author.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'reply', body: 'Здравствуйте! Исправим до 18:00 завтра.', coachAck: true })).status, 201);
    const customer = await ctx.asCustomer(email);
    const r = await customer.get(`/api/v1/portal/tickets/${t.number}/messages`);
    assert.equal(r.status, 200, r.raw);
    assert.ok(r.body.items.length >= 2);
    assert.doesNotMatch(r.raw, /Секретная заметка|mention/i);
    assert.doesNotMatch(r.raw, new RegExp(`"${anna.userId}"`));
  });

  test('the excerpt: one line, at most 200 characters', () => {
    assert.equal(excerpt('  a\n\n b  '), 'a b');
    const e = excerpt('я'.repeat(500));
    assert.equal(e.length, 200);
    assert.ok(e.endsWith('…'));
  });
});
