// Attachments: bytes stored once per SHA-256 (blobs), described per upload (attachments).
import { createHash } from 'node:crypto';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { customerSees } from '../portal/portal-scope.ts';

export const SAFE_INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The last path component, without control characters or quotes; "." and ".." become "file". */
export function cleanFilename(name: string): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (!base || /^\.+$/.test(base)) return 'file';
  return Array.from(base).slice(0, 200).join(''); // by code points: never half a character
}

/** The media type without parameters, lower case; anything odd is octet-stream. */
export function cleanContentType(header: string): string {
  const type = header.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : 'application/octet-stream';
}

export async function upload(deps: Deps, actor: Actor, input: { filename: string; contentType: string; data: Buffer }) {
  authorize(actor, 'attachment.upload');
  if (!input.data.length) throw new AppError('validation_failed', 'the file is empty');
  if (input.data.length > deps.config.SLOVO_ATTACHMENT_MAX_BYTES) {
    throw new AppError('payload_too_large', `attachments are limited to ${deps.config.SLOVO_ATTACHMENT_MAX_BYTES} bytes`);
  }
  const sha256 = createHash('sha256').update(input.data).digest('hex');
  const contentType = cleanContentType(input.contentType);
  return inTx(deps.db, async (trx) => {
    await trx.insertInto('blobs').values({ sha256, size: input.data.length, data: input.data }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    return trx
      .insertInto('attachments')
      .values({ blob_sha256: sha256, filename: cleanFilename(input.filename), content_type: contentType, size: input.data.length, uploaded_by_user_id: actor.id })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Binds the caller's fresh uploads to a message; anything else is a validation error. */
export async function attachUploads(db: Db, actor: Actor, ids: string[], ticketId: string, messageId: string): Promise<void> {
  if (actor.kind !== 'user') throw new AppError('forbidden');
  const r = await db
    .updateTable('attachments')
    .set({ ticket_id: ticketId, message_id: messageId })
    .where('id', 'in', ids)
    .where('uploaded_by_user_id', '=', actor.id)
    .where('message_id', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== new Set(ids).size) {
    throw new AppError('validation_failed', 'attachmentIds must be your own uploads not yet attached', { errors: [{ path: '/attachmentIds', message: 'unknown or used' }] });
  }
}

/** Reads an attachment the caller may see: agents see all; customers only public replies on tickets they see (portal-scope.ts). */
export async function download(deps: Deps, actor: Actor, id: string) {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  let q = deps.db
    .selectFrom('attachments as a')
    .innerJoin('blobs as b', 'b.sha256', 'a.blob_sha256')
    .leftJoin('messages as m', 'm.id', 'a.message_id')
    .leftJoin('tickets as t', 't.id', 'a.ticket_id')
    .select(['a.id', 'a.filename', 'a.content_type', 'a.size', 'a.blob_sha256', 'a.uploaded_by_user_id', 'a.message_id', 'b.data'])
    .where('a.id', '=', id);
  if (actor.kind === 'user') authorize(actor, 'ticket.read');
  else q = q.where(customerSees(actor.id)).where('m.kind', '=', 'reply');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('attachment');
  // an unattached upload is visible only to its uploader
  if (!row.message_id && (actor.kind !== 'user' || row.uploaded_by_user_id !== actor.id)) throw notFound('attachment');
  return row;
}
