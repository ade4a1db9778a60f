// Inbound mails for admins: the quarantine list, one mail with its receipts and raw
// source, retry (run the pipeline again) and release (deliver it despite the reason).
import { sql } from 'kysely';
import type { z } from 'zod';
import type { InboundQuery } from '../../api/mail.ts';
import type { Actor } from '../actor.ts';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { decodeCursor, page } from '../http/cursor.ts';
import { wakeStage } from './pipeline.ts';
import { authorize } from '../policy.ts';

const COLUMNS = ['id', 'channel_id', 'path', 'sha256', 'size', 'message_id', 'from_address', 'stage', 'reason_code', 'reason',
  'ticket_id', 'ticket_message_id', 'duplicate_of', 'attempts', 'received_at', 'updated_at'] as const;

export async function listInbound(deps: Deps, actor: Actor, q: z.infer<typeof InboundQuery>) {
  authorize(actor, 'mail.received.read');
  let query = deps.db.selectFrom('inbound_mails').select([...COLUMNS, sql<string | null>`parsed->>'subject'`.as('subject')]).orderBy('id', 'desc').limit(q.limit + 1);
  if (q.stage) query = query.where('stage', '=', q.stage);
  if (q.channelId) query = query.where('channel_id', '=', q.channelId);
  const c = decodeCursor(q.cursor, 1);
  if (c) query = query.where('id', '<', String(c[0]));
  return page(await query.execute(), q.limit, (r) => [r.id]);
}

export async function getInbound(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'mail.received.read');
  const row = await deps.db.selectFrom('inbound_mails').select([...COLUMNS, sql<string | null>`parsed->>'subject'`.as('subject')]).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('mail');
  const receipts = await deps.db.selectFrom('mail_receipts').select(['path', 'path_ref', 'received_at']).where('inbound_mail_id', '=', id).orderBy('id').limit(100).execute();
  return { ...row, receipts };
}

export async function rawInbound(deps: Deps, actor: Actor, id: string): Promise<Buffer> {
  authorize(actor, 'mail.received.read');
  const row = await deps.db.selectFrom('inbound_mails').select('raw').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('mail');
  return row.raw;
}

/** Back to the start of the pipeline, limits and checks as usual. */
export async function retryInbound(deps: Deps, actor: Actor, id: string) {
  return restart(deps, actor, id, null);
}

/** Delivered despite the reason: loop and rate checks are skipped; a mail that cannot be parsed becomes a message with its source attached. */
export async function releaseInbound(deps: Deps, actor: Actor, id: string) {
  return restart(deps, actor, id, 'released');
}

async function restart(deps: Deps, actor: Actor, id: string, mark: 'released' | null) {
  authorize(actor, 'mail.admin');
  return inTx(deps.db, async (trx) => {
    const row = await trx.selectFrom('inbound_mails').select(['stage', 'reason_code']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('mail');
    if (row.stage !== 'quarantined' && row.stage !== 'ignored') throw new AppError('invalid_state', `only quarantined or ignored mail can be retried or released (this one is ${row.stage})`);
    await trx.updateTable('inbound_mails')
      .set({ stage: 'received', attempts: 0, claimed_until: null, reason_code: mark, reason: mark ? `released by ${actor.id}; was: ${row.reason_code}` : null, parsed: null, thread: null, updated_at: new Date() })
      .where('id', '=', id).execute();
    return { id, stage: 'received' as const };
  }).finally(() => wakeStage(deps, 'received'));
}
