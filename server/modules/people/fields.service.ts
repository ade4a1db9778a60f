// Custom ticket field definitions. Values are checked by tickets/custom-fields.ts.
import type { z } from 'zod';
import type { CreateFieldBody, ListFieldsQuery, UpdateFieldBody } from '../../../api/people.ts';
import type { Actor } from '../../actor.ts';
import { inTx } from '../../db/tx.ts';
import type { FieldType } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { afterIdCursor, isUniqueViolation } from './people-sql.ts';
import type { FieldRow } from './people.presenter.ts';

/** Select fields need a non-empty list of distinct options; other types take none. */
function checkOptions(type: FieldType, options: string[]): void {
  const bad = (message: string) => new AppError('validation_failed', `/options: ${message}`, { errors: [{ path: '/options', message }] });
  if (type === 'select' && !options.length) throw bad('a select field needs at least one option');
  if (type !== 'select' && options.length) throw bad(`a ${type} field has no options`);
  if (new Set(options).size !== options.length) throw bad('options must be distinct');
}

/** Customers can only fill in what they can see. */
function checkPortalFlags(visible: boolean, editable: boolean): void {
  if (editable && !visible) {
    const message = 'a field customers fill in must be visible to them';
    throw new AppError('validation_failed', `/customerEditable: ${message}`, { errors: [{ path: '/customerEditable', message }] });
  }
}

export async function listFields(deps: Deps, actor: Actor, q: z.infer<typeof ListFieldsQuery>) {
  authorize(actor, 'field.read');
  let query = deps.db.selectFrom('ticket_fields').selectAll();
  if (q.active !== undefined) query = query.where('active', '=', q.active);
  const after = afterIdCursor(q.cursor);
  if (after) query = query.where('id', '>', after);
  const rows: FieldRow[] = await query.orderBy('id').limit(q.limit + 1).execute();
  return page(rows, q.limit, (r) => [r.id]);
}

export async function createField(deps: Deps, actor: Actor, input: z.infer<typeof CreateFieldBody>): Promise<FieldRow> {
  authorize(actor, 'field.write');
  checkOptions(input.type, input.options);
  checkPortalFlags(input.customerVisible, input.customerEditable);
  return deps.db
    .insertInto('ticket_fields')
    .values({
      key: input.key, label_ru: input.labelRu, label_en: input.labelEn, type: input.type, options: input.options, required: input.required,
      customer_visible: input.customerVisible, customer_editable: input.customerEditable,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      throw isUniqueViolation(e, 'ticket_fields_key_key') ? new AppError('already_exists', `a field with key ${input.key} already exists`, { key: input.key }) : e;
    });
}

export async function updateField(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateFieldBody>): Promise<FieldRow> {
  authorize(actor, 'field.write');
  return inTx(deps.db, async (trx) => {
    const f = await trx.selectFrom('ticket_fields').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!f) throw notFound('field');
    if (input.options) checkOptions(f.type, input.options);
    checkPortalFlags(input.customerVisible ?? f.customer_visible, input.customerEditable ?? f.customer_editable);
    return trx
      .updateTable('ticket_fields')
      .set({ label_ru: input.labelRu, label_en: input.labelEn, options: input.options, required: input.required, active: input.active,
        customer_visible: input.customerVisible, customer_editable: input.customerEditable,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
