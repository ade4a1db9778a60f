// Stage 4: the mail becomes a ticket message, exactly once. The dedupe claim, the
// customer, the ticket or message, attachments and the stage change commit together.
import { afterCreated, firstWrite, type FirstWrite } from '../modules/keeping/create.ts';
import { afterTicketChange } from '../modules/keeping/hooks.ts';
import { sql } from 'kysely';
import type { Db } from '../db/db.ts';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
import { analyzeCustomerText, jsonOrNull, withSignals, type CustomerAnalysis } from '../modules/coach/analysis.ts';
import { findOrCreateCustomer } from '../modules/people/customer-lookup.ts';
import { SEARCH_TEXT_MAX } from '../modules/tickets/tickets.service.ts';
import { queueAck } from './outbound/outbound.ts';
import type { Decision } from './thread.ts';
import type { ParsedMail } from './types.ts';

type Apply = Extract<Decision, { action: 'append' | 'create' }>;

export function detectLanguage(text: string): 'ru' | 'en' {
  const sample = text.slice(0, 4000);
  const cyr = (sample.match(/[а-яё]/gi) ?? []).length;
  const lat = (sample.match(/[a-z]/gi) ?? []).length;
  return cyr >= lat * 0.3 && cyr > 0 ? 'ru' : 'en';
}

const REOPEN = new Set(['solved', 'pending_customer']);

/** cid: references in the HTML point at the stored attachments. */
function mapCids(html: string, cids: Map<string, string>): string {
  return html.replace(/src="cid:([^"]+)"/gi, (all, id: string) => {
    const att = cids.get(id.trim().toLowerCase());
    return att ? `src="/api/v1/attachments/${att}"` : all;
  });
}

/** Another copy of this mail claimed its dedupe key first: the mail points at that one. */
export async function markDuplicate(db: Db, mailId: string, dedupeKey: string): Promise<void> {
  await sql`
    update inbound_mails m set stage = 'duplicate', duplicate_of = f.id, ticket_id = f.ticket_id, ticket_message_id = f.ticket_message_id, updated_at = now()
    from mail_dedupe k join inbound_mails f on f.id = k.inbound_mail_id
    where k.key = ${dedupeKey} and m.id = ${mailId}`.execute(db);
}

/** What a parsed mail says, as a ticket sees it: sender, language, text, subject and its triage signals
 *  (pure; an auto-reply (out of office…) is not the customer's word: «по срочным вопросам…» is no urgency). */
export function mailWords(deps: Deps, mailId: string, p: ParsedMail, auto: boolean, now: Date) {
  const sender = (p.from ?? p.sender)!; // thread accepted Sender: when From: was missing
  const language = detectLanguage(`${p.subject}\n${p.visibleText || p.text}`);
  const bodyText = (p.visibleText || p.text || '').trim();
  const sentAt = p.date && !Number.isNaN(Date.parse(p.date)) && Date.parse(p.date) <= now.getTime() ? p.date : now;
  const analysis: CustomerAnalysis = auto ? { analysis: null, signals: [] } : analyzeCustomerText(deps.log.child({ mailId }), bodyText, sentAt);
  const subject = (p.subject.trim() || (language === 'ru' ? '(без темы)' : '(no subject)')).slice(0, 1000);
  return { sender, language, bodyText, analysis, subject };
}

export type Applied = { stage: 'applied' | 'duplicate'; ticketId?: string; messageId?: string; created?: boolean };

export async function applyMail(deps: Deps, mailId: string): Promise<Applied | null> {
  return inTx(deps.db, async (trx) => {
    // lock the mail (the lock holds until commit: a second run waits, then finds the stage moved on)
    // and claim its dedupe key, in one statement (the try was counted when the pipeline claimed it)
    const claimed = await sql<{ parsed: unknown; thread: unknown; group_id: string | null; channel_id: string; first: string | null }>`
      with c as (
        select m.parsed, m.thread, m.dedupe_key, m.channel_id, ch.group_id from inbound_mails m join mail_channels ch on ch.id = m.channel_id
        where m.id = ${mailId} and m.stage = 'threaded'
        for update of m
      ), d as (
        insert into mail_dedupe (key, inbound_mail_id) select dedupe_key, ${mailId} from c
        on conflict (key) do nothing returning inbound_mail_id
      )
      select c.parsed, c.thread, c.group_id, c.channel_id, (select inbound_mail_id from d) as first from c`.execute(trx);
    const row = claimed.rows[0];
    if (!row) return null;
    const p = row.parsed as ParsedMail;
    const d = row.thread as Apply;
    if (!row.first) {
      // another copy of this mail claimed the key first
      await markDuplicate(trx, mailId, d.dedupeKey);
      return { stage: 'duplicate' as const };
    }

    const now = new Date();
    const { sender, language, bodyText, analysis, subject } = mailWords(deps, mailId, p, !!d.auto, now);
    const customer = await findOrCreateCustomer(trx, sender.address, { name: sender.name, language });

    let ticketId = d.action === 'append' ? d.ticketId : null;
    let status: string | null = null;
    if (ticketId) {
      const lock = (id: string) => trx.selectFrom('tickets').select(['id', 'status', 'merged_into_id']).where('id', '=', id).forUpdate().executeTakeFirst();
      let t = await lock(ticketId);
      for (let i = 0; t?.merged_into_id && i < 10; i++) t = await lock(t.merged_into_id); // merged meanwhile: where it lives on
      if (!t || t.status === 'closed') ticketId = null; // closed meanwhile: a follow-up instead
      else {
        ticketId = t.id;
        status = t.status;
      }
    }
    const created = !ticketId;
    const reopen = !created && !d.auto && status !== null && REOPEN.has(status);
    const w = { mailId, customerId: customer.id, now, bodyText, html: p.html, messageId: p.messageId, analysis };
    // a new ticket is written with its first score and SLA row (keeping/create.ts)
    const fw = created
      ? await firstWrite(deps, trx, { id: customer.id }, { status: 'new', priority: 'normal', channel: 'email', tags: [], groupId: row.group_id, firstResponseAt: null, signals: analysis.signals, at: now })
      : null;
    const done = created
      ? await createTicketFromMail(trx, w, fw!, {
        subject,
        organizationId: customer.organizationId, groupId: row.group_id, language,
        event: { channel: 'email', status: 'new', inboundMailId: mailId, ...(d.followUpOf ? { followUpOf: d.followUpOf } : {}), ...(d.hintRejected ? { subjectHintRejected: d.hintRejected } : {}) },
      })
      : await appendToTicket(trx, w, ticketId!, reopen, { kind: 'reply', via: d.via, inboundMailId: mailId, ...(d.auto ? { autoReply: true } : {}), ...(reopen ? { changes: { status: [status, 'open'] } } : {}) });
    ticketId = done.ticketId;
    if (fw) await afterCreated(deps, trx, ticketId, fw, now);
    else await afterTicketChange(deps, trx, {
        kind: 'message', ticketId, at: now, messageId: done.messageId, author: 'customer', public: true, signals: analysis.signals,
        actorId: null, changes: reopen ? { status: [status, 'open'] } : {}, auto: !!d.auto,
      });

    if (p.attachments.length) {
      const cids = new Map<string, string>();
      for (const a of p.attachments) {
        const att = await trx
          .insertInto('attachments')
          .values({ ticket_id: ticketId, message_id: done.messageId, blob_sha256: a.sha256, filename: a.filename, content_type: a.contentType, size: a.size, uploaded_by_customer_id: customer.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (a.contentId) cids.set(a.contentId.toLowerCase(), att.id);
      }
      if (cids.size) await trx.updateTable('messages').set({ body_html: mapCids(p.html, cids) }).where('id', '=', done.messageId).execute();
    }
    if (created && d.followUpOf) {
      await trx.insertInto('ticket_links').values({ ticket_id: ticketId, other_ticket_id: d.followUpOf, kind: 'related' }).onConflict((oc) => oc.doNothing()).execute();
    }
    if (created && !d.auto && !d.bulk) {
      await queueAck(trx, deps, { ticketId, inboundMailId: mailId, to: sender.address, language, channelId: row.channel_id, ticket: done.number ? { number: done.number, subject } : undefined });
    }
    return { stage: 'applied' as const, ticketId, messageId: done.messageId, created };
  });
}

type Write = { mailId: string; customerId: string; now: Date; bodyText: string; html: string; messageId: string | null; analysis: CustomerAnalysis };

/** CTEs over the new message m: its Message-ID for threading, and the mail's stage. */
const rememberAndFinish = (w: Write) => sql`x as (
      insert into mail_message_ids (message_id, ticket_id, message_id_ref, direction, customer_id)
      select ${w.messageId}, m.ticket_id, m.id, 'in', ${w.customerId} from m where ${w.messageId}::text is not null
      on conflict (message_id) do nothing
    ), u as (
      update inbound_mails set stage = 'applied', ticket_id = m.ticket_id, ticket_message_id = m.id, updated_at = ${w.now} from m where inbound_mails.id = ${w.mailId}
    )`;

/** Ticket, first message, "created" event, the Message-ID for threading and the mail's new stage: one statement. */
async function createTicketFromMail(db: Db, w: Write, fw: FirstWrite, t: { subject: string; organizationId: string | null; groupId: string | null; language: string; event: object }) {
  const r = await sql<{ ticket_id: string; message_id: string; number: string }>`
    with t as (
      insert into tickets (subject, requester_id, organization_id, group_id, status, channel, language, search, signals, created_at, updated_at, priority_score, priority_parts)
      values (${t.subject}, ${w.customerId}, ${t.organizationId}, ${t.groupId}, 'new', 'email', ${t.language},
              setweight(to_tsvector('russian', ${t.subject}), 'A') || to_tsvector('russian', left(${w.bodyText}, ${SEARCH_TEXT_MAX})),
              ${w.analysis.signals}::text[], ${w.now}, ${w.now}, ${fw.score}, ${JSON.stringify(fw.parts)}::jsonb)
      returning id, number
    ), s as (
      insert into ticket_sla select r.* from t cross join lateral jsonb_populate_record(null::ticket_sla, ${JSON.stringify(fw.sla)}::jsonb || jsonb_build_object('ticket_id', t.id)) r
    ), m as (
      insert into messages (ticket_id, kind, author_type, author_customer_id, body_html, body_text, channel, analysis, signals, created_at)
      select t.id, 'reply', 'customer', ${w.customerId}, ${w.html}, ${w.bodyText}, 'email', ${jsonOrNull(w.analysis.analysis)}::jsonb, ${w.analysis.signals}::text[], ${w.now} from t
      returning id, ticket_id
    ), e as (
      insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
      select m.ticket_id, 'customer', ${w.customerId}, 'created', ${JSON.stringify(t.event)}::jsonb || jsonb_build_object('messageId', m.id::text), ${w.now} from m
    ), ${rememberAndFinish(w)}
    select m.ticket_id, m.id as message_id, t.number from m, t`.execute(db);
  return { ticketId: String(r.rows[0].ticket_id), messageId: String(r.rows[0].message_id), number: String(r.rows[0].number) };
}

/** Message, ticket update (reopen when asked), "message_added" event, Message-ID and stage: one statement. */
async function appendToTicket(db: Db, w: Write, ticketId: string, reopen: boolean, event: object) {
  const r = await sql<{ message_id: string }>`
    with m as (
      insert into messages (ticket_id, kind, author_type, author_customer_id, body_html, body_text, channel, analysis, signals, created_at)
      values (${ticketId}, 'reply', 'customer', ${w.customerId}, ${w.html}, ${w.bodyText}, 'email', ${jsonOrNull(w.analysis.analysis)}::jsonb, ${w.analysis.signals}::text[], ${w.now})
      returning id, ticket_id
    ), t as (
      update tickets set updated_at = ${w.now}, version = version + 1, signals = ${withSignals(w.analysis.signals)},
        search = search || to_tsvector('russian', left(${w.bodyText}, ${SEARCH_TEXT_MAX})),
        status = case when ${reopen} then 'open'::ticket_status else status end,
        solved_at = case when ${reopen} then null else solved_at end
      where id = ${ticketId}
    ), e as (
      insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
      select m.ticket_id, 'customer', ${w.customerId}, 'message_added', ${JSON.stringify(event)}::jsonb || jsonb_build_object('messageId', m.id::text), ${w.now} from m
    ), ${rememberAndFinish(w)}
    select m.id as message_id from m`.execute(db);
  return { ticketId, messageId: String(r.rows[0].message_id), number: null };
}

/** A bounce for one of our mails: the outbox row fails for good and the ticket shows it. */
export async function recordBounce(db: Db, bouncedMessageId: string | null | undefined, detail: string): Promise<void> {
  if (!bouncedMessageId) return;
  const row = await db.selectFrom('outbox').select(['id', 'ticket_id', 'to_address']).where('message_id', '=', bouncedMessageId).executeTakeFirst();
  if (!row) return;
  await db.updateTable('outbox').set({ status: 'failed', permanent: true, last_error: `bounced: ${detail}`.slice(0, 2000) }).where('id', '=', row.id).execute();
  if (row.ticket_id) {
    await db.insertInto('ticket_events').values({ ticket_id: row.ticket_id, actor_type: 'system', kind: 'mail_bounced', data: JSON.stringify({ outboxId: row.id, to: row.to_address, detail }) }).execute();
  }
}
