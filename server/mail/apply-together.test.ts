// Plain new tickets from a burst of mail are applied together (apply-together.ts): each mail still
// gets exactly what applyMail gives it alone — its customer, ticket, message, event, SLA row,
// Message-ID for threading and acknowledgement — duplicates collapse, a sender's second mail waits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../test/harness.ts';
import { togetherStats } from './apply-together.ts';
import { receiveBatch } from './imap/receive-batch.ts';
import { receiveRaw } from './receive.ts';
import { makeChannel, rawMail, settled } from './test/mail-kit.ts';

let ctx: TestCtx;
let channel: { id: string; address: string };

before(async () => {
  ctx = await setup({ jobs: true });
  channel = await makeChannel(ctx.deps.db);
  await ctx.deps.db.insertInto('sla_policies').values({ name: 'all', conditions: JSON.stringify({}), first_response_min: 60 }).execute();
});
after(() => ctx.close());

test('a burst of new mail: applied in groups, every mail whole and its own, duplicates and repeat senders right', async () => {
  const db = ctx.deps.db;
  // a returning customer with an open ticket
  const first = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail({ from: 'Олег <oleg@repeat.test>', subject: 'Первый вопрос' }) });
  const [earlier] = await settled(db, [first.mailId]);
  // a sender already acknowledged three times this hour (the limit)
  for (let i = 0; i < 3; i++) await settled(db, [(await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail({ from: 'busy@burst.test', subject: `Занят ${i}` }) })).mailId]);
  // a robot that opened nine tickets this hour
  for (let i = 0; i < 9; i++) await settled(db, [(await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail({ from: 'robot@burst.test', subject: `Робот ${i}` }) })).mailId]);
  const before = { ...togetherStats };

  const twin = rawMail({ from: 'twin@burst.test', messageId: 'twin-1@burst.test', subject: 'Двойник', body: 'Одно и то же письмо' });
  const viaOtherPath = Buffer.concat([Buffer.from('Delivered-To: support@desk.test\r\n'), twin]);
  const raws = [
    ...Array.from({ length: 10 }, (_, i) => rawMail({ from: `Клиент ${i} <c${i}@burst.test>`, subject: `Вопрос ${i}`, messageId: `burst-${i}@burst.test`, body: `Не работает оплата, заказ ${i}` })),
    rawMail({ from: 'Олег <oleg@repeat.test>', subject: 'Снова я', body: 'Опять не работает' }),
    rawMail({ from: 'Олег <oleg@repeat.test>', subject: 'И ещё раз', body: 'Всё ещё не работает' }),
    twin, viaOtherPath,
    rawMail({ from: 'busy@burst.test', subject: 'Четвёртый раз' }),
    rawMail({ from: 'robot@burst.test', subject: 'Робот 9' }),
  ];
  const received = await receiveBatch(ctx.deps, channel.id, 'imap', raws.map((raw) => ({ raw })));
  const rows = await settled(db, received.map((r) => r.mailId));
  assert.ok(togetherStats.groups > before.groups, 'applied in groups');
  assert.equal(togetherStats.failed, before.failed, 'no group fell back');

  const applied = rows.filter((r) => r.stage === 'applied');
  const dup = rows.filter((r) => r.stage === 'duplicate');
  assert.equal(applied.length, 15);
  assert.equal(dup.length, 1);
  assert.equal(dup[0].ticket_id, rows.find((r) => r.id === dup[0].duplicate_of)!.ticket_id);
  assert.equal(new Set(applied.map((r) => r.ticket_id)).size, 15, 'a ticket each');
  // the fourth within the hour is not acknowledged; the ticket says why
  const busy = rows[14];
  assert.equal(await db.selectFrom('outbox').select('id').where('dedupe_key', '=', `ack:${busy.id}`).executeTakeFirst(), undefined);
  const noted = await db.selectFrom('ticket_events').select('kind').where('ticket_id', '=', busy.ticket_id!).where('kind', '=', 'ack_suppressed').execute();
  assert.equal(noted.length, 1);
  assert.equal((await db.selectFrom('outbox').select('id').where('to_address', '=', 'busy@burst.test').where('kind', '=', 'ack').execute()).length, 3);
  // the robot's tenth ticket within the hour raises the channel's loop alert
  const alert = await db.selectFrom('mail_alerts').select(['kind', 'message']).where('channel_id', '=', channel.id).where('kind', '=', 'loop').where('cleared_at', 'is', null).executeTakeFirst();
  assert.match(alert?.message ?? '', /10 new tickets from robot@burst\.test/);

  for (let i = 0; i < 10; i++) {
    const mail = rows[i];
    const t = await db.selectFrom('tickets as t').innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id')
      .select(['t.id', 't.subject', 't.status', 't.channel', 'e.email']).where('t.id', '=', mail.ticket_id!).executeTakeFirstOrThrow();
    assert.deepEqual([t.subject, t.status, t.channel, t.email], [`Вопрос ${i}`, 'new', 'email', `c${i}@burst.test`]);
    const msgs = await db.selectFrom('messages').select(['id', 'body_text', 'author_type']).where('ticket_id', '=', t.id).execute();
    assert.deepEqual(msgs.map((m) => [m.body_text, m.author_type]), [[`Не работает оплата, заказ ${i}`, 'customer']]);
    assert.equal(msgs[0].id, mail.ticket_message_id);
    const ev = await db.selectFrom('ticket_events').select(['kind', 'data']).where('ticket_id', '=', t.id).execute();
    assert.deepEqual(ev.map((e) => e.kind), ['created']);
    assert.equal((ev[0].data as { inboundMailId: string }).inboundMailId, String(mail.id));
    assert.ok(await db.selectFrom('ticket_sla').select('ticket_id').where('ticket_id', '=', t.id).where('first_response_due_at', 'is not', null).executeTakeFirst(), 'SLA row');
    const mid = await db.selectFrom('mail_message_ids').select(['ticket_id', 'message_id_ref']).where('message_id', '=', `burst-${i}@burst.test`).executeTakeFirstOrThrow();
    assert.deepEqual([String(mid.ticket_id), String(mid.message_id_ref)], [String(t.id), String(mail.ticket_message_id)]);
    const ack = await db.selectFrom('outbox').select(['kind', 'to_address']).where('dedupe_key', '=', `ack:${mail.id}`).executeTakeFirstOrThrow();
    assert.deepEqual([ack.kind, ack.to_address], ['ack', `c${i}@burst.test`]);
  }
  // the returning customer: both new tickets and the earlier one count each other as repeat contacts
  const oleg = [earlier.ticket_id!, rows[10].ticket_id!, rows[11].ticket_id!];
  const scored = await db.selectFrom('tickets').select(['id', 'priority_parts', 'requester_id']).where('id', 'in', oleg).execute();
  assert.equal(new Set(scored.map((t) => t.requester_id)).size, 1, 'one customer for one address');
  for (const t of scored) {
    assert.ok((t.priority_parts as { code: string }[]).some((p) => p.code === 'repeat_contact'), `ticket ${t.id} is a repeat contact`);
  }
});
