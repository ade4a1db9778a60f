// Which calendar a ticket lives in: customer -> organization -> group -> default -> built-in.
// Calendars are cached in-process for CACHE_MS; writes in this process call invalidateCalendars().
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { CalendarDayKind, Interval } from '../../db/types.ts';
import type { Calendar } from './business-time.ts';

const CACHE_MS = 30_000;
const WORKDAY: Interval[] = [[540, 1080]];

/** Mon-Fri 09:00-18:00 Europe/Moscow, no exceptions: used when no calendar is stored at all. */
export const BUILTIN_CALENDAR: Calendar = Object.freeze({
  id: null,
  timeZone: 'Europe/Moscow',
  alwaysOpen: false,
  week: [WORKDAY, WORKDAY, WORKDAY, WORKDAY, WORKDAY, [], []],
  days: new Map(),
});

type Entry = { at: number; cal: Calendar };
const cache = new Map<string, Entry>(); // by id, and 'default'
let generation = 0;

/** Forget cached calendars (call after any write to calendars or calendar_days). */
export function invalidateCalendars(): void {
  cache.clear();
  generation++;
}

type CalendarRow = { id: string; time_zone: string; always_open: boolean; week: Interval[][] };

async function load(db: Db, id: string | null): Promise<Calendar | null> {
  let q = db.selectFrom('calendars').select(['id', 'time_zone', 'always_open', 'week']);
  q = id === null ? q.where('is_default', '=', true) : q.where('id', '=', id);
  const row = (await q.executeTakeFirst()) as CalendarRow | undefined;
  if (!row) return null;
  const days = await db
    .selectFrom('calendar_days')
    .select([sql<string>`day::text`.as('day'), 'kind', 'hours'])
    .where('calendar_id', '=', row.id)
    .execute();
  return {
    id: row.id,
    timeZone: row.time_zone,
    alwaysOpen: row.always_open,
    week: row.week,
    days: new Map(days.map((d) => [d.day, { kind: d.kind as CalendarDayKind, hours: (d.hours as Interval[] | null) ?? null }])),
  };
}

/** A calendar by id (cached in-process briefly; writes invalidate), or the default one for null (or an unknown id). */
export async function calendarById(db: Db, id: string | null): Promise<Calendar> {
  const key = id ?? 'default';
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && now - hit.at < CACHE_MS) return hit.cal;
  const gen = generation;
  let cal = await load(db, id);
  if (!cal && id !== null) return calendarById(db, null);
  cal ??= BUILTIN_CALENDAR;
  if (gen === generation) cache.set(key, { at: now, cal });
  return cal;
}

function ticketCalendars(db: Db) {
  return db
    .selectFrom('tickets as t')
    .leftJoin('customers as cu', 'cu.id', 't.requester_id')
    .leftJoin('organizations as o', (j) => j.on(sql<boolean>`o.id = coalesce(t.organization_id, cu.organization_id)`))
    .leftJoin('groups as g', 'g.id', 't.group_id')
    .select(['t.id', sql<string | null>`coalesce(cu.calendar_id, o.calendar_id, g.calendar_id)`.as('calendar_id')]);
}

/** The id of the calendar a ticket lives in (null: the default one). */
export async function calendarIdForTicket(db: Db, ticketId: string): Promise<string | null> {
  const row = await ticketCalendars(db).where('t.id', '=', ticketId).executeTakeFirst();
  return row?.calendar_id ?? null;
}

/** Many tickets at once (bulk recompute): ticket id -> its calendar (one query, then the cache). */
export async function calendarsForTickets(db: Db, ticketIds: string[]): Promise<Map<string, Calendar>> {
  const out = new Map<string, Calendar>();
  if (ticketIds.length === 0) return out;
  const rows = await ticketCalendars(db).where('t.id', 'in', ticketIds).execute();
  for (const r of rows) out.set(r.id, await calendarById(db, r.calendar_id));
  return out;
}

/** customer's calendar, else organization's, else group's, else the default calendar, else built-in Mon-Fri 09-18 Moscow. */
export async function calendarForTicket(db: Db, ticketId: string): Promise<Calendar> {
  return calendarById(db, await calendarIdForTicket(db, ticketId));
}
