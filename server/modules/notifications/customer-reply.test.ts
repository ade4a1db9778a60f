// A customer's reply tells the ticket's assignee and followers ('customer_reply'), once per message:
// through the portal and by mail; an auto-reply, an agent's reply and a note tell nobody.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../../test/harness.ts';
import { makeChannel, rawMail, settled } from '../../mail/test/mail-kit.ts';
import { receiveRaw } from '../../mail/receive.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup({ jobs: true }); });
after(() => ctx.close());

const replies = (userId: string) => ctx.deps.db.selectFrom('notifications').select(['kind', 'ticket_id', 'data', 'dedupe_key'])
  .where('user_id', '=', userId).where('kind', '=', 'customer_reply').orderBy('id').execute();

test('portal: the assignee and a follower are told, with the customer and an excerpt; agents\' own messages tell nobody', async () => {
  const lead = await ctx.as('lead');
  const owner = await ctx.as('agent');
  const follower = await ctx.as('agent');
  const bystander = await ctx.as('agent');
  const customer = await ctx.asCustomer('olga@clients.test');
  const made = await lead.post('/api/v1/tickets', { subject: 'Нет интернета', requester: { email: 'olga@clients.test' }, message: { body: 'Не работает с утра.' } });
  assert.equal(made.status, 201, made.raw);
  const t = made.body;
  const assigned = await lead.patch(`/api/v1/tickets/${t.id}`, { version: t.version, assigneeId: owner.userId });
  assert.equal(assigned.status, 200, assigned.raw);
  assert.equal((await follower.post(`/api/v1/tickets/${t.number}/followers`, {})).status, 201);

  // the agent's reply and a note: nobody is told
  assert.equal((await owner.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'reply', body: 'Проверяем линию.' })).status, 201);
  assert.equal((await owner.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Похоже на авария на узле' })).status, 201);
  assert.deepEqual(await replies(owner.userId), []);

  const long = `Всё ещё не работает, роутер перезагружала дважды. ${'Очень ждём. '.repeat(30)}`;
  const r = await customer.post(`/api/v1/portal/tickets/${t.number}/messages`, { body: long });
  assert.equal(r.status, 201, r.raw);
  for (const u of [owner, follower]) {
    const got = await replies(u.userId);
    assert.equal(got.length, 1, `one for ${u.userId}`);
    assert.equal(got[0].ticket_id, t.id);
    const data = got[0].data as { customerName: string; excerpt: string; messageId: string };
    assert.ok(data.excerpt.startsWith('Всё ещё не работает, роутер перезагружала дважды.'));
    assert.ok(data.excerpt.length <= 160 && data.excerpt.endsWith('…'), data.excerpt);
  }
  assert.deepEqual(await replies(bystander.userId), []);
  assert.deepEqual(await replies(lead.userId), [], 'the lead neither assigned to nor following');

  // the API shows it in the reader's language
  const list = await owner.get('/api/v1/notifications');
  const item = list.body.items.find((x: { kind: string }) => x.kind === 'customer_reply');
  assert.match(item.text, /ответил\(а\): «Всё ещё не работает/);
  assert.equal(item.ticket.id, t.id);
});

test('mail: a reply by mail tells the assignee once; an out-of-office reply tells nobody; no assignee, nobody to tell', async () => {
  const owner = await ctx.as('agent');
  const ch = await makeChannel(ctx.deps.db);
  const first = rawMail({ from: 'Пётр <petr@clients.test>', messageId: 'first-1@clients.test', subject: 'Счёт не пришёл', body: 'Где счёт?' });
  const a = await receiveRaw(ctx.deps, { channelId: ch.id, path: 'raw', raw: first });
  const [m1] = await settled(ctx.deps.db, [a.mailId]);
  assert.equal(m1.stage, 'applied');
  const t = await ctx.deps.db.selectFrom('tickets').select(['id', 'version']).where('id', '=', m1.ticket_id!).executeTakeFirstOrThrow();
  assert.deepEqual(await ctx.deps.db.selectFrom('notifications').select('id').where('ticket_id', '=', t.id).execute(), [], 'nobody assigned yet');
  const agent = await ctx.as('agent');
  assert.equal((await agent.patch(`/api/v1/tickets/${t.id}`, { version: t.version, assigneeId: owner.userId })).status, 200);

  const reply = rawMail({ from: 'petr@clients.test', inReplyTo: 'first-1@clients.test', subject: 'Re: Счёт не пришёл', body: 'Так и не пришёл.' });
  const away = rawMail({ from: 'petr@clients.test', inReplyTo: 'first-1@clients.test', subject: 'Автоответ: Счёт не пришёл', body: 'Я в отпуске до понедельника.', headers: { 'Auto-Submitted': 'auto-replied' } });
  const b = await receiveRaw(ctx.deps, { channelId: ch.id, path: 'raw', raw: reply });
  const c = await receiveRaw(ctx.deps, { channelId: ch.id, path: 'raw', raw: away });
  const [m2, m3] = await settled(ctx.deps.db, [b.mailId, c.mailId]);
  assert.equal(m2.ticket_id, t.id);
  const got = await replies(owner.userId);
  assert.equal(got.length, 1, JSON.stringify(got));
  assert.equal((got[0].data as { messageId: string }).messageId, m2.ticket_message_id);
  assert.equal((got[0].data as { excerpt: string }).excerpt, 'Так и не пришёл.');
  if (m3.stage === 'applied') assert.equal(m3.ticket_id, t.id); // the auto-reply is on the ticket, and told nobody
});
