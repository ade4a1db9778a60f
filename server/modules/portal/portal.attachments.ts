// Files from customers: uploaded first (like agents' uploads), then bound to the portal message
// or request they are sent with. An unbound upload is visible to nobody but the database.
import { createHash } from 'node:crypto';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { requireCustomer } from '../../policy.ts';
import { cleanContentType, cleanFilename } from '../attachments/attachments.service.ts';

export async function uploadMine(deps: Deps, actor: Actor, input: { filename: string; contentType: string; data: Buffer }) {
  requireCustomer(actor);
  if (!input.data.length) throw new AppError('validation_failed', 'the file is empty');
  if (input.data.length > deps.config.SLOVO_ATTACHMENT_MAX_BYTES) {
    throw new AppError('payload_too_large', `attachments are limited to ${deps.config.SLOVO_ATTACHMENT_MAX_BYTES} bytes`);
  }
  const sha256 = createHash('sha256').update(input.data).digest('hex');
  return inTx(deps.db, async (trx) => {
    await trx.insertInto('blobs').values({ sha256, size: input.data.length, data: input.data }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    return trx
      .insertInto('attachments')
      .values({
        blob_sha256: sha256, filename: cleanFilename(input.filename), content_type: cleanContentType(input.contentType),
        size: input.data.length, uploaded_by_customer_id: actor.id,
      })
      .returning(['id', 'message_id', 'filename', 'content_type', 'size', 'blob_sha256'])
      .executeTakeFirstOrThrow();
  });
}

/** Binds the customer's own fresh uploads to their message; anything else is a validation error. */
export async function attachMine(db: Db, actor: Actor, ids: string[], ticketId: string, messageId: string): Promise<void> {
  requireCustomer(actor);
  if (!ids.length) return;
  const r = await db
    .updateTable('attachments')
    .set({ ticket_id: ticketId, message_id: messageId })
    .where('id', 'in', ids)
    .where('uploaded_by_customer_id', '=', actor.id)
    .where('message_id', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== new Set(ids).size) {
    throw new AppError('validation_failed', 'attachmentIds must be your own uploads not yet attached', { errors: [{ path: '/attachmentIds', message: 'unknown or used' }] });
  }
}
