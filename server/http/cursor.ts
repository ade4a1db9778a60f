// Opaque keyset cursors: base64url(JSON array of the sort key of the last row).
import { AppError } from '../errors.ts';

/** A time as encodeCursor wrote it (Date#toISOString, years 0001-9999): anything else would make PostgreSQL fail. */
export function isCursorTime(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-/.test(v) && !v.startsWith('0000') && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // PostgreSQL text cannot hold NUL: such a cursor was never ours
    const noNul = (x: unknown) => typeof x !== 'string' || !x.includes('\0');
    if (Array.isArray(v) && v.length === length && v.every(noNul)) return v;
  } catch {
    /* fall through */
  }
  throw new AppError('validation_failed', 'cursor is not valid; start again without it');
}

/** Takes limit+1 rows, returns the page and the cursor for the next one. */
export function page<T>(rows: T[], limit: number, key: (row: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length ? encodeCursor(key(items[items.length - 1])) : null };
}
