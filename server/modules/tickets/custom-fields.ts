// Checks custom field values against their typed definitions (ticket_fields).
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';

type Value = string | number | boolean | null;

export async function checkCustom(db: Db, values: Record<string, Value>): Promise<Record<string, Value>> {
  const keys = Object.keys(values);
  if (!keys.length) return values;
  const defs = await db.selectFrom('ticket_fields').selectAll().where('key', 'in', keys).where('active', '=', true).execute();
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const errors: { path: string; message: string }[] = [];
  for (const [k, v] of Object.entries(values)) {
    const d = byKey.get(k);
    if (!d) { errors.push({ path: `/custom/${k}`, message: 'no such custom field' }); continue; }
    if (v === null) continue;
    const bad = (m: string) => errors.push({ path: `/custom/${k}`, message: m });
    switch (d.type) {
      case 'text': if (typeof v !== 'string') bad('must be text'); break;
      case 'number': if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a number'); break;
      case 'checkbox': if (typeof v !== 'boolean') bad('must be true or false'); break;
      case 'date': if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) bad('must be a date YYYY-MM-DD'); break;
      case 'select': if (typeof v !== 'string' || !d.options.includes(v)) bad(`must be one of: ${d.options.join(', ')}`); break;
    }
  }
  if (errors.length) throw new AppError('validation_failed', `${errors[0].path}: ${errors[0].message}`, { errors });
  return values;
}

/** Required fields must be filled before a ticket is solved. */
export async function checkRequiredForSolve(db: Db, custom: Record<string, unknown>): Promise<void> {
  const required = await db.selectFrom('ticket_fields').select(['key']).where('required', '=', true).where('active', '=', true).execute();
  const missing = required.filter((f) => custom[f.key] === undefined || custom[f.key] === null || custom[f.key] === '').map((f) => f.key);
  if (missing.length) throw new AppError('invalid_state', `fill the required fields before solving: ${missing.join(', ')}`, { missing });
}
