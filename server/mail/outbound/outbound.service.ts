// Outbound mail seen from the API: a ticket's outbox rows (agents), requeue a failed row (admins).
import type { z } from 'zod';
import type { OutboxMail, OutboxQuery } from '../../../api/mail-outbound.ts';
import type { Actor } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { isId } from '../../../api/common.ts';
import { iso, isoReq } from '../../http/types.ts';
import { enqueue } from '../../jobs/boss.ts';
import { findTicket } from '../../modules/tickets/tickets.service.ts';
import { authorize } from '../../policy.ts';

const COLUMNS = [
  'id', 'kind', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'permanent', 'message_id', 'ticket_message_id',
  'channel_id', 'next_attempt_at', 'created_at', 'sent_at',
] as const;

type Row = {
  id: string; kind: string; to_address: string; subject: string; status: string; attempts: number; last_error: string | null;
  permanent: boolean; message_id: string | null; ticket_message_id: string | null; channel_id: string | null;
  next_attempt_at: Date; created_at: Date; sent_at: Date | null;
};

export function presentOutbox(r: Row): z.infer<typeof OutboxMail> {
  return {
    id: r.id, kind: r.kind, to: r.to_address, subject: r.subject, status: r.status as z.infer<typeof OutboxMail>['status'],
    attempts: r.attempts, lastError: r.last_error, permanent: r.permanent, messageId: r.message_id,
    ticketMessageId: r.ticket_message_id, channelId: r.channel_id,
    nextAttemptAt: r.status === 'queued' ? isoReq(r.next_attempt_at) : null, createdAt: isoReq(r.created_at), sentAt: iso(r.sent_at),
  };
}

/** The mails Slovo sent (or tries to send) about a ticket, oldest first. */
export async function ticketMails(deps: Deps, actor: Actor, ref: string) {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const rows = await deps.db.selectFrom('outbox').select(COLUMNS).where('ticket_id', '=', t.id).orderBy('id').limit(500).execute();
  return { items: rows.map(presentOutbox) };
}

/** A failed row goes back to the queue with a fresh set of attempts; a queued one is tried now. */
export async function retryOutbox(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'mail.admin');
  return deps.db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('outbox').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound('outbox mail');
    if (r.status === 'sent') throw new AppError('invalid_state', 'this mail was sent already');
    if (r.status === 'sending') throw new AppError('invalid_state', 'this mail is being sent right now');
    const row = await trx
      .updateTable('outbox')
      .set({ status: 'queued', permanent: false, attempts: 0, next_attempt_at: new Date() })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await enqueue(deps, trx, 'mail.send', { outboxId: id });
    return presentOutbox(row);
  });
}

/** Newest first; optionally one status or kind. */
export async function listOutbox(deps: Deps, actor: Actor, q: z.infer<typeof OutboxQuery>) {
  authorize(actor, 'mail.read');
  let query = deps.db.selectFrom('outbox').select([...COLUMNS, 'ticket_id']).orderBy('id', 'desc').limit(q.limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.kind) query = query.where('kind', '=', q.kind);
  const c = decodeCursor(q.cursor, 1);
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid');
  if (c) query = query.where('id', '<', String(c[0]));
  const r = page(await query.execute(), q.limit, (x) => [x.id]);
  return { items: r.items.map((x) => ({ ...presentOutbox(x), ticketId: x.ticket_id })), nextCursor: r.nextCursor };
}
