// Small SQL helpers shared by the people services.
import { sql, type RawBuilder } from 'kysely';
import { isId } from '../../../api/common.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor } from '../../http/cursor.ts';

/** A LIKE pattern matching values that start with `prefix` (lowercased, wildcards escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** True when `e` is PostgreSQL's unique violation (optionally on the named constraint/index). */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const pg = e as { code?: string; constraint?: string };
  return pg?.code === '23505' && (!constraint || pg.constraint === constraint);
}

/** Keyset condition for lists sorted by (lower(name), id): rows after the cursor. */
export function afterNameCursor(table: string, cursor: string | undefined): RawBuilder<boolean> | null {
  const c = decodeCursor(cursor, 2);
  if (!c) return null;
  const [name, id] = c;
  if (typeof name !== 'string' || !isId(id)) {
    throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  }
  return sql<boolean>`(lower(${sql.ref(`${table}.name`)}), ${sql.ref(`${table}.id`)}) > (${name}, ${id}::bigint)`;
}

/** The cursor key of a row selected with `lower(name) as sort_name`. */
export const nameKey = (r: { sort_name: string; id: string }) => [r.sort_name, r.id];

/** Keyset condition for lists sorted by id. */
export function afterIdCursor(cursor: string | undefined): string | null {
  const c = decodeCursor(cursor, 1);
  if (!c) return null;
  if (!isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  return c[0];
}
