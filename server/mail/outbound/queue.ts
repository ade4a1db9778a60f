// Writing outbound mails: agent replies and acknowledgements, inside the caller's transaction.
// The row is the promise to send; the mail.send job (and the minute sweep) keep it.
import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/db.ts';
import { raiseAlert } from '../health/alerts.ts';
import type { OutboxTable } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { enqueue, enqueueMany } from '../../jobs/boss.ts';
import { ticketRef } from '../../modules/tickets/ticket-number.ts';
import { ackMail, lang, replyMail, ticketSubject, type MailPromise } from './templates.ts';
import { DateTime } from 'luxon';
import { calendarForTicket } from '../../modules/calendars/resolve.ts';
import { promiseSettings } from '../../modules/promises/promises.settings.ts';

/** At most this many acknowledgements per recipient address per hour. */
export const ACK_LIMIT_PER_HOUR = 3;

/** The requester's address: the primary one, else the oldest. */
export async function requesterEmail(db: Db, customerId: string): Promise<string | null> {
  const r = await db
    .selectFrom('customer_emails')
    .select('email')
    .where('customer_id', '=', customerId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('email')
    .limit(1)
    .executeTakeFirst();
  return r?.email ?? null;
}

let canSendSeen = 0;
/** Is any channel able to send? A yes is remembered for a minute; a no is asked again next time. */
export async function anyChannelCanSend(db: Db): Promise<boolean> {
  if (Date.now() - canSendSeen < 60_000) return true;
  const r = await db
    .selectFrom('mail_channels')
    .select('id')
    .where('active', '=', true)
    .where(sql<boolean>`coalesce(settings->'smtpOut'->>'host', '') <> ''`)
    .limit(1)
    .executeTakeFirst();
  if (r) canSendSeen = Date.now();
  return !!r;
}

/** Inserts the row (idempotent on dedupe_key) and, when new, asks for a send right after commit
 *  (not when no channel can send: the minute sweep notes why and keeps it queued). */
async function insertOutbox(trx: Db, deps: Deps, values: Insertable<OutboxTable>): Promise<string | null> {
  const row = await trx
    .insertInto('outbox')
    .values(values)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row && (await anyChannelCanSend(trx))) await enqueue(deps, trx, 'mail.send', { outboxId: row.id });
  return row?.id ?? null;
}

/** An agent's public reply goes to the requester by mail. Notes and agent-less messages never do. */
export async function queueReply(trx: Db, deps: Deps, input: { ticketId: string; messageId: string }): Promise<string | null> {
  const m = await trx
    .selectFrom('messages as m')
    .innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .innerJoin('customers as c', 'c.id', 't.requester_id')
    .leftJoin('users as u', 'u.id', 'm.author_user_id')
    .select(['m.kind', 'm.author_type', 'm.body_html', 'm.body_text', 't.number', 't.subject', 't.requester_id', 'c.language', 'u.name as agent_name'])
    .where('m.id', '=', input.messageId)
    .where('m.ticket_id', '=', input.ticketId)
    .executeTakeFirst();
  if (!m || m.kind !== 'reply' || m.author_type !== 'agent') return null;
  const to = await requesterEmail(trx, m.requester_id);
  if (!to) return null;
  const ref = ticketRef(deps.config, m.number);
  const promises = await replyPromises(trx, input.ticketId, input.messageId, lang(m.language));
  const body = replyMail(lang(m.language), { ref, html: m.body_html, text: m.body_text, agentName: m.agent_name, promises });
  return insertOutbox(trx, deps, {
    to_address: to, kind: 'reply', dedupe_key: `reply:${input.messageId}`, ticket_id: input.ticketId, ticket_message_id: input.messageId,
    subject: ticketSubject(ref, m.subject, true), body_text: body.text, body_html: body.html, auto_submitted: false,
  });
}

/** The customer-visible promises this reply made, with due times in the ticket's calendar zone
 *  (settings key 'promises'.showInReply, default on). */
async function replyPromises(trx: Db, ticketId: string, messageId: string, l: 'ru' | 'en'): Promise<MailPromise[]> {
  const rows = await trx.selectFrom('promises').select(['text', 'due_at']).where('message_id', '=', messageId)
    .where('visible_to_customer', '=', true).where('state', '=', 'open').orderBy('due_at').execute();
  if (!rows.length || !(await promiseSettings(trx)).showInReply) return [];
  const zone = (await calendarForTicket(trx, ticketId)).timeZone;
  return rows.map((r) => ({
    text: r.text,
    due: DateTime.fromJSDate(new Date(r.due_at), { zone }).setLocale(l).toFormat(l === 'ru' ? "d MMMM, HH:mm (ZZZZ)" : "MMMM d, HH:mm (ZZZZ)"),
  }));
}

/** An open loop alert of the channel seen within the last minute (a plain read: no row lock). */
async function recentLoopAlert(trx: Db, channelId: string): Promise<boolean> {
  const r = await trx.selectFrom('mail_alerts').select('id')
    .where('channel_id', '=', channelId).where('path', 'is', null).where('kind', '=', 'loop').where('cleared_at', 'is', null)
    .where('last_seen_at', '>', sql<Date>`now() - interval '1 minute'`)
    .executeTakeFirst();
  return !!r;
}

/** Automatic acknowledgement of a new ticket that came by mail (Auto-Submitted: auto-replied). */
/** New tickets from one address within an hour that raise a loop alert (acknowledgements stop at ACK_LIMIT_PER_HOUR). */
export const LOOP_ALERT_TICKETS = 10;

export async function queueAck(
  trx: Db, deps: Deps,
  input: { ticketId: string; inboundMailId: string; to: string; language: string; ticket?: { number: string; subject: string }; channelId?: string },
): Promise<string | null> {
  const to = input.to.trim().toLowerCase();
  const dedupeKey = `ack:${input.inboundMailId}`;
  // one writer per address at a time, so two new tickets cannot both see "2 so far"
  await sql`select pg_advisory_xact_lock(hashtext(${`slovo.ack:${to}`}))`.execute(trx);
  // the same mail applied again (nothing new to say), and the address's acknowledgements this hour: one read
  const seen = await sql<{ done: string | null; n: number }>`
    select (select id from outbox where dedupe_key = ${dedupeKey}) as done,
           (select count(*)::int from outbox where kind = 'ack' and lower(to_address) = ${to} and created_at > now() - interval '1 hour') as n`.execute(trx);
  const { done, n } = seen.rows[0];
  if (done) return String(done);
  const recent = { n };
  if (recent.n >= ACK_LIMIT_PER_HOUR) {
    const noted = await trx
      .selectFrom('ticket_events')
      .select('id')
      .where('ticket_id', '=', input.ticketId)
      .where('kind', '=', 'ack_suppressed')
      .where(sql`data->>'inboundMailId'`, '=', String(input.inboundMailId))
      .executeTakeFirst();
    if (noted) return null;
    await trx.insertInto('ticket_events').values({
      ticket_id: input.ticketId, actor_type: 'system', kind: 'ack_suppressed',
      data: JSON.stringify({ to, inboundMailId: input.inboundMailId, reason: `more than ${ACK_LIMIT_PER_HOUR} acknowledgements to this address within an hour` }),
      created_at: new Date(),
    }).execute();
    // many new tickets from one address within the hour: more likely a robot answering our acknowledgements than a person
    const burst = await trx
      .selectFrom('tickets as t')
      .innerJoin('tickets as me', 'me.requester_id', 't.requester_id')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('me.id', '=', input.ticketId)
      .where('t.created_at', '>', sql<Date>`now() - interval '1 hour'`)
      .executeTakeFirstOrThrow();
    const ch = input.channelId ?? (await trx.selectFrom('inbound_mails').select('channel_id').where('id', '=', input.inboundMailId).executeTakeFirst())?.channel_id;
    // an alert seen within the minute is left as it is: refreshing that one row from every suppressed
    // acknowledgement serialized the applying transactions of a whole loop behind its row lock
    if (ch && burst.n >= LOOP_ALERT_TICKETS && !(await recentLoopAlert(trx, ch))) {
      await raiseAlert(trx, { channelId: ch, path: null, kind: 'loop', message: `${burst.n} new tickets from ${to} within an hour; acknowledgements suppressed (a mail loop?)`, data: { to, ticketId: input.ticketId } });
    }
    return null;
  }
  const t = input.ticket ?? await trx.selectFrom('tickets').select(['number', 'subject']).where('id', '=', input.ticketId).executeTakeFirstOrThrow();
  const mail = input.channelId ? { channel_id: input.channelId } : await trx.selectFrom('inbound_mails').select('channel_id').where('id', '=', input.inboundMailId).executeTakeFirst();
  const ref = ticketRef(deps.config, t.number);
  const body = ackMail(lang(input.language), { ref, subject: t.subject });
  return insertOutbox(trx, deps, {
    to_address: to, kind: 'ack', dedupe_key: dedupeKey, ticket_id: input.ticketId, channel_id: mail?.channel_id ?? null,
    subject: ticketSubject(ref, t.subject, false), body_text: body.text, body_html: body.html, auto_submitted: true,
  });
}

type AckInput = { ticketId: string; inboundMailId: string; to: string; language: string; ticket: { number: string; subject: string }; channelId: string };

/**
 * queueAck for many tickets created in this transaction (mails applied together): the addresses'
 * locks in one statement (sorted, so two groups lock in one order), one read of what was already
 * sent, one insert. An address over its hourly limit is noted on its ticket, and a loop alert
 * raised as queueAck raises it.
 */
export async function queueAcks(trx: Db, deps: Deps, list: AckInput[]): Promise<void> {
  if (!list.length) return;
  const items = list.map((a) => ({ ...a, to: a.to.trim().toLowerCase(), dedupeKey: `ack:${a.inboundMailId}` }));
  const addrs = [...new Set(items.map((a) => a.to))].sort();
  await sql`select pg_advisory_xact_lock(hashtext('slovo.ack:' || a)) from (select a from unnest(${addrs}::text[]) as a order by a) s`.execute(trx);
  const seen = await sql<{ addr: string | null; key: string | null; n: number }>`
    select a as addr, null::text as key, (select count(*)::int from outbox where kind = 'ack' and lower(to_address) = a and created_at > now() - interval '1 hour') as n
    from unnest(${addrs}::text[]) as a
    union all
    select null, dedupe_key, 0 from outbox where dedupe_key = any(${items.map((a) => a.dedupeKey)}::text[])`.execute(trx);
  const sent = new Map(seen.rows.filter((r) => r.addr !== null).map((r) => [r.addr!, r.n]));
  const done = new Set(seen.rows.filter((r) => r.key !== null).map((r) => r.key!));
  const rows: Insertable<OutboxTable>[] = [];
  const over: (AckInput & { to: string })[] = [];
  for (const a of items) {
    if (done.has(a.dedupeKey)) continue;
    const n = sent.get(a.to) ?? 0;
    if (n >= ACK_LIMIT_PER_HOUR) { over.push(a); continue; }
    sent.set(a.to, n + 1);
    const ref = ticketRef(deps.config, a.ticket.number);
    const body = ackMail(lang(a.language), { ref, subject: a.ticket.subject });
    rows.push({
      to_address: a.to, kind: 'ack', dedupe_key: a.dedupeKey, ticket_id: a.ticketId, channel_id: a.channelId,
      subject: ticketSubject(ref, a.ticket.subject, false), body_text: body.text, body_html: body.html, auto_submitted: true,
    });
  }
  if (rows.length) {
    const ids = await trx.insertInto('outbox').values(rows).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').execute();
    if (ids.length && (await anyChannelCanSend(trx))) await enqueueMany(deps, trx, 'mail.send', ids.map((r) => ({ outboxId: r.id })));
  }
  if (over.length) await suppressAcks(trx, over);
}

/** New tickets (this transaction's) whose address is over its hourly limit: noted on each ticket, and a
 *  loop alert for the channel when one requester opened LOOP_ALERT_TICKETS tickets within the hour. */
async function suppressAcks(trx: Db, over: (AckInput & { to: string })[]): Promise<void> {
  const now = new Date();
  await trx.insertInto('ticket_events').values(over.map((a) => ({
    ticket_id: a.ticketId, actor_type: 'system', kind: 'ack_suppressed', created_at: now,
    data: JSON.stringify({ to: a.to, inboundMailId: a.inboundMailId, reason: `more than ${ACK_LIMIT_PER_HOUR} acknowledgements to this address within an hour` }),
  }))).execute();
  const bursts = await sql<{ id: string; n: number }>`
    select me.id::text as id, count(*)::int as n from tickets me join tickets t on t.requester_id = me.requester_id
    where me.id = any(${over.map((a) => a.ticketId)}::bigint[]) and t.created_at > now() - interval '1 hour' group by me.id`.execute(trx);
  const n = new Map(bursts.rows.map((r) => [r.id, r.n]));
  const alerted = new Set<string>();
  for (const a of over) {
    const burst = n.get(String(a.ticketId)) ?? 0;
    if (burst < LOOP_ALERT_TICKETS || alerted.has(a.channelId)) continue;
    alerted.add(a.channelId);
    if (!(await recentLoopAlert(trx, a.channelId))) {
      await raiseAlert(trx, { channelId: a.channelId, path: null, kind: 'loop', message: `${burst} new tickets from ${a.to} within an hour; acknowledgements suppressed (a mail loop?)`, data: { to: a.to, ticketId: a.ticketId } });
    }
  }
}
