// Care memory: after a failure on our side a customer (or a whole organization) gets a care
// flag for a while: it raises the priority of their tickets and shows as a banner on each.
// Flags end by hand or expire (sweeper); they are never deleted (history).
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { CreateCareBody } from '../../../api/care.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { notify, type Notice } from '../notifications/notify.ts';
import { refreshMany, unsolvedTicketsOf } from '../priority/priority.service.ts';
import { queuePriorityRefresh } from '../priority/queue.ts';
import { findTicket } from '../tickets/tickets.service.ts';

export type Scope = 'customer' | 'organization';

export type CareRow = {
  id: string; customer_id: string | null; organization_id: string | null; reason: string; until: Date; points: number;
  ticket_id: string | null; ticket_number: string | null; created_by: string | null; created_by_name: string | null; created_at: Date;
  ended_at: Date | null; ended_by: string | null; ended_by_name: string | null; end_reason: 'expired' | 'ended' | null; end_note: string | null;
};

function selectFlags(db: Db) {
  return db.selectFrom('care_flags as f')
    .leftJoin('tickets as t', 't.id', 'f.ticket_id')
    .leftJoin('users as cu', 'cu.id', 'f.created_by')
    .leftJoin('users as eu', 'eu.id', 'f.ended_by')
    .select([
      'f.id', 'f.customer_id', 'f.organization_id', 'f.reason', sql<Date>`f.until`.as('until'), 'f.points', 'f.ticket_id',
      't.number as ticket_number', 'f.created_by', 'cu.name as created_by_name', 'f.created_at', 'f.ended_at', 'f.ended_by',
      'eu.name as ended_by_name', 'f.end_reason', 'f.end_note',
    ]);
}

async function flagById(db: Db, id: string): Promise<CareRow> {
  const row = await selectFlags(db).where('f.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('care flag');
  return row as CareRow;
}

/** The owner must exist (404 otherwise); returns the time zone its deadlines are counted in. */
async function ownerZone(db: Db, scope: Scope, id: string): Promise<string> {
  const r = scope === 'customer'
    ? await sql<{ tz: string | null }>`
        select coalesce(cc.time_zone, oc.time_zone, (select time_zone from calendars where is_default)) as tz
        from customers c left join calendars cc on cc.id = c.calendar_id
        left join organizations o on o.id = c.organization_id left join calendars oc on oc.id = o.calendar_id
        where c.id = ${id}::bigint`.execute(db)
    : await sql<{ tz: string | null }>`
        select coalesce(oc.time_zone, (select time_zone from calendars where is_default)) as tz
        from organizations o left join calendars oc on oc.id = o.calendar_id where o.id = ${id}::bigint`.execute(db);
  if (!r.rows.length) throw notFound(scope);
  return r.rows[0].tz ?? 'Europe/Moscow';
}

/** Unsolved tickets of the flag's owner get their priority refreshed. */
async function refreshOwner(deps: Deps, db: Db, rows: { customer_id: string | null; organization_id: string | null }[]) {
  await refreshMany(deps, db, await ownersTickets(db, rows));
}

const ownersTickets = (db: Db, rows: { customer_id: string | null; organization_id: string | null }[]) => unsolvedTicketsOf(db, {
  customerIds: rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])),
  organizationIds: rows.flatMap((r) => (r.organization_id ? [r.organization_id] : [])),
});

export async function createCare(deps: Deps, actor: Actor, scope: Scope, ownerId: string, input: z.infer<typeof CreateCareBody>): Promise<CareRow> {
  authorize(actor, 'care.write');
  return inTx(deps.db, async (trx) => {
    const zone = await ownerZone(trx, scope, ownerId);
    // "N days" counts calendar days in the owner's time zone (the same local time N days later, DST-safe)
    const until = input.until ? new Date(input.until) : DateTime.now().setZone(zone).plus({ days: input.days! }).toJSDate();
    if (until.getTime() <= Date.now()) throw new AppError('validation_failed', 'until must be in the future', { errors: [{ path: '/until', message: 'in the past' }] });
    let ticketId: string | null = null;
    if (input.ticketId) ticketId = (await findTicket(trx, deps, actor, input.ticketId)).id;
    const f = await trx.insertInto('care_flags').values({
      customer_id: scope === 'customer' ? ownerId : null, organization_id: scope === 'organization' ? ownerId : null,
      reason: input.reason, until, ticket_id: ticketId, points: input.points ?? 15, created_by: actor.id, created_at: new Date(),
    }).returning(['id', 'customer_id', 'organization_id']).executeTakeFirstOrThrow();
    await refreshOwner(deps, trx, [f]);
    return flagById(trx, f.id);
  });
}

/** Every flag of the customer or organization, newest first (active and ended). */
export async function listCare(deps: Deps, actor: Actor, scope: Scope, ownerId: string): Promise<CareRow[]> {
  authorize(actor, 'care.read');
  await ownerZone(deps.db, scope, ownerId);
  const col = scope === 'customer' ? 'f.customer_id' : 'f.organization_id';
  return (await selectFlags(deps.db).where(col, '=', ownerId).orderBy('f.id', 'desc').limit(500).execute()) as CareRow[];
}

export async function endCare(deps: Deps, actor: Actor, id: string, note: string | undefined): Promise<CareRow> {
  authorize(actor, 'care.write');
  return inTx(deps.db, async (trx) => {
    const f = await trx.selectFrom('care_flags').select(['id', 'customer_id', 'organization_id', 'ended_at', 'until']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!f) throw notFound('care flag');
    if (f.ended_at) throw new AppError('invalid_state', 'this care flag has already ended');
    const now = new Date();
    await trx.updateTable('care_flags').set({ ended_at: now, ended_by: actor.id, end_reason: 'ended', end_note: note || null }).where('id', '=', id).execute();
    await refreshOwner(deps, trx, [f]);
    return flagById(trx, id);
  });
}

/** The banner of a ticket: active flags of its requester and of its organization. */
export async function ticketCare(deps: Deps, actor: Actor, ref: string): Promise<CareRow[]> {
  authorize(actor, 'care.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const now = new Date();
  const rows = await selectFlags(deps.db)
    .where('f.ended_at', 'is', null)
    .where('f.until', '>', now)
    .where((eb) => eb.or([
      eb('f.customer_id', '=', t.requester_id),
      ...(t.organization_id ? [eb('f.organization_id', '=', t.organization_id)] : []),
    ]))
    .orderBy('f.points', 'desc').orderBy('f.id', 'desc')
    .execute();
  return rows as CareRow[];
}

/** Sweeper source: ends care flags whose time is up (history kept); returns how many ended. */
export async function sweepCareExpiry(deps: Deps, db: Db, now: Date, limit: number): Promise<number> {
  // index-only find on care_flags_expiry (until, id) where ended_at is null; the update re-checks,
  // so a second sweeper or a re-run ends nothing twice
  const ended = await sql<{ id: string; customer_id: string | null; organization_id: string | null; created_by: string | null; ticket_id: string | null; reason: string; until: Date }>`
    with due as (
      select id from care_flags where ended_at is null and until <= ${now}::timestamptz order by until, id limit ${limit}
    )
    update care_flags f set ended_at = f.until, end_reason = 'expired'
    from due where f.id = due.id and f.ended_at is null and f.until <= ${now}::timestamptz
    returning f.id, f.customer_id, f.organization_id, f.created_by, f.ticket_id, f.reason, f.until`.execute(db);
  const rows = ended.rows;
  if (!rows.length) return 0;
  const notices: Notice[] = rows.filter((r) => r.created_by).map((r) => ({
    userId: r.created_by!, kind: 'care_expired', ticketId: r.ticket_id,
    data: { careFlagId: r.id, reason: r.reason, until: new Date(r.until).toISOString(), customerId: r.customer_id, organizationId: r.organization_id },
    dedupeKey: `care:${r.id}:expired`,
  }));
  await notify(deps, db, notices);
  // the owners' scores lose their care points: refreshed right after by a job, as the SLA and promise sources do
  await queuePriorityRefresh(deps, db, await ownersTickets(db, rows));
  return rows.length;
}
