// Merging a ticket into another: one transaction moves the conversation, tags and
// followers to the target and closes the source with a pointer to where it went.
import { afterTicketChange } from '../keeping/hooks.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { MergeBody } from '../../../api/tickets.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { enqueue } from '../../jobs/boss.ts';
import { authorize } from '../../policy.ts';
import { signalsOfTicket } from '../coach/analysis.ts';
import { ticketRef } from './ticket-number.ts';
import { actorCols, findTicket } from './tickets.service.ts';
import type { TicketRow } from './tickets.presenter.ts';

type MergeInput = z.infer<typeof MergeBody>;

/** A ticket named in the request body: unknown is a validation error on that field. */
export async function findBodyTicket(db: Db, deps: Deps, actor: Actor, ref: string, path: string): Promise<TicketRow> {
  try {
    return await findTicket(db, deps, actor, ref);
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') {
      throw new AppError('validation_failed', 'ticket not found', { errors: [{ path, message: 'no such ticket' }] });
    }
    throw e;
  }
}

function refuseMerge(source: TicketRow, target: TicketRow): void {
  const no = (detail: string) => new AppError('invalid_state', detail);
  if (source.id === target.id) throw no('a ticket cannot be merged into itself');
  if (source.merged_into_id) throw no('this ticket was already merged');
  if (source.status === 'closed') throw no('closed tickets cannot be merged');
  if (target.merged_into_id) throw no('the target ticket was itself merged; merge into the ticket it went to');
  if (target.status === 'closed') throw no('cannot merge into a closed ticket');
}

export async function mergeTicket(deps: Deps, actor: Actor, ref: string, input: MergeInput) {
  authorize(actor, 'ticket.merge');
  return inTx(deps.db, async (trx) => {
    const a = await findTicket(trx, deps, actor, ref);
    const b = await findBodyTicket(trx, deps, actor, input.targetRef, '/targetRef');
    // Lock both rows in id order so two crossing merges cannot deadlock, then re-read.
    await trx.selectFrom('tickets').select('id').where('id', 'in', [a.id, b.id]).orderBy('id').forUpdate().execute();
    const source = await findTicket(trx, deps, actor, a.id);
    const target = await findTicket(trx, deps, actor, b.id);
    refuseMerge(source, target);

    const now = new Date();
    // Another customer's conversation must not show in the target requester's portal:
    // across requesters, public replies move as internal notes (attachments follow their message).
    const otherRequester = source.requester_id !== target.requester_id;
    const moved = await trx.updateTable('messages')
      .set(otherRequester ? { ticket_id: target.id, kind: 'note' } : { ticket_id: target.id })
      .where('ticket_id', '=', source.id)
      .executeTakeFirst();
    const messagesMoved = Number(moved.numUpdatedRows);
    await trx.updateTable('attachments').set({ ticket_id: target.id }).where('ticket_id', '=', source.id).execute();
    await trx
      .insertInto('ticket_followers')
      .columns(['ticket_id', 'user_id', 'created_at'])
      .expression((eb) => eb.selectFrom('ticket_followers')
        .select([sql<string>`${target.id}::bigint`.as('ticket_id'), 'user_id', sql<Date>`${now}::timestamptz`.as('created_at')])
        .where('ticket_id', '=', source.id))
      .onConflict((oc) => oc.columns(['ticket_id', 'user_id']).doNothing())
      .execute();

    const tags = [...new Set([...target.tags, ...source.tags])];
    await trx.updateTable('tickets')
      .set({
        tags,
        search: sql<string>`search || (select s.search from tickets s where s.id = ${source.id})`,
        signals: signalsOfTicket(target.id), // the customer messages it holds now
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', target.id)
      .execute();
    await trx.updateTable('tickets')
      .set({
        status: 'closed', closed_at: now, solved_at: source.solved_at ?? now, merged_into_id: target.id,
        signals: signalsOfTicket(source.id),
        updated_at: now, version: sql`version + 1`,
      })
      .where('id', '=', source.id)
      .execute();

    // open promises were made to the customer: they live on in the target
    await trx.updateTable('promises').set({ ticket_id: target.id, updated_at: now }).where('ticket_id', '=', source.id).where('state', '=', 'open').execute();
    await afterTicketChange(deps, trx, { kind: 'updated', ticketId: source.id, at: now, actorId: actor.id, changes: { status: [source.status, 'closed'] } });
    await afterTicketChange(deps, trx, { kind: 'updated', ticketId: target.id, at: now, actorId: actor.id, changes: { tags: [target.tags, tags] } });

    const sourceNumber = ticketRef(deps.config, source.number);
    const targetNumber = ticketRef(deps.config, target.number);
    await trx.insertInto('ticket_events').values([
      { ticket_id: source.id, ...actorCols(actor), kind: 'merged_into', data: JSON.stringify({ targetId: target.id, targetNumber, messagesMoved }), created_at: now },
      { ticket_id: target.id, ...actorCols(actor), kind: 'merged_from', data: JSON.stringify({ sourceId: source.id, sourceNumber, messagesMoved, madeInternal: otherRequester }), created_at: now },
    ]).execute();

    if (input.notifyRequester) {
      const mail = await trx
        .selectFrom('customer_emails')
        .select('email')
        .where('customer_id', '=', source.requester_id)
        .orderBy('is_primary', 'desc')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      if (mail) {
        await enqueue(deps, trx, 'notify.merged', { sourceId: source.id, targetId: target.id, email: mail.email, language: source.language });
      }
    }
    return {
      source: await findTicket(trx, deps, actor, source.id),
      target: await findTicket(trx, deps, actor, target.id),
      messagesMoved,
    };
  });
}
