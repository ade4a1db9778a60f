// Stage 3: which ticket a parsed mail belongs to, or why it belongs to none.
// Proof first (our signed Message-ID or reply address), then In-Reply-To/References to
// mail we received from the same customer; the [SL-123] subject tag is only a hint that
// must agree with the sender (the "Ticket Trick": a stranger must not get into a ticket).
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { domainOf, orgForDomain } from '../modules/people/customer-lookup.ts';
import { isOwnMessageId, loopMarker, ticketFromAddress, ticketFromMessageId } from './reply-token.ts';
import type { ParsedMail } from './types.ts';

export type Decision =
  | { action: 'ignore'; code: 'bounce' | 'auto_reply' | 'own_message' | 'probe'; detail: string; bouncedMessageId?: string | null }
  | { action: 'quarantine'; code: 'no_sender' | 'loop'; reason: string }
  | { action: 'wait'; reason: string }
  | {
      action: 'append' | 'create';
      ticketId: string | null; // append: the ticket; create: null
      followUpOf: string | null; // create: the closed ticket this continues
      via: 'token' | 'reply_address' | 'references' | 'subject' | 'new';
      auto: boolean; // an auto-reply (out of office…): kept, never answered, reopens nothing
      bulk: boolean; // list or bulk mail: never answered automatically
      hintRejected: string | null; // a subject ticket tag that did not match the sender
      dedupeKey: string;
    };

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Same mail through two paths → same key; a forged Message-ID with other content → another key. */
export function dedupeKey(p: ParsedMail): string {
  const fp = sha(`${p.from?.address ?? ''}\n${norm(p.subject)}\n${norm(p.text).slice(0, 100_000)}\n${p.attachments.map((a) => a.sha256).sort().join(',')}`);
  return p.messageId ? `m:${sha(p.messageId)}:${fp}` : `f:${fp}`;
}

export function isAutoReply(p: ParsedMail): boolean {
  const as = p.loop.autoSubmitted?.toLowerCase().trim();
  const prec = p.loop.precedence?.toLowerCase().trim();
  return (!!as && as !== 'no') || !!p.loop.xAutoreply || prec === 'auto_reply';
}

export function isBulk(p: ParsedMail): boolean {
  const prec = p.loop.precedence?.toLowerCase().trim();
  return !!p.loop.listId || prec === 'bulk' || prec === 'list' || prec === 'junk';
}

export function isBounce(p: ParsedMail): boolean {
  if (p.dsn.isDsn) return true;
  const rp = p.loop.returnPath?.trim();
  const from = p.from?.address ?? '';
  return (rp === '<>' || rp === '') && /^(mailer-daemon|postmaster)@/i.test(from);
}

/** The ticket's requester and everyone with an address of that customer. */
async function requesterMatches(db: Db, ticketId: string, sender: string): Promise<boolean> {
  const r = await db
    .selectFrom('tickets as t')
    .innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id')
    .select('t.id')
    .where('t.id', '=', ticketId)
    .where('e.email', '=', sender)
    .executeTakeFirst();
  return !!r;
}

/** May this sender write into the ticket on the strength of our token? The requester, someone who
 * already wrote in it, or a colleague from the requester's organization; a stranger who got hold
 * of a token (a forwarded mail, a reply address used to sign up somewhere) may not. */
async function mayUseToken(db: Db, ticketId: string, sender: string): Promise<boolean> {
  if (await requesterMatches(db, ticketId, sender)) return true;
  const r = await db
    .selectFrom('customer_emails as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .innerJoin('tickets as t', (j) => j.on('t.id', '=', ticketId))
    .select('c.id')
    .where('e.email', '=', sender)
    .where((eb) => eb.or([
      eb.and([eb('c.organization_id', 'is not', null), eb('c.organization_id', '=', eb.ref('t.organization_id'))]),
      eb.exists(eb.selectFrom('messages as m').select('m.id').where('m.ticket_id', '=', ticketId).where('m.author_customer_id', '=', eb.ref('c.id'))),
    ]))
    .executeTakeFirst();
  if (r) return true;
  // a new sender: a colleague when their domain belongs to the ticket's organization
  const known = await db.selectFrom('customer_emails').select('customer_id').where('email', '=', sender).executeTakeFirst();
  if (known) return false;
  const t = await db.selectFrom('tickets').select('organization_id').where('id', '=', ticketId).executeTakeFirst();
  return !!t?.organization_id && (await orgForDomain(db, domainOf(sender))) === t.organization_id;
}

/** Follows merges to the ticket that lives on. */
async function liveTicket(db: Db, id: string): Promise<{ id: string; status: string } | null> {
  let cur = id;
  for (let i = 0; i < 10; i++) {
    const t = await db.selectFrom('tickets').select(['id', 'status', 'merged_into_id']).where('id', '=', cur).executeTakeFirst();
    if (!t) return null;
    if (!t.merged_into_id) return { id: t.id, status: t.status };
    cur = t.merged_into_id;
  }
  return null;
}

export type ThreadInput = {
  channelId: string; mailId: string; parsed: ParsedMail; secret: string; prefix: string; release: boolean; waited: number;
  /** the sender's earlier mails of the last 10 minutes, when the caller counted them for a batch (senderCounts) */
  senderRecent?: number;
};

/** The sender's earlier mails of the last 10 minutes, for many mails in one statement (as decide counts them). */
export async function senderCounts(deps: Deps, mails: { mailId: string; channelId: string; sender: string }[]): Promise<Map<string, number>> {
  if (!mails.length) return new Map();
  const r = await sql<{ id: string; n: number }>`
    select v.id::text as id, (select count(*)::int from inbound_mails m where m.channel_id = v.ch and m.from_address = v.s
      and m.received_at > now() - interval '10 minutes' and m.id < v.id and m.stage <> 'duplicate') as n
    from unnest(${mails.map((m) => m.mailId)}::bigint[], ${mails.map((m) => m.channelId)}::bigint[], ${mails.map((m) => m.sender)}::text[]) as v(id, ch, s)`.execute(deps.db);
  return new Map(r.rows.map((x) => [x.id, x.n]));
}

export async function decide(deps: Deps, input: ThreadInput): Promise<Decision> {
  const { parsed: p, secret, db } = { ...input, db: deps.db };
  const sender = p.from?.address ?? p.sender?.address ?? null;
  if (!sender || !/^[^@\s]+@[^@\s]+$/.test(sender)) return { action: 'quarantine', code: 'no_sender', reason: 'no usable From address' };

  if (p.loop.xSlovoProbe) return { action: 'ignore', code: 'probe', detail: 'heartbeat probe' };
  // X-Slovo-Loop of another Slovo (a partner's help desk) is someone writing to us, not our mail
  if ((p.messageId && isOwnMessageId(secret, p.messageId)) || p.loop.xSlovoLoop?.trim() === loopMarker(secret)) {
    return { action: 'ignore', code: 'own_message', detail: 'a mail this instance sent came back' };
  }
  if (isBounce(p)) return { action: 'ignore', code: 'bounce', detail: p.dsn.status ?? 'delivery status notification', bouncedMessageId: p.dsn.originalMessageId };

  const auto = isAutoReply(p);
  const bulk = isBulk(p);

  if (!input.release) {
    // a sender writing faster than any person can: a loop with another robot
    const recent = input.senderRecent !== undefined ? { n: input.senderRecent } : await db
      .selectFrom('inbound_mails')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('channel_id', '=', input.channelId)
      .where('from_address', '=', sender)
      .where('received_at', '>', sql<Date>`now() - interval '10 minutes'`)
      .where('id', '<', input.mailId) // the earlier ones, whatever stage they reached: the same answer in any batch
      .where('stage', '<>', 'duplicate')
      .executeTakeFirstOrThrow();
    if (recent.n >= deps.config.SLOVO_MAIL_SENDER_LIMIT) {
      return { action: 'quarantine', code: 'loop', reason: `more than ${deps.config.SLOVO_MAIL_SENDER_LIMIT} mails from ${sender} within 10 minutes` };
    }
  }

  const base = { auto, bulk, dedupeKey: dedupeKey(p), hintRejected: null as string | null };
  const found = (ticketId: string, via: 'token' | 'reply_address' | 'references' | 'subject') => ({ ticketId, via });
  let hit: { ticketId: string; via: 'token' | 'reply_address' | 'references' | 'subject' } | null = null;

  // 1. proof: a signed Message-ID of ours in In-Reply-To/References, or our signed reply address
  const refs = [...p.inReplyTo, ...[...p.references].reverse()];
  for (const id of refs) {
    const t = ticketFromMessageId(secret, id);
    if (!t) continue;
    if (await mayUseToken(db, t, sender)) { hit = found(t, 'token'); break; }
    base.hintRejected = `token:${t}`;
  }
  if (!hit) {
    for (const a of [...p.to, ...p.cc].map((x) => x.address).concat(p.deliveredTo)) {
      const t = ticketFromAddress(secret, a);
      if (!t) continue;
      if (await mayUseToken(db, t, sender)) { hit = found(t, 'reply_address'); break; }
      base.hintRejected = `reply_address:${t}`;
    }
  }
  // 2. references to mail we received on a ticket, only when the sender is that ticket's requester
  if (!hit && refs.length) {
    const rows = await db.selectFrom('mail_message_ids').select(['message_id', 'ticket_id']).where('message_id', 'in', refs.slice(0, 100)).execute();
    for (const id of refs) {
      const r = rows.find((x) => x.message_id === id);
      if (r && (await requesterMatches(db, r.ticket_id, sender))) { hit = found(r.ticket_id, 'references'); break; }
    }
    if (!hit && input.waited < 5) {
      // the mail it answers is still in the pipeline: wait for it rather than open a second ticket
      const pending = await db
        .selectFrom('inbound_mails')
        .select('id')
        .where('channel_id', '=', input.channelId)
        .where('message_id', 'in', refs.slice(0, 100))
        .where('stage', 'in', ['received', 'parsed', 'threaded'])
        .where('id', '<>', input.mailId)
        .executeTakeFirst();
      if (pending) return { action: 'wait', reason: `waiting for mail ${pending.id} it replies to` };
    }
  }
  // 3. the subject tag, as a hint that must agree with the sender
  if (!hit) {
    const m = new RegExp(`\\[${input.prefix}-(\\d{1,18})\\]`, 'i').exec(p.subject);
    if (m) {
      const t = await db.selectFrom('tickets').select('id').where('number', '=', m[1]).executeTakeFirst();
      if (t && (await requesterMatches(db, t.id, sender))) hit = found(t.id, 'subject');
      else base.hintRejected ??= `${input.prefix}-${m[1]}`;
    }
  }

  if (hit) {
    const live = await liveTicket(db, hit.ticketId);
    if (live && live.status !== 'closed') return { action: 'append', ticketId: live.id, followUpOf: null, via: hit.via, ...base };
    if (live) {
      if (auto) return { action: 'ignore', code: 'auto_reply', detail: 'auto-reply to a closed ticket' };
      return { action: 'create', ticketId: null, followUpOf: live.id, via: hit.via, ...base };
    }
  }
  if (auto) return { action: 'ignore', code: 'auto_reply', detail: 'auto-reply that answers no ticket' };
  return { action: 'create', ticketId: null, followUpOf: null, via: 'new', ...base };
}
