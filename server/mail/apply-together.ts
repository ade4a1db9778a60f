// Stage 4 for plain new tickets, many at once: mails whose thread decision is a new ticket (no
// follow-up) and that carry no attachments are applied in ONE transaction with one lock-and-claim,
// one read of the requesters' facts, one insert of tickets, messages, events, SLA rows and
// Message-IDs, one score refresh of the requesters' other tickets, and the acknowledgements
// together (queueAcks). New senders become customers in one statement, in address order (two groups lock in one order).
// Same result as applyMail for each mail; a failed group is applied again mail by mail.
import { CompiledQuery, sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { inTx } from '../db/tx.ts';
import { firstWriteMany } from '../modules/keeping/create.ts';
import { createCustomersMany } from '../modules/people/customer-lookup.ts';
import { evaluateRules } from '../modules/escalation/rules.service.ts';
import { refreshPriority } from '../modules/priority/priority.service.ts';
import { SEARCH_TEXT_MAX } from '../modules/tickets/tickets.service.ts';
import { markDuplicate, mailWords } from './apply.ts';
import { pgJson } from './pipeline.ts';
import { queueAcks } from './outbound/queue.ts';
import type { Decision } from './thread.ts';
import type { ParsedMail } from './types.ts';

type Create = Extract<Decision, { dedupeKey: string }>;

/** A thread decision this path takes: a new ticket, not a follow-up, nothing attached. */
export function plainCreate(thread: unknown, attachments: number): boolean {
  const d = thread as Partial<Create> | null;
  return !!d && d.action === 'create' && !d.followUpOf && !d.auto && attachments === 0;
}

const INSERT_FROM_MAILS = `
with v as (
  select r.*, nextval(pg_get_serial_sequence('tickets', 'id')) as tid
  from jsonb_to_recordset($1::jsonb) as r(idx int, mail_id bigint, customer_id bigint, organization_id bigint, group_id bigint,
    subject text, language text, body_text text, body_html text, signals text[], analysis jsonb, score int, parts jsonb, sla jsonb,
    event jsonb, message_id text, at timestamptz)
), t as (
  insert into tickets (id, subject, requester_id, organization_id, group_id, status, channel, language, search, signals, created_at, updated_at, priority_score, priority_parts)
  overriding system value
  select v.tid, v.subject, v.customer_id, v.organization_id, v.group_id, 'new', 'email', v.language,
         setweight(to_tsvector('russian', v.subject), 'A') || to_tsvector('russian', left(v.body_text, ${SEARCH_TEXT_MAX})),
         v.signals, v.at, v.at, v.score, v.parts
  from v order by v.idx
  returning id, number
), s as (
  insert into ticket_sla select r.*
  from t join v on v.tid = t.id cross join lateral jsonb_populate_record(null::ticket_sla, v.sla || jsonb_build_object('ticket_id', t.id)) r
), m as (
  insert into messages (ticket_id, kind, author_type, author_customer_id, body_html, body_text, channel, analysis, signals, created_at)
  select t.id, 'reply', 'customer', v.customer_id, v.body_html, v.body_text, 'email', v.analysis, v.signals, v.at
  from t join v on v.tid = t.id order by v.idx
  returning id, ticket_id
), e as (
  insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
  select m.ticket_id, 'customer', v.customer_id, 'created', v.event || jsonb_build_object('messageId', m.id::text), v.at
  from m join v on v.tid = m.ticket_id
), x as (
  insert into mail_message_ids (message_id, ticket_id, message_id_ref, direction, customer_id)
  select distinct on (v.message_id) v.message_id, m.ticket_id, m.id, 'in', v.customer_id
  from m join v on v.tid = m.ticket_id where v.message_id is not null
  order by v.message_id, v.idx
  on conflict (message_id) do nothing
), u as (
  update inbound_mails im set stage = 'applied', ticket_id = m.ticket_id, ticket_message_id = m.id, updated_at = v.at
  from m join v on v.tid = m.ticket_id where im.id = v.mail_id
)
select v.idx, m.ticket_id::text as ticket_id, m.id::text as message_id, t.number::text as number
from v join m on m.ticket_id = v.tid join t on t.id = v.tid`;

/** groups applied, their mails, and groups that failed and went mail by mail (for tests and logs) */
export const togetherStats = { groups: 0, mails: 0, failed: 0 };

type Claimed = { id: string; parsed: ParsedMail; thread: Create; channel_id: string; group_id: string | null; first: boolean };

/** Applies these mails (each must be at stage threaded with a plain-create decision) together. */
export async function applyCreatesTogether(deps: Deps, mailIds: string[]): Promise<number> {
  if (!mailIds.length) return 0;
  return inTx(deps.db, async (trx) => {
    // lock the mails (a second run waits, then finds them moved on) and claim their dedupe keys
    const claimed = (await sql<Claimed>`
      with c as (
        select m.id, m.parsed, m.thread, m.dedupe_key, m.channel_id, ch.group_id from inbound_mails m join mail_channels ch on ch.id = m.channel_id
        where m.id = any(${mailIds}::bigint[]) and m.stage = 'threaded'
        order by m.id
        for update of m
      ), d as (
        insert into mail_dedupe (key, inbound_mail_id) select dedupe_key, id from c order by id
        on conflict (key) do nothing returning inbound_mail_id
      )
      select c.id::text as id, c.parsed, c.thread, c.channel_id::text as channel_id, c.group_id::text as group_id,
             exists (select 1 from d where d.inbound_mail_id = c.id) as first
      from c order by c.id`.execute(trx)).rows;
    // another copy of a mail claimed its key first
    for (const row of claimed.filter((r) => !r.first)) await markDuplicate(trx, row.id, row.thread.dedupeKey);
    const sender = (r: Claimed) => (r.parsed.from ?? r.parsed.sender)!;
    const addr = (r: Claimed) => sender(r).address.toLowerCase();
    const firsts = claimed.filter((r) => r.first).sort((a, b) => (addr(a) < addr(b) ? -1 : addr(a) > addr(b) ? 1 : Number(a.id) - Number(b.id)));
    if (!firsts.length) return 0;

    const now = new Date();
    // the known senders in one read; a new one is created as applyMail creates it
    const known = new Map((await trx.selectFrom('customer_emails as e').innerJoin('customers as c', 'c.id', 'e.customer_id')
      .select(['e.email', 'c.id', 'c.organization_id', 'c.language'])
      .where('e.email', 'in', firsts.map(addr)).execute())
      .map((c) => [c.email, { id: c.id, organizationId: c.organization_id, language: c.language, created: false }]));
    const words = firsts.map((row) => ({ row, p: row.parsed, ...mailWords(deps, row.id, row.parsed, false, now) }));
    // the new senders in one statement
    const fresh = await createCustomersMany(trx, words.filter((w) => !known.has(w.sender.address.toLowerCase()))
      .map((w) => ({ email: w.sender.address, name: w.sender.name, language: w.language })));
    const items = words.map(({ row, p, sender: from, language, bodyText, analysis, subject }) => {
      const customer = (known.get(from.address.toLowerCase()) ?? fresh.get(from.address.toLowerCase()))!;
      return { row, p, from, language, customer, bodyText, analysis, subject };
    });
    const fws = await firstWriteMany(deps, trx, items.map((it) => ({
      key: { id: it.customer.id },
      t: { status: 'new' as const, priority: 'normal' as const, channel: 'email' as const, tags: [], groupId: it.row.group_id, firstResponseAt: null, signals: it.analysis.signals, at: now },
    })));
    const json = pgJson(items.map((it, idx) => {
      const d = it.row.thread;
      const fw = fws[idx]!;
      return {
        idx, mail_id: it.row.id, customer_id: it.customer.id, organization_id: it.customer.organizationId, group_id: it.row.group_id,
        subject: it.subject, language: it.language, body_text: it.bodyText, body_html: it.p.html, signals: it.analysis.signals,
        analysis: it.analysis.analysis ?? null, score: fw.score, parts: fw.parts, sla: fw.sla,
        event: { channel: 'email', status: 'new', inboundMailId: it.row.id, ...(d.hintRejected ? { subjectHintRejected: d.hintRejected } : {}) },
        message_id: it.p.messageId, at: now.toISOString(),
      };
    }));
    const inserted = await trx.executeQuery<{ idx: number; ticket_id: string; message_id: string; number: string }>(CompiledQuery.raw(INSERT_FROM_MAILS, [json]));
    const byIdx = new Map(inserted.rows.map((r) => [Number(r.idx), r]));
    // escalation rules for the new tickets; the requesters' other open tickets become repeat contacts
    const ticketIds = inserted.rows.map((r) => r.ticket_id);
    const fired = await evaluateRules(deps, trx, ticketIds, now);
    const siblings = fws.flatMap((fw) => fw!.siblings);
    const refresh = fired ? [...ticketIds, ...siblings] : siblings;
    if (refresh.length) await refreshPriority({ ...deps, db: trx }, trx, refresh);
    await queueAcks(trx, deps, items.flatMap((it, idx) => {
      const t = byIdx.get(idx)!;
      return it.row.thread.bulk ? [] : [{ ticketId: t.ticket_id, inboundMailId: it.row.id, to: it.from.address, language: it.language, channelId: it.row.channel_id, ticket: { number: t.number, subject: it.subject } }];
    }));
    togetherStats.groups++;
    togetherStats.mails += items.length;
    return items.length;
  });
}
