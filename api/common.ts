// Shapes shared by many routes.
import { z } from 'zod';

/** A positive bigint id: 1..9223372036854775807 (a larger number would make PostgreSQL fail). */
export const isId = (v: unknown): v is string =>
  typeof v === 'string' && /^[1-9][0-9]{0,18}$/.test(v) && (v.length < 19 || v <= '9223372036854775807');
export const Id = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a numeric id').refine((v) => v.length < 19 || v <= '9223372036854775807', 'must be a numeric id');
export const IdParams = z.object({ id: Id });
export const Email = z.string().trim().toLowerCase().email().max(254);
export const Locale = z.enum(['ru', 'en']);
export const Timestamp = z.string().datetime({ offset: true });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string().optional(),
});

export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Ok = z.object({ ok: z.literal(true) });
