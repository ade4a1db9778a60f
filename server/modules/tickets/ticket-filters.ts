// Ticket filters and keyset sorts, shared by the ticket list, saved views and search.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { isId } from '../../../api/common.ts';
import type { TicketFilters } from '../../../api/tickets.ts';
import type { UserActor } from '../../actor.ts';
import type { DB, TicketPriority } from '../../db/types.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, isCursorTime } from '../../http/cursor.ts';

type Q<O> = SelectQueryBuilder<DB & { t: DB['tickets'] }, 't', O>;
export type Sort = 'score' | 'priority' | 'updated' | 'created' | 'oldest';

function idList(values: string[], actor: UserActor) {
  const ids = values.filter((v) => v !== 'none').map((v) => (v === 'me' ? actor.id : v));
  return { ids, none: values.includes('none') };
}

export function applyFilters<O>(q: Q<O>, f: TicketFilters, actor: UserActor): Q<O> {
  if (f.status?.length) {
    // No extra `status < 'solved'` hint: PostgreSQL proves the partial queue indexes apply from
    // the list itself, and the redundant condition made it underestimate rows ~6x (bench).
    q = q.where('t.status', 'in', f.status);
  }
  if (f.priority?.length) q = q.where('t.priority', 'in', f.priority);
  for (const col of ['groupId', 'assigneeId'] as const) {
    const v = f[col];
    if (!v?.length) continue;
    const { ids, none } = idList(v, actor);
    const c = col === 'groupId' ? 't.group_id' : 't.assignee_id';
    q = q.where((eb: ExpressionBuilder<DB & { t: DB['tickets'] }, 't'>) => {
      const ors = [];
      if (ids.length) ors.push(eb(c, 'in', ids));
      if (none) ors.push(eb(c, 'is', null));
      return eb.or(ors);
    });
  }
  if (f.tags?.length) q = q.where(sql<boolean>`t.tags @> ${sql.val(f.tags)}::text[]`);
  if (f.anyTags?.length) q = q.where(sql<boolean>`t.tags && ${sql.val(f.anyTags)}::text[]`);
  if (f.channel?.length) q = q.where('t.channel', 'in', f.channel);
  // analyzer signals of the customer messages, any of them (GIN index tickets_signals)
  if (f.signal?.length) q = q.where(sql<boolean>`t.signals && ${sql.val(f.signal)}::text[]`);
  if (f.requesterId) q = q.where('t.requester_id', '=', f.requesterId);
  if (f.organizationId) q = q.where('t.organization_id', '=', f.organizationId);
  if (f.stage?.length) {
    const stages = f.stage;
    q = q.where('t.requester_id', 'in', (eb) => eb.selectFrom('customers').select('id').where('stage', 'in', stages));
  }
  if (f.custom && Object.keys(f.custom).length) q = q.where(sql<boolean>`t.custom @> ${JSON.stringify(f.custom)}::jsonb`);
  if (f.updatedSince) q = q.where('t.updated_at', '>=', new Date(f.updatedSince));
  if (f.createdSince) q = q.where('t.created_at', '>=', new Date(f.createdSince));
  if (f.snoozed === 'hide') q = q.where((eb) => eb.or([eb('t.snoozed_until', 'is', null), eb('t.snoozed_until', '<=', sql<Date>`now()`)]));
  if (f.snoozed === 'only') q = q.where('t.snoozed_until', '>', sql<Date>`now()`);
  return q;
}

function validCursor(sort: Sort, c: unknown[]): boolean {
  const [a, b, d] = c;
  const ts = isCursorTime;
  const id = isId;
  if (sort === 'priority') return ['low', 'normal', 'high', 'urgent'].includes(a as string) && ts(b) && id(d);
  if (sort === 'score') return Number.isInteger(a) && Math.abs(a as number) <= 1_000_000 && ts(b) && id(d);
  return ts(a) && id(b);
}

type KeyRow = { id: string; priority?: TicketPriority; priority_score?: number; updated_at?: Date; created_at?: Date };

export function sortKey(sort: Sort, r: KeyRow): unknown[] {
  switch (sort) {
    case 'priority': return [r.priority, r.updated_at!.toISOString(), r.id];
    case 'score': return [r.priority_score, r.updated_at!.toISOString(), r.id];
    case 'updated': return [r.updated_at!.toISOString(), r.id];
    default: return [r.created_at!.toISOString(), r.id];
  }
}

/** The columns a sort's keyset needs: selecting only these keeps queue queries index-only. */
export function sortColumns(sort: Sort) {
  switch (sort) {
    case 'priority': return ['t.id', 't.priority', 't.updated_at'] as const;
    case 'score': return ['t.id', 't.priority_score', 't.updated_at'] as const;
    case 'updated': return ['t.id', 't.updated_at'] as const;
    default: return ['t.id', 't.created_at'] as const;
  }
}

/** Orders by the sort and continues after the cursor (row comparison, index friendly). */
export function applySort<O>(q: Q<O>, sort: Sort, cursor?: string): Q<O> {
  const len = sort === 'priority' || sort === 'score' ? 3 : 2;
  const c = decodeCursor(cursor, len) as string[] | null;
  if (c && !validCursor(sort, c)) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  switch (sort) {
    case 'priority':
      if (c) q = q.where(sql<boolean>`(t.priority, t.updated_at, t.id) < (${c[0]}::ticket_priority, ${c[1]}::timestamptz, ${c[2]}::bigint)`);
      return q.orderBy('t.priority', 'desc').orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc');
    case 'score': // index tickets_queue_score
      if (c) q = q.where(sql<boolean>`(t.priority_score, t.updated_at, t.id) < (${c[0]}::int, ${c[1]}::timestamptz, ${c[2]}::bigint)`);
      return q.orderBy('t.priority_score', 'desc').orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc');
    case 'updated':
      if (c) q = q.where(sql<boolean>`(t.updated_at, t.id) < (${c[0]}::timestamptz, ${c[1]}::bigint)`);
      return q.orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc');
    case 'created':
      if (c) q = q.where(sql<boolean>`(t.created_at, t.id) < (${c[0]}::timestamptz, ${c[1]}::bigint)`);
      return q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc');
    case 'oldest':
      if (c) q = q.where(sql<boolean>`(t.created_at, t.id) > (${c[0]}::timestamptz, ${c[1]}::bigint)`);
      return q.orderBy('t.created_at', 'asc').orderBy('t.id', 'asc');
  }
}
