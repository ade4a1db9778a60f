// Custom fields on the portal: customers see the customer-visible ones and fill in the
// customer-editable ones when opening a request. Types are checked as for agents (checkCustom).
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import { requireCustomer } from '../../policy.ts';
import { checkCustom } from '../tickets/custom-fields.ts';

type Value = string | number | boolean | null;
export type PortalFieldRow = {
  key: string; label_ru: string; label_en: string; type: 'text' | 'number' | 'date' | 'select' | 'checkbox';
  options: string[]; required: boolean; customer_editable: boolean;
};

/** Active fields customers see, in the order they were created. */
export async function visibleFields(db: Db): Promise<PortalFieldRow[]> {
  return db
    .selectFrom('ticket_fields')
    .select(['key', 'label_ru', 'label_en', 'type', 'options', 'required', 'customer_editable'])
    .where('active', '=', true)
    .where('customer_visible', '=', true)
    .orderBy('id')
    .limit(200)
    .execute();
}

export async function portalFields(db: Db, actor: Actor): Promise<PortalFieldRow[]> {
  requireCustomer(actor);
  return visibleFields(db);
}

/** Only customer-visible values with a value reach the customer. */
export function visibleValues(custom: Record<string, unknown>, fields: PortalFieldRow[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of fields) {
    const v = custom[f.key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[f.key] = v;
  }
  return out;
}

const empty = (v: Value | undefined) => v === undefined || v === null || (typeof v === 'string' && !v.trim());

/**
 * Values a customer sends with a new request: editable fields only (any other key, internal
 * or unknown, is refused alike, naming the key), typed as the agent API checks them, and every
 * required editable field filled. Returns the values to store (empty ones dropped).
 */
export async function checkPortalCustom(db: Db, values: Record<string, Value>): Promise<Record<string, Value>> {
  const fields = (await visibleFields(db)).filter((f) => f.customer_editable);
  const editable = new Set(fields.map((f) => f.key));
  const refused = Object.keys(values).filter((k) => !editable.has(k));
  if (refused.length) {
    const errors = refused.map((k) => ({ path: `/custom/${k}`, message: `customers cannot fill in the field ${k}` }));
    throw new AppError('validation_failed', `${errors[0].path}: ${errors[0].message}`, { errors });
  }
  const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => !empty(v)));
  await checkCustom(db, filled);
  const missing = fields.filter((f) => f.required && empty(values[f.key]));
  if (missing.length) {
    const errors = missing.map((f) => ({ path: `/custom/${f.key}`, message: `the field ${f.key} is required` }));
    throw new AppError('validation_failed', `${errors[0].path}: ${errors[0].message}`, { errors, missing: missing.map((f) => f.key) });
  }
  return filled;
}
