// Business calendars: CRUD, the default one, day exceptions, iCal holiday import, assignment
// to groups / organizations / customers, and a due-time preview. Every write drops the in-process cache.
import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { AddQuery, AssignmentBody, CreateCalendarBody, IcalImportBody, PutDayBody, UpdateCalendarBody } from '../../../api/calendars.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { CalendarDayKind, CalendarsTable, Interval } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { addBusinessMinutes } from './business-time.ts';
import { fetchIcs, parseHolidays } from './ical.ts';
import { calendarById, invalidateCalendars } from './resolve.ts';

export type CalendarRow = Selectable<CalendarsTable>;
export type DayRow = { day: string; kind: CalendarDayKind; hours: Interval[] | null; name: string; source: 'preset' | 'ical' | 'manual' };

const isPg = (e: unknown, code: string) => (e as { code?: string })?.code === code;

/** Runs a write and drops the cached calendars once it is committed. */
async function write<T>(deps: Deps, fn: (trx: Db) => Promise<T>): Promise<T> {
  try {
    return await inTx(deps.db, fn);
  } catch (e) {
    if (isPg(e, '23505') && (e as { constraint?: string }).constraint === 'calendars_name_key') throw new AppError('already_exists', 'a calendar with this name already exists');
    if (isPg(e, '23505')) throw new AppError('conflict', 'another default calendar was set at the same time; try again');
    throw e;
  } finally {
    invalidateCalendars();
  }
}

async function findCalendar(db: Db, id: string, lock = false): Promise<CalendarRow> {
  let q = db.selectFrom('calendars').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('calendar');
  return row;
}

export async function calendarDays(db: Db, id: string): Promise<DayRow[]> {
  const rows = await db
    .selectFrom('calendar_days')
    .select([sql<string>`day::text`.as('day'), 'kind', 'hours', 'name', 'source'])
    .where('calendar_id', '=', id)
    .orderBy('day')
    .execute();
  return rows as DayRow[];
}

export async function listCalendars(deps: Deps, actor: Actor): Promise<CalendarRow[]> {
  authorize(actor, 'calendar.read');
  return deps.db.selectFrom('calendars').selectAll().orderBy('is_default', 'desc').orderBy(sql`lower(name)`).orderBy('id').limit(1000).execute();
}

export async function getCalendar(deps: Deps, actor: Actor, id: string): Promise<{ cal: CalendarRow; days: DayRow[] }> {
  authorize(actor, 'calendar.read');
  const cal = await findCalendar(deps.db, id);
  return { cal, days: await calendarDays(deps.db, id) };
}

async function makeDefault(trx: Db, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(73019541)`.execute(trx); // one default change at a time
  await trx.updateTable('calendars').set({ is_default: false, updated_at: new Date() }).where('is_default', '=', true).where('id', '<>', id).execute();
  await trx.updateTable('calendars').set({ is_default: true, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function createCalendar(deps: Deps, actor: Actor, input: z.infer<typeof CreateCalendarBody>): Promise<CalendarRow> {
  authorize(actor, 'calendar.write');
  return write(deps, async (trx) => {
    const now = new Date();
    const row = await trx
      .insertInto('calendars')
      .values({ name: input.name, time_zone: input.timeZone, always_open: input.alwaysOpen, week: JSON.stringify(input.week), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.isDefault) await makeDefault(trx, row.id);
    return findCalendar(trx, row.id);
  });
}

export async function updateCalendar(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateCalendarBody>): Promise<CalendarRow> {
  authorize(actor, 'calendar.write');
  return write(deps, async (trx) => {
    await findCalendar(trx, id, true);
    return trx
      .updateTable('calendars')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
        ...(input.alwaysOpen !== undefined ? { always_open: input.alwaysOpen } : {}),
        ...(input.week !== undefined ? { week: JSON.stringify(input.week) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function setDefault(deps: Deps, actor: Actor, id: string): Promise<CalendarRow> {
  authorize(actor, 'calendar.write');
  return write(deps, async (trx) => {
    await findCalendar(trx, id, true);
    await makeDefault(trx, id);
    return findCalendar(trx, id);
  });
}

/** Where a calendar is used (groups, organizations, customers, SLA policies, tickets' SLA clocks). */
async function usage(db: Db, id: string): Promise<Record<string, number>> {
  const r = await sql<Record<string, number>>`select
      (select count(*)::int from groups where calendar_id = ${id}) as groups,
      (select count(*)::int from organizations where calendar_id = ${id}) as organizations,
      (select count(*)::int from customers where calendar_id = ${id}) as customers,
      (select count(*)::int from sla_policies where calendar_id = ${id}) as "slaPolicies",
      (select count(*)::int from ticket_sla where calendar_id = ${id}) as tickets`.execute(db);
  return r.rows[0]!;
}

export async function deleteCalendar(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'calendar.write');
  await write(deps, async (trx) => {
    const cal = await findCalendar(trx, id, true);
    if (cal.is_default) throw new AppError('calendar_in_use', 'the default calendar cannot be deleted; make another one the default first', { reason: 'default' });
    const used = await usage(trx, id);
    if (Object.values(used).some((n) => n > 0)) {
      throw new AppError('calendar_in_use', 'the calendar is in use; assign another one first', { reason: 'in_use', usedBy: used });
    }
    try {
      await trx.deleteFrom('calendars').where('id', '=', id).execute();
    } catch (e) {
      if (isPg(e, '23503')) throw new AppError('calendar_in_use', 'the calendar is in use', { reason: 'in_use' });
      throw e;
    }
  });
}

export async function putDay(deps: Deps, actor: Actor, id: string, day: string, input: z.infer<typeof PutDayBody>): Promise<DayRow> {
  authorize(actor, 'calendar.write');
  return write(deps, async (trx) => {
    await findCalendar(trx, id, true);
    const hours = input.hours ? JSON.stringify(input.hours) : null;
    const values = { calendar_id: id, day, kind: input.kind, hours, name: input.name, source: 'manual' as const };
    await trx
      .insertInto('calendar_days')
      .values(values)
      .onConflict((oc) => oc.columns(['calendar_id', 'day']).doUpdateSet({ kind: input.kind, hours, name: input.name, source: 'manual' }))
      .execute();
    await trx.updateTable('calendars').set({ updated_at: new Date() }).where('id', '=', id).execute();
    return { day, kind: input.kind, hours: input.hours, name: input.name, source: 'manual' };
  });
}

export async function deleteDay(deps: Deps, actor: Actor, id: string, day: string): Promise<void> {
  authorize(actor, 'calendar.write');
  await write(deps, async (trx) => {
    await findCalendar(trx, id, true);
    const r = await trx.deleteFrom('calendar_days').where('calendar_id', '=', id).where('day', '=', day).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('calendar day');
    await trx.updateTable('calendars').set({ updated_at: new Date() }).where('id', '=', id).execute();
  });
}

/** Replaces the calendar's earlier 'ical' days with the feed's all-day events; days set by hand or by the preset stay. */
export async function importIcal(deps: Deps, actor: Actor, id: string, input: z.infer<typeof IcalImportBody>) {
  authorize(actor, 'calendar.write');
  await findCalendar(deps.db, id);
  const url = 'url' in input ? input.url : null;
  const text = url !== null ? await fetchIcs(url) : (input as { ics: string }).ics;
  const { days, ignoredEvents } = parseHolidays(text); // throws before anything is written
  return write(deps, async (trx) => {
    await findCalendar(trx, id, true);
    const removed = await trx.deleteFrom('calendar_days').where('calendar_id', '=', id).where('source', '=', 'ical').executeTakeFirst();
    const rows = [...days].map(([day, name]) => ({ calendar_id: id, day, kind: 'holiday' as const, hours: null, name, source: 'ical' as const }));
    let imported = 0;
    for (let i = 0; i < rows.length; i += 2000) {
      const r = await trx.insertInto('calendar_days').values(rows.slice(i, i + 2000)).onConflict((oc) => oc.columns(['calendar_id', 'day']).doNothing()).executeTakeFirst();
      imported += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    await trx.updateTable('calendars').set({ ical_url: url, updated_at: new Date() }).where('id', '=', id).execute();
    return { imported, removed: Number(removed.numDeletedRows), skipped: rows.length - imported, ignoredEvents };
  });
}

const TARGET = { group: 'groups', organization: 'organizations', customer: 'customers' } as const;

export async function assignCalendar(deps: Deps, actor: Actor, input: z.infer<typeof AssignmentBody>) {
  authorize(actor, 'calendar.write');
  return write(deps, async (trx) => {
    if (input.calendarId !== null) await findCalendar(trx, input.calendarId, true);
    const r = await trx.updateTable(TARGET[input.kind]).set({ calendar_id: input.calendarId }).where('id', '=', input.id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound(input.kind);
    return input;
  });
}

export async function previewAdd(deps: Deps, actor: Actor, id: string, q: z.infer<typeof AddQuery>): Promise<{ dueAt: string }> {
  authorize(actor, 'calendar.read');
  await findCalendar(deps.db, id);
  const cal = await calendarById(deps.db, id);
  try {
    return { dueAt: addBusinessMinutes(cal, new Date(q.from), q.minutes).toISOString() };
  } catch (e) {
    throw new AppError('invalid_state', (e as Error).message);
  }
}
