// Reading the ledger: one promise, a ticket's promises and badge, lists, the customer's view, metrics.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { ListPromisesQuery, PromiseItem, PromiseReportQuery } from '../../../api/promises.ts';
import { isId } from '../../../api/common.ts';
import type { Actor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/db.ts';
import type { PromiseAlert } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, isCursorTime, page } from '../../http/cursor.ts';
import { iso, isoReq } from '../../http/types.ts';
import { authorize, requireCustomer } from '../../policy.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { findTicket } from '../tickets/tickets.service.ts';

const base = (db: Db) => db.selectFrom('promises as p').innerJoin('tickets as t', 't.id', 'p.ticket_id').selectAll('p').select('t.number as ticket_number');
export type PromiseRow = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

export async function promiseById(db: Db, id: string): Promise<PromiseRow> {
  const p = await base(db).where('p.id', '=', id).executeTakeFirst();
  if (!p) throw notFound('promise');
  return p;
}

export function presentPromise(config: Config, p: PromiseRow): z.infer<typeof PromiseItem> {
  return {
    id: p.id, ticketId: p.ticket_id, ticketNumber: ticketRef(config, p.ticket_number), ownerId: p.owner_id, createdBy: p.created_by,
    kind: p.kind, text: p.text, dueAt: new Date(p.due_at).toISOString(), visibleToCustomer: p.visible_to_customer, source: p.source,
    messageId: p.message_id, state: p.state, renegotiatedFromId: p.renegotiated_from_id, replacedById: p.replaced_by_id,
    resolvedAt: iso(p.resolved_at), resolvedBy: p.resolved_by, resolvedNote: p.resolved_note, marginMin: p.margin_min,
    alerts: (p.alert_plan as PromiseAlert[]).map((a) => ({ at: new Date(a.at).toISOString(), level: a.level, minutes: a.minutes })),
    createdAt: isoReq(p.created_at), updatedAt: isoReq(p.updated_at),
  };
}

export async function getPromise(deps: Deps, actor: Actor, id: string): Promise<PromiseRow> {
  authorize(actor, 'promise.read');
  return promiseById(deps.db, id);
}

/** A ticket's promises, oldest first, and its badge counts. */
export async function ticketPromises(deps: Deps, actor: Actor, ref: string) {
  authorize(actor, 'promise.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const items = await base(deps.db).where('p.ticket_id', '=', t.id).orderBy('p.id').limit(500).execute();
  const c = await deps.db.selectFrom('promises').where('ticket_id', '=', t.id)
    .select([sql<number>`count(*) filter (where state = 'open')::int`.as('open'), sql<number>`count(*) filter (where state = 'broken')::int`.as('broken')])
    .executeTakeFirstOrThrow();
  return { ticketId: t.id, items, counts: { open: c.open, broken: c.broken } };
}

/** Promises by due time (keyset: due_at, id), e.g. my open ones due before the end of the day. */
export async function listPromises(deps: Deps, actor: Actor, q: z.infer<typeof ListPromisesQuery>) {
  authorize(actor, 'promise.read');
  const c = decodeCursor(q.cursor, 2);
  if (c && (!isCursorTime(c[0]) || !isId(c[1]))) throw new AppError('validation_failed', 'cursor is not valid');
  let query = base(deps.db).orderBy('p.due_at').orderBy('p.id').limit(q.limit + 1);
  if (q.owner) query = query.where('p.owner_id', '=', q.owner === 'me' ? actor.id : q.owner);
  if (q.state?.length) query = query.where('p.state', 'in', q.state);
  if (q.dueBefore) query = query.where('p.due_at', '<', new Date(q.dueBefore));
  if (c) query = query.where(sql<boolean>`(p.due_at, p.id) > (${c[0]}::timestamptz, ${c[1]}::bigint)`);
  const rows = await query.execute();
  return page(rows, q.limit, (r) => [new Date(r.due_at).toISOString(), r.id]);
}

/** The customer's own ticket: only the promises made visible to them. */
export async function portalPromises(deps: Deps, actor: Actor, ref: string) {
  requireCustomer(actor);
  const t = await findTicket(deps.db, deps, actor, ref);
  const rows = await deps.db.selectFrom('promises').select(['text', 'due_at', 'state']).where('ticket_id', '=', t.id)
    .where('visible_to_customer', '=', true).orderBy('id').limit(500).execute();
  return rows.map((r) => ({ text: r.text, dueAt: new Date(r.due_at).toISOString(), state: r.state }));
}

type ReportRow = {
  key: string | null; name: string | null; made: number; kept_on_time: number; kept_late: number; renegotiated: number;
  broken: number; open: number; cancelled: number; median: number | null;
};

/**
 * Metrics of promises made in [from, to) per owner or per ticket group. Every row counts once
 * in `made` and once in its state: a renegotiation ends one promise (renegotiated = kept with
 * a change) and makes a new one. Median margin over kept promises.
 */
export async function promiseReport(deps: Deps, actor: Actor, q: z.infer<typeof PromiseReportQuery>) {
  authorize(actor, 'report.read');
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw new AppError('validation_failed', 'from must be before to');
  const keyed = q.groupBy === 'agent'
    ? sql`select p.owner_id as key, u.name, p.* from promises p left join users u on u.id = p.owner_id`
    : sql`select t.group_id as key, g.name, p.* from promises p join tickets t on t.id = p.ticket_id left join groups g on g.id = t.group_id`;
  const r = await sql<ReportRow>`
    select key::text as key, name,
      count(*)::int as made,
      count(*) filter (where state = 'kept' and margin_min >= 0)::int as kept_on_time,
      count(*) filter (where state = 'kept' and margin_min < 0)::int as kept_late,
      count(*) filter (where state = 'renegotiated')::int as renegotiated,
      count(*) filter (where state = 'broken')::int as broken,
      count(*) filter (where state = 'open')::int as open,
      count(*) filter (where state = 'cancelled')::int as cancelled,
      percentile_cont(0.5) within group (order by margin_min) filter (where state = 'kept') as median
    from (${keyed} where p.created_at >= ${from} and p.created_at < ${to}) x
    group by key, name
    order by made desc, key nulls last`.execute(deps.db);
  return {
    from: from.toISOString(), to: to.toISOString(), groupBy: q.groupBy,
    rows: r.rows.map((x) => ({
      key: x.key, name: x.name, made: x.made, keptOnTime: x.kept_on_time, keptLate: x.kept_late, renegotiated: x.renegotiated,
      broken: x.broken, open: x.open, cancelled: x.cancelled, medianMarginMin: x.median === null ? null : Number(x.median),
    })),
  };
}
