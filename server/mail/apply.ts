// Stage 4: the mail becomes a ticket message, exactly once. The dedupe claim, the
// customer, the ticket or message, attachments and the stage change commit together.
import { sql } from 'kysely';
import type { Db } from '../db/db.ts';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
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

export type Applied = { stage: 'applied' | 'duplicate'; ticketId?: string; messageId?: string; created?: boolean };

export async function applyMail(deps: Deps, mailId: string): Promise<Applied | null> {
  return inTx(deps.db, async (trx) => {
    // claim: the row lock holds until commit, so a second run waits and then finds the stage moved on
    const claimed = await sql<{ parsed: unknown; thread: unknown; group_id: string | null }>`
      update inbound_mails m set attempts = m.attempts + 1 from mail_channels c
      where c.id = m.channel_id and m.id = ${mailId} and m.stage = 'threaded'
      returning m.parsed, m.thread, c.group_id`.execute(trx);
    const row = claimed.rows[0];
    if (!row) return null;
    const p = row.parsed as ParsedMail;
    const d = row.thread as Apply;
    const claim = await trx
      .insertInto('mail_dedupe')
      .values({ key: d.dedupeKey, inbound_mail_id: mailId })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('inbound_mail_id')
      .executeTakeFirst();
    if (!claim) {
      const first = await trx.selectFrom('mail_dedupe').select('inbound_mail_id').where('key', '=', d.dedupeKey).executeTakeFirstOrThrow();
      const orig = await trx.selectFrom('inbound_mails').select(['ticket_id', 'ticket_message_id']).where('id', '=', first.inbound_mail_id).executeTakeFirst();
      await trx.updateTable('inbound_mails')
        .set({ stage: 'duplicate', duplicate_of: first.inbound_mail_id, ticket_id: orig?.ticket_id ?? null, ticket_message_id: orig?.ticket_message_id ?? null, updated_at: new Date() })
        .where('id', '=', mailId).execute();
      return { stage: 'duplicate' as const };
    }

    const sender = p.from!;
    const language = detectLanguage(`${p.subject}\n${p.visibleText || p.text}`);
    const customer = await findOrCreateCustomer(trx, sender.address, { name: sender.name, language });
    const now = new Date();
    const bodyText = (p.visibleText || p.text || '').trim();

    let ticketId = d.action === 'append' ? d.ticketId : null;
    let status: string | null = null;
    if (ticketId) {
      const t = await trx.selectFrom('tickets').select(['id', 'status']).where('id', '=', ticketId).forUpdate().executeTakeFirst();
      if (!t || t.status === 'closed') ticketId = null; // closed meanwhile: a follow-up instead
      else status = t.status;
    }
    const created = !ticketId;
    if (!ticketId) {
      const subject = p.subject.trim() || (language === 'ru' ? '(без темы)' : '(no subject)');
      const t = await trx
        .insertInto('tickets')
        .values({
          subject: subject.slice(0, 1000), requester_id: customer.id, organization_id: customer.organizationId, group_id: row.group_id,
          status: 'new', channel: 'email', language,
          search: sql`setweight(to_tsvector('russian', ${subject}), 'A') || to_tsvector('russian', left(${bodyText}, ${SEARCH_TEXT_MAX}))`,
          created_at: now, updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ticketId = t.id;
    }

    const msg = await trx
      .insertInto('messages')
      .values({ ticket_id: ticketId, kind: 'reply', author_type: 'customer', author_customer_id: customer.id, body_html: p.html, body_text: bodyText, channel: 'email', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();

    const cids = new Map<string, string>();
    for (const a of p.attachments) {
      const att = await trx
        .insertInto('attachments')
        .values({ ticket_id: ticketId, message_id: msg.id, blob_sha256: a.sha256, filename: a.filename, content_type: a.contentType, size: a.size, uploaded_by_customer_id: customer.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (a.contentId) cids.set(a.contentId.toLowerCase(), att.id);
    }
    if (cids.size) await trx.updateTable('messages').set({ body_html: mapCids(p.html, cids) }).where('id', '=', msg.id).execute();

    if (created) {
      await trx.insertInto('ticket_events').values({
        ticket_id: ticketId, actor_type: 'customer', actor_id: customer.id, kind: 'created', created_at: now,
        data: JSON.stringify({ messageId: msg.id, channel: 'email', status: 'new', inboundMailId: mailId, ...(d.followUpOf ? { followUpOf: d.followUpOf } : {}), ...(d.hintRejected ? { subjectHintRejected: d.hintRejected } : {}) }),
      }).execute();
      if (d.followUpOf) {
        await trx.insertInto('ticket_links').values({ ticket_id: ticketId, other_ticket_id: d.followUpOf, kind: 'related' }).onConflict((oc) => oc.doNothing()).execute();
      }
    } else {
      const set: Record<string, unknown> = { updated_at: now, version: sql`version + 1`, search: sql`search || to_tsvector('russian', left(${bodyText}, ${SEARCH_TEXT_MAX}))` };
      const reopen = !d.auto && status !== null && REOPEN.has(status);
      if (reopen) Object.assign(set, { status: 'open', solved_at: null });
      await trx.updateTable('tickets').set(set).where('id', '=', ticketId).execute();
      await trx.insertInto('ticket_events').values({
        ticket_id: ticketId, actor_type: 'customer', actor_id: customer.id, kind: 'message_added', created_at: now,
        data: JSON.stringify({ messageId: msg.id, kind: 'reply', via: d.via, inboundMailId: mailId, ...(d.auto ? { autoReply: true } : {}), ...(reopen ? { changes: { status: [status, 'open'] } } : {}) }),
      }).execute();
    }
    if (p.messageId) {
      await trx.insertInto('mail_message_ids')
        .values({ message_id: p.messageId, ticket_id: ticketId, message_id_ref: msg.id, direction: 'in', customer_id: customer.id })
        .onConflict((oc) => oc.column('message_id').doNothing()).execute();
    }
    await trx.updateTable('inbound_mails').set({ stage: 'applied', ticket_id: ticketId, ticket_message_id: msg.id, updated_at: now }).where('id', '=', mailId).execute();
    if (created && !d.auto && !d.bulk) await queueAck(trx, deps, { ticketId, inboundMailId: mailId, to: sender.address, language });
    return { stage: 'applied' as const, ticketId, messageId: msg.id, created };
  });
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
