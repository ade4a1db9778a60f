// The outbox sender against a real SMTP server (smtp-sink) and the real database, with pg-boss workers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { sql } from 'kysely';
import { enqueue } from '../../jobs/boss.ts';
import { makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { mailSecret, ticketFromAddress, ticketFromMessageId } from '../reply-token.ts';
import { LOOP_ALERT_TICKETS, queueAck } from './queue.ts';
import { loopMarker, MAX_ATTEMPTS, NO_CHANNEL, sendOne, sweepOutbox } from './sender.ts';
import { MARKER } from './templates.ts';
import { until } from '../../test/until.ts';

let ctx: TestCtx;
let sink: SmtpSink;
let agent: Awaited<ReturnType<TestCtx['as']>>;
let admin: Awaited<ReturnType<TestCtx['as']>>;
let channelId: string;

before(async () => {
  ctx = await setup({ jobs: true });
  sink = await startSmtpSink({ user: 'mailer', password: 'smtp-secret' });
  agent = await ctx.as('agent');
  admin = await ctx.as('admin');
});
after(async () => {
  await ctx.close();
  await sink.close();
});

const db = () => ctx.deps.db;

const outboxOf = (ticketId: string) => db().selectFrom('outbox').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
const rowWith = (id: string, status: string) =>
  until(`outbox ${id} ${status}`, () => db().selectFrom('outbox').selectAll().where('id', '=', id).where('status', '=', status).executeTakeFirst());
const parse = (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);
const header = (m: ParsedMail, name: string) => {
  const v = m.headers.get(name);
  return v === undefined ? undefined : String(typeof v === 'object' && v !== null && 'text' in v ? (v as { text: string }).text : v);
};
/** The sink's messages whose Message-ID is this one. */
const arrived = async (messageId: string) => (await Promise.all(sink.messages.map((m) => parse(m.raw)))).filter((p) => p.messageId === `<${messageId}>`);

async function reply(ticketId: string, body: string, extra: Record<string, unknown> = {}) {
  const r = await agent.post(`/api/v1/tickets/${ticketId}/messages`, { body, ...extra });
  assert.equal(r.status, 201, r.raw);
  return r.body;
}

test('without a channel that can send, a reply stays queued with the reason and is not retried in a loop', async () => {
  const t = await makeTicket(agent, { subject: 'Нет канала' });
  await reply(t.id, 'Ответ без канала');
  const [row] = await outboxOf(t.id);
  assert.equal(row.kind, 'reply');
  assert.equal((await sweepOutbox(ctx.deps)).no_channel, 1);
  const r = await until('the no-channel note', () => db().selectFrom('outbox').selectAll().where('id', '=', row.id).where('last_error', '=', NO_CHANNEL).executeTakeFirst());
  assert.equal(r.status, 'queued');
  assert.equal(r.attempts, 0);
  assert.ok(r.next_attempt_at.getTime() > Date.now() + 60_000, 'next look is minutes away');
  assert.equal((await sweepOutbox(ctx.deps)).no_channel, 0, 'the sweep does not take it again at once');

  const ch = await admin.post('/api/v1/mail/channels', {
    name: 'Support', address: 'support@desk.test',
    settings: { smtpOut: { host: '127.0.0.1', port: sink.port, secure: false, user: 'mailer', password: 'smtp-secret', fromName: 'Slovo Support' }, replyToToken: true },
  });
  assert.equal(ch.status, 201, ch.raw);
  channelId = ch.body.id;
  await db().updateTable('outbox').set({ next_attempt_at: new Date() }).where('id', '=', row.id).execute();
  const counts = await sweepOutbox(ctx.deps);
  assert.equal(counts.sent, 1);
  const sent = await rowWith(row.id, 'sent');
  assert.equal(sent.attempts, 1);
  assert.equal(sent.last_error, null);
  assert.equal((await arrived(sent.message_id!)).length, 1);
});

test('an agent reply reaches the requester with our Message-ID, threading headers, number, marker and no Auto-Submitted', async () => {
  const t = await makeTicket(agent, { subject: 'Re: Не работает вход', requester: { email: 'olga@clients.test', name: 'Ольга' } });
  // the customer's earlier mails on this ticket, as the inbound pipeline records them
  for (const [i, id] of ['first@client.mail', 'second@client.mail'].entries()) {
    await db().insertInto('mail_message_ids').values({ message_id: id, ticket_id: t.id, direction: 'in', created_at: new Date(Date.now() - 60_000 + i * 1000) }).execute();
  }
  const up = await agent.req('POST', '/api/v1/attachments?filename=report.txt', { raw: Buffer.from('log line 1\n'), headers: { 'content-type': 'text/plain' } });
  assert.equal(up.status, 201, up.raw);
  const before = sink.messages.length;
  await reply(t.id, '<p>Сбросили пароль, <b>попробуйте снова</b>.</p>', { format: 'html', attachmentIds: [up.body.id] });
  const [row] = await outboxOf(t.id);
  const sent = await rowWith(row.id, 'sent');
  await sink.waitFor(before + 1);
  const [m] = await arrived(sent.message_id!);
  assert.ok(m, 'the mail arrived');
  const raw = sink.messages.find((x) => x.raw.includes(sent.message_id!))!;
  assert.deepEqual(raw.to, ['olga@clients.test']);
  assert.equal(raw.from, 'support@desk.test');

  const secret = await mailSecret(db());
  assert.equal(ticketFromMessageId(secret, sent.message_id!), t.id, 'the Message-ID carries a signed ticket token');
  assert.match(sent.message_id!, /@desk\.test$/);
  assert.equal(m.subject, `Re: [${t.number}] Не работает вход`);
  assert.equal(m.inReplyTo, '<second@client.mail>');
  assert.deepEqual(m.references, ['<first@client.mail>', '<second@client.mail>']);
  assert.equal(m.from?.value[0].name, 'Slovo Support');
  assert.equal(header(m, 'x-slovo-loop'), loopMarker(secret));
  assert.equal(header(m, 'auto-submitted'), undefined);
  const replyTo = m.replyTo!.value[0].address!;
  assert.equal(ticketFromAddress(secret, replyTo), t.id, 'Reply-To is the signed plus-address');
  assert.ok(m.text!.startsWith(MARKER.ru), 'the marker opens the text');
  assert.match(m.text!, /попробуйте снова/);
  assert.match(m.text!, new RegExp(`${t.number}\\.`), 'the footer names the ticket');
  assert.match(m.html as string, /<b>попробуйте снова<\/b>/);
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0].filename, 'report.txt');
  assert.equal(m.attachments[0].content.toString(), 'log line 1\n');

  const out = await db().selectFrom('mail_message_ids').selectAll().where('message_id', '=', sent.message_id!).executeTakeFirstOrThrow();
  assert.equal(out.direction, 'out');
  assert.equal(out.ticket_id, t.id);
  assert.equal(out.message_id_ref, sent.ticket_message_id);

  const api = await agent.get(`/api/v1/tickets/${t.number}/mail`);
  assert.equal(api.status, 200, api.raw);
  assert.equal(api.body.items.length, 1);
  assert.equal(api.body.items[0].status, 'sent');
  assert.equal(api.body.items[0].messageId, sent.message_id);
  assert.equal(api.body.items[0].to, 'olga@clients.test');
});

test('a 4xx is retried later: the mail arrives exactly once, with the same Message-ID', async () => {
  const t = await makeTicket(agent);
  sink.fail({ code: 451, times: 1 });
  await reply(t.id, 'Ответ после временной ошибки');
  const [row] = await outboxOf(t.id);
  const queued = await until('a retry scheduled', () => db().selectFrom('outbox').selectAll().where('id', '=', row.id).where('attempts', '=', 1).where('status', '=', 'queued').executeTakeFirst());
  assert.match(queued.last_error!, /451/);
  assert.ok(queued.next_attempt_at.getTime() > Date.now() + 30_000, 'backoff: about a minute');
  assert.equal((await arrived(queued.message_id!)).length, 0);
  assert.equal(await sendOne(ctx.deps, row.id), 'skipped', 'not due yet');

  await db().updateTable('outbox').set({ next_attempt_at: new Date() }).where('id', '=', row.id).execute();
  await sweepOutbox(ctx.deps);
  await sweepOutbox(ctx.deps);
  const sent = await rowWith(row.id, 'sent');
  assert.equal(sent.attempts, 2);
  assert.equal(sent.message_id, queued.message_id, 'the retry keeps the Message-ID');
  assert.equal((await arrived(sent.message_id!)).length, 1, 'exactly one copy');
});

test('after the last attempt a 4xx fails the mail for good', async () => {
  const t = await makeTicket(agent);
  const row = await db()
    .insertInto('outbox')
    .values({ to_address: 'late@clients.test', subject: 's', body_text: 'b', kind: 'reply', ticket_id: t.id, attempts: MAX_ATTEMPTS - 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  sink.fail({ code: 451, times: 1, stage: 'mail' });
  assert.equal(await sendOne(ctx.deps, row.id), 'failed');
  const r = await db().selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  assert.equal(r.status, 'failed');
  assert.equal(r.attempts, MAX_ATTEMPTS);
  assert.match(r.last_error!, /gave up after 8 attempts.*451/);
  const ev = await db().selectFrom('ticket_events').select('kind').where('ticket_id', '=', t.id).where('kind', '=', 'mail_failed').execute();
  assert.equal(ev.length, 1);
});

test('a 5xx fails the mail for good; the ticket shows it; an admin can send it again', async () => {
  const t = await makeTicket(agent);
  sink.fail({ code: 550, times: 1, stage: 'rcpt', message: 'No such user here' });
  await reply(t.id, 'Ответ на несуществующий адрес');
  const [row] = await outboxOf(t.id);
  const failed = await rowWith(row.id, 'failed');
  assert.equal(failed.permanent, true);
  assert.equal(failed.attempts, 1);
  assert.match(failed.last_error!, /550/);

  const mails = await agent.get(`/api/v1/tickets/${t.id}/mail`);
  assert.equal(mails.body.items[0].status, 'failed');
  assert.equal(mails.body.items[0].permanent, true);
  assert.match(mails.body.items[0].lastError, /No such user/);
  const events = await agent.get(`/api/v1/tickets/${t.id}/events`);
  assert.equal(events.status, 200, events.raw);
  const ev = events.body.items.find((e: { kind: string }) => e.kind === 'mail_failed');
  assert.ok(ev, 'a mail_failed event');
  assert.equal(ev.actor.type, 'system');
  assert.equal(ev.data.outboxId, row.id);

  const lead = await ctx.as('lead');
  const failedList = await lead.get('/api/v1/mail/outbox?status=failed&limit=200');
  assert.equal(failedList.status, 200, failedList.raw);
  const listed = failedList.body.items.find((i: { id: string }) => i.id === row.id);
  assert.equal(listed?.ticketId, t.id);
  assert.ok(failedList.body.items.every((i: { status: string }) => i.status === 'failed'));

  assert.equal((await agent.post(`/api/v1/mail/outbox/${row.id}/retry`)).status, 403);
  const r = await admin.post(`/api/v1/mail/outbox/${row.id}/retry`);
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.status, 'queued');
  const sent = await rowWith(row.id, 'sent');
  assert.equal(sent.message_id, failed.message_id);
  assert.equal((await arrived(sent.message_id!)).length, 1);
  assert.equal((await admin.post(`/api/v1/mail/outbox/${row.id}/retry`)).status, 422, 'a sent mail is not sent again');
});

test('a row left in "sending" by a crash is sent by the sweep exactly once, even with racing workers', async () => {
  const t = await makeTicket(agent, { requester: { email: 'crash@clients.test', name: 'Crash' } });
  const row = await db()
    .insertInto('outbox')
    .values({
      to_address: 'crash@clients.test', subject: `[${t.number}] Crash`, body_text: 'after a crash', kind: 'reply', ticket_id: t.id,
      status: 'sending', attempts: 1, next_attempt_at: sql<Date>`now() - interval '1 second'`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const results = await Promise.all([sendOne(ctx.deps, row.id), sendOne(ctx.deps, row.id), sweepOutbox(ctx.deps), sweepOutbox(ctx.deps)]);
  const sent = await rowWith(row.id, 'sent');
  assert.equal(sent.attempts, 2);
  assert.equal((await arrived(sent.message_id!)).length, 1, 'one copy although four workers tried');
  const [a, b, c, d] = results;
  assert.equal([a, b].filter((r) => r === 'sent').length + c.sent + d.sent, 1, 'one worker sent it, the others skipped');
  await sweepOutbox(ctx.deps);
  assert.equal((await arrived(sent.message_id!)).length, 1);

  // a row still inside its lease is left alone
  const leased = await db()
    .insertInto('outbox')
    .values({ to_address: 'crash@clients.test', subject: 'x', body_text: 'x', kind: 'reply', ticket_id: t.id, status: 'sending', attempts: 1, next_attempt_at: sql<Date>`now() + interval '4 minutes'` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sweepOutbox(ctx.deps);
  const still = await db().selectFrom('outbox').select(['status', 'attempts']).where('id', '=', leased.id).executeTakeFirstOrThrow();
  assert.deepEqual(still, { status: 'sending', attempts: 1 });
  await db().deleteFrom('outbox').where('id', '=', leased.id).execute();
});

test('rows written by other code (no job) are sent by the sweep as automatic notices', async () => {
  const row = await db()
    .insertInto('outbox')
    .values({ to_address: 'portal@clients.test', subject: 'Вход в портал', body_text: 'https://x/portal?token=abc', kind: 'magic_link' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sweepOutbox(ctx.deps);
  const sent = await rowWith(row.id, 'sent');
  const [m] = await arrived(sent.message_id!);
  assert.equal(header(m, 'auto-submitted'), 'auto-replied');
  assert.equal(header(m, 'x-auto-response-suppress'), 'All');
  assert.ok(header(m, 'x-slovo-loop'));
  assert.equal(m.inReplyTo, undefined);
  assert.equal(channelId, sent.channel_id, 'no ticket: the first channel that can send');
});

test('acknowledgements: Auto-Submitted, the number, at most 3 per address per hour, the rest recorded on the ticket', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const t = await makeTicket(agent, { subject: `Вопрос ${i}`, requester: { email: 'Flood@Clients.test', name: 'Flood' } });
    const raw = Buffer.from(`From: flood@clients.test\r\nSubject: q${i}\r\n\r\nhi ${i}\r\n`);
    const mail = await db()
      .insertInto('inbound_mails')
      .values({ channel_id: channelId, path: 'raw', sha256: `${'a'.repeat(63)}${i}`, size: raw.length, raw, stage: 'applied', ticket_id: t.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db().transaction().execute((trx) => queueAck(trx, ctx.deps, { ticketId: t.id, inboundMailId: mail.id, to: 'Flood@Clients.test', language: 'en' }));
    // the same mail applied twice: still one ack
    await db().transaction().execute((trx) => queueAck(trx, ctx.deps, { ticketId: t.id, inboundMailId: mail.id, to: 'flood@clients.test', language: 'en' }));
    ids.push(t.id);
  }
  const acks = await db().selectFrom('outbox').selectAll().where('kind', '=', 'ack').where('ticket_id', 'in', ids).orderBy('id').execute();
  assert.equal(acks.length, 3);
  const suppressed = await db().selectFrom('ticket_events').selectAll().where('ticket_id', '=', ids[3]).where('kind', '=', 'ack_suppressed').execute();
  assert.equal(suppressed.length, 1);
  assert.equal(suppressed[0].actor_type, 'system');
  const loop = await db().selectFrom('mail_alerts').selectAll().where('channel_id', '=', channelId).where('kind', '=', 'loop').where('cleared_at', 'is', null).executeTakeFirst();
  assert.equal(loop, undefined, 'a few tickets from one person are no loop');

  for (const a of acks) await rowWith(a.id, 'sent');
  const sent = await rowWith(acks[0].id, 'sent');
  const [m] = await arrived(sent.message_id!);
  assert.equal(header(m, 'auto-submitted'), 'auto-replied');
  const t0 = await db().selectFrom('tickets').select('number').where('id', '=', ids[0]).executeTakeFirstOrThrow();
  assert.equal(m.subject, `[SL-${t0.number}] Вопрос 0`);
  assert.ok(m.text!.startsWith(MARKER.en));
  assert.match(m.text!, new RegExp(`We have received your request SL-${t0.number}`));
});

test('ten new tickets from one address within an hour raise a loop alert', async () => {
  const ch = await db().insertInto('mail_channels').values({ name: 'Loop', address: 'loop-desk@e2e.test', webhook_token: 'l'.repeat(32) }).returning('id').executeTakeFirstOrThrow();
  const alert = () => db().selectFrom('mail_alerts').selectAll().where('channel_id', '=', ch.id).where('kind', '=', 'loop').where('cleared_at', 'is', null).executeTakeFirst();
  for (let i = 0; i < LOOP_ALERT_TICKETS; i++) {
    const t = await makeTicket(agent, { subject: `Auto ${i}`, requester: { email: 'robot@loop.test', name: 'Robot' } });
    const raw = Buffer.from(`From: robot@loop.test\r\nSubject: auto ${i}\r\n\r\nticket received ${i}\r\n`);
    const mail = await db()
      .insertInto('inbound_mails')
      .values({ channel_id: ch.id, path: 'raw', sha256: `${'b'.repeat(62)}${String(i).padStart(2, '0')}`, size: raw.length, raw, stage: 'applied', ticket_id: t.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (i === LOOP_ALERT_TICKETS - 1) assert.equal(await alert(), undefined, 'no alert before the tenth ticket');
    await db().transaction().execute((trx) => queueAck(trx, ctx.deps, { ticketId: t.id, inboundMailId: mail.id, to: 'robot@loop.test', language: 'en', channelId: ch.id }));
  }
  const a = await alert();
  assert.ok(a, 'a loop alert is open');
  assert.match(a.message, /robot@loop\.test/);
});

test('internal notes are never mailed', async () => {
  const t = await makeTicket(agent);
  const before = sink.messages.length;
  const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Внутренняя заметка: клиент должен денег', kind: 'note' });
  assert.equal(r.status, 201, r.raw);
  assert.equal((await outboxOf(t.id)).length, 0);
  await sweepOutbox(ctx.deps);
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(sink.messages.length, before);
  assert.ok(!sink.messages.some((m) => m.raw.toString().includes('должен денег')));
});

test('a ticket an agent opens towards a customer mails its first message; a customer-written first message is not mailed back', async () => {
  const r = await agent.post('/api/v1/tickets', {
    subject: 'Плановые работы в субботу', requester: { email: 'notice@clients.test', name: 'Пётр' }, channel: 'email',
    message: { body: 'Пётр, в субботу с 02:00 до 04:00 сервис будет недоступен.', author: 'agent' },
  });
  assert.equal(r.status, 201, r.raw);
  const [row] = await outboxOf(r.body.id);
  assert.equal(row?.kind, 'reply');
  assert.equal(row.to_address, 'notice@clients.test');
  const sent = await rowWith(row.id, 'sent');
  const [mail] = await arrived(sent.message_id!);
  assert.ok(mail, 'the customer got it');
  assert.match(mail.text ?? '', /с 02:00 до 04:00/);
  assert.match(mail.subject ?? '', new RegExp(r.body.number));

  const c = await agent.post('/api/v1/tickets', { subject: 'Звонок клиента', requester: { email: 'caller@clients.test' }, channel: 'phone', message: { body: 'Клиент звонил: не проходит оплата.' } });
  assert.equal(c.status, 201, c.raw);
  assert.equal((await outboxOf(c.body.id)).length, 0);
  const note = await agent.post('/api/v1/tickets', { subject: 'Заметка', requester: { email: 'caller@clients.test' }, channel: 'phone', message: { body: 'Только для своих', author: 'agent', kind: 'note' } });
  assert.equal(note.status, 201, note.raw);
  assert.equal((await outboxOf(note.body.id)).length, 0);
});

test('a burst of 200 mails, sent by jobs and two sweeps at once: every mail arrives exactly once', async () => {
  const before = sink.messages.length;
  const started = Date.now();
  const ids = await db().transaction().execute(async (trx) => {
    const out: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await trx
        .insertInto('outbox')
        .values({ to_address: `burst${i}@clients.test`, subject: `burst ${i}`, body_text: `mail ${i}`, kind: 'magic_link' })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (i % 2 === 0) await enqueue(ctx.deps, trx, 'mail.send', { outboxId: r.id }); // half by the fast path
      out.push(r.id);
    }
    return out;
  });
  await Promise.all([sweepOutbox(ctx.deps), sweepOutbox(ctx.deps)]);
  await sink.waitFor(before + 200, 30_000);
  const ms = Date.now() - started;
  const rows = await db().selectFrom('outbox').select(['status', 'message_id']).where('id', 'in', ids).execute();
  assert.ok(rows.every((r) => r.status === 'sent'));
  await new Promise((r) => setTimeout(r, 1000)); // late duplicates would show now
  const got = sink.messages.slice(before).map((m) => /^Message-ID: <([^>]+)>/im.exec(m.raw.toString())![1]);
  assert.equal(got.length, 200);
  assert.equal(new Set(got).size, 200);
  assert.deepEqual(new Set(got), new Set(rows.map((r) => r.message_id)));
  console.log(`outbox burst: 200 mails in ${ms} ms (${Math.round(200_000 / ms)} mails/s over a pool of 3 SMTP connections)`);
});

test('a ticket that came by mail is answered from the channel it came in by; a wrong SMTP password is retried, not failed', async () => {
  const sink2 = await startSmtpSink({ user: 'sales-mailer', password: 'right' });
  try {
    const ch = await admin.post('/api/v1/mail/channels', {
      name: 'Sales', address: 'sales@desk.test',
      settings: { smtpOut: { host: '127.0.0.1', port: sink2.port, secure: false, user: 'sales-mailer', password: 'right' } },
    });
    assert.equal(ch.status, 201, ch.raw);
    const t = await makeTicket(agent, { requester: { email: 'buyer@clients.test', name: 'Buyer' } });
    const raw = Buffer.from('From: buyer@clients.test\r\nSubject: price\r\n\r\nhow much?\r\n');
    await db().insertInto('inbound_mails')
      .values({ channel_id: ch.body.id, path: 'raw', sha256: 'b'.repeat(64), size: raw.length, raw, stage: 'applied', ticket_id: t.id })
      .execute();
    await reply(t.id, 'Цена в приложении');
    const [row] = await outboxOf(t.id);
    const sent = await rowWith(row.id, 'sent');
    assert.equal(sent.channel_id, ch.body.id);
    const [m] = await sink2.waitFor(1);
    assert.equal(m.from, 'sales@desk.test');
    assert.match(sent.message_id!, /@desk\.test$/);

    await admin.patch(`/api/v1/mail/channels/${ch.body.id}`, {
      settings: { smtpOut: { host: '127.0.0.1', port: sink2.port, secure: false, user: 'sales-mailer', password: 'wrong' } },
    });
    await reply(t.id, 'Второй ответ');
    const second = (await outboxOf(t.id))[1];
    const retry = await until('a retry after the failed login', () =>
      db().selectFrom('outbox').selectAll().where('id', '=', second.id).where('attempts', '=', 1).where('status', '=', 'queued').executeTakeFirst());
    assert.match(retry.last_error!, /535|EAUTH/);
    assert.equal(retry.permanent, false);
    assert.equal(sink2.messages.length, 1);
  } finally {
    await sink2.close();
  }
});
