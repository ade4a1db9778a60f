// Messages on a ticket: public replies and internal notes.
import { sql } from 'kysely';
import type { z } from 'zod';
import { isId } from '../../../api/common.ts';
import type { AddMessageBody } from '../../../api/tickets.ts';
import type { Actor } from '../../actor.ts';
import { inTx } from '../../db/tx.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { queueReply } from '../../mail/outbound/queue.ts';
import { authorize } from '../../policy.ts';
import { attachUploads } from '../attachments/attachments.service.ts';
import { coachAtSend, jsonOrNull } from '../coach/analysis.ts';
import { coachInputs, statusAfterReply } from '../coach/coach.service.ts';
import { checkRequiredForSolve } from './custom-fields.ts';
import { messageBody } from './html.ts';
import { actorCols, findTicket, tsv } from './tickets.service.ts';
import { afterTicketChange } from '../keeping/hooks.ts';
import { createPromises } from '../promises/promises.service.ts';
import { checkMentions, mentionUsers, notifyMentions } from './mentions.ts';

type AddInput = z.infer<typeof AddMessageBody>;

export async function addMessage(deps: Deps, actor: Actor, ref: string, input: AddInput) {
  authorize(actor, input.kind === 'note' ? 'ticket.note' : 'ticket.reply');
  if (input.status) authorize(actor, 'ticket.update');
  const body = messageBody(input.body, input.format);
  if (!body.text && !input.attachmentIds.length) throw new AppError('validation_failed', 'the message is empty after cleaning');
  // @mentions belong to internal notes (as in Zendesk): a public reply goes to the customer
  if (input.kind === 'reply' && input.mentions?.length) {
    throw new AppError('validation_failed', 'mentions are for internal notes only', { errors: [{ path: '/mentions', message: 'only internal notes mention agents' }] });
  }
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref, { lock: true });
    if (t.status === 'closed') throw new AppError('invalid_state', 'closed tickets take no new messages; open a follow-up');
    if (t.merged_into_id) throw new AppError('invalid_state', 'this ticket was merged; write in the ticket it was merged into');
    const mentioned = input.kind === 'note' ? await checkMentions(trx, input.mentions ?? []) : [];
    const now = new Date();
    // A public reply to a new ticket opens it; a reply reopens a solved one only when asked.
    const status: TicketStatus = input.kind === 'reply' ? statusAfterReply(t, input.status) : input.status ?? t.status;
    // the coach's verdict at send time is kept with a public reply; its flags never block the send
    const coach = input.kind === 'reply'
      ? coachAtSend(deps.log, body.text, (await coachInputs(trx, t, actor, status)).opts, input.coachAck ?? false)
      : null;
    const m = await trx
      .insertInto('messages')
      .values({
        ticket_id: t.id, kind: input.kind, author_type: 'agent', author_user_id: actor.id,
        body_html: body.html, body_text: body.text, channel: input.kind === 'reply' ? t.channel : 'api', created_at: now,
        coach: jsonOrNull(coach), mentions: mentioned.map((u) => u.id),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.attachmentIds.length) await attachUploads(trx, actor, input.attachmentIds, t.id, m.id);
    // promises the agent confirmed with this reply (from the coach's extraction, edited or not);
    // before the mail, which lists them for the customer
    const promises = input.kind === 'reply' && input.promises?.length
      ? await createPromises(deps, trx, actor, t.id, input.promises, { source: 'reply', messageId: m.id })
      : [];
    // a public reply goes to the requester by mail (outbox, same transaction); notes never do
    if (input.kind === 'reply') await queueReply(trx, deps, { ticketId: t.id, messageId: m.id });
    const set: Record<string, unknown> = { updated_at: now, version: sql`version + 1`, search: sql`search || ${tsv(body.text)}` };
    if (status !== t.status) {
      set.status = status;
      // the same rules as PATCH: required fields before solving; reopening clears solved_at
      if (status === 'solved' || status === 'closed') {
        await checkRequiredForSolve(trx, t.custom);
        set.solved_at = t.solved_at ?? now;
      } else set.solved_at = null;
      if (status === 'closed') set.closed_at = now;
    }
    if (input.kind === 'reply' && !t.first_response_at) set.first_response_at = now;
    await trx.updateTable('tickets').set(set).where('id', '=', t.id).execute();
    const data: Record<string, unknown> = { messageId: m.id, kind: input.kind };
    if (mentioned.length) data.mentions = mentioned.map((u) => u.id);
    if (status !== t.status) data.changes = { status: [t.status, status] };
    await trx.insertInto('ticket_events').values({ ticket_id: t.id, ...actorCols(actor), kind: 'message_added', data: JSON.stringify(data), created_at: now }).execute();
    await afterTicketChange(deps, trx, {
      kind: 'message', ticketId: t.id, at: now, messageId: m.id, author: 'agent', public: input.kind === 'reply', signals: [],
      actorId: actor.id, changes: (data.changes as Record<string, [unknown, unknown]> | undefined) ?? {},
    });
    await notifyMentions(deps, trx, { ticketId: t.id, messageId: m.id, author: actor, text: body.text, users: mentioned });
    return { ...m, attachments: await attachmentsOf(trx, [m.id]), promiseIds: promises.map((p) => p.id), mention_users: mentioned.map(({ id, name }) => ({ id, name })) };
  });
}

export async function attachmentsOf(db: Deps['db'], messageIds: string[]) {
  if (!messageIds.length) return [];
  return db
    .selectFrom('attachments')
    .select(['id', 'message_id', 'filename', 'content_type', 'size', 'blob_sha256'])
    .where('message_id', 'in', messageIds)
    .orderBy('id')
    .execute();
}

/** Agent API: all messages of a ticket, oldest first. */
export async function listMessages(deps: Deps, actor: Actor, ref: string, q: { limit: number; cursor?: string }) {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  return messagesOf(deps, t.id, q, false);
}

/** Oldest first; publicOnly leaves internal notes out (what a customer sees). */
export async function messagesOf(deps: Deps, ticketId: string, q: { limit: number; cursor?: string }, publicOnly: boolean) {
  const c = decodeCursor(q.cursor, 1) as string[] | null;
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid');
  let query = deps.db
    .selectFrom('messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_user_id')
    .leftJoin('customers as c', 'c.id', 'm.author_customer_id')
    .selectAll('m')
    .select(sql<string | null>`coalesce(u.name, c.name)`.as('author_name'))
    .select(mentionUsers.as('mention_users'))
    .where('m.ticket_id', '=', ticketId)
    .orderBy('m.id')
    .limit(q.limit + 1);
  if (c) query = query.where('m.id', '>', String(c[0]));
  if (publicOnly) query = query.where('m.kind', '=', 'reply');
  const rows = await query.execute();
  const result = page(rows, q.limit, (r) => [r.id]);
  const atts = await attachmentsOf(deps.db, result.items.map((m) => m.id));
  return { ...result, items: result.items.map((m) => ({ ...m, attachments: atts.filter((a) => a.message_id === m.id) })) };
}
