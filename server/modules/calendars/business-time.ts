// Business-time math in a calendar's zone (luxon). Each local day's wall-clock intervals are
// turned into instants on their own (never "+24 h"), so DST changes, month and year ends are exact.
// Walks interval by interval (no per-minute loops); a day's instants are cached per Calendar object
// (treat a Calendar as immutable once built).
import { DateTime, IANAZone } from 'luxon';
import type { BusinessCalendar, DayHours } from '../../analyzer/types.ts';
import type { CalendarDayKind, Interval } from '../../db/types.ts';

export type Calendar = {
  id: string | null;
  timeZone: string;
  alwaysOpen: boolean;
  /** Monday first; [start, end) minutes from local midnight, end up to 2880 (overnight) */
  week: Interval[][];
  /** exceptions by local ISO date */
  days: Map<string, { kind: CalendarDayKind; hours: Interval[] | null }>;
};

const DAY_MS = 86_400_000;
/** A walk that meets this many days in a row without open hours gives up. */
const MAX_CLOSED_DAYS = 3 * 366;

type Span = [number, number]; // epoch ms, [start, end)

const spanCache = new WeakMap<Calendar, Map<number, Span[]>>();
const zones = new Map<string, IANAZone>();

function zoneOf(cal: Calendar): IANAZone {
  let z = zones.get(cal.timeZone);
  if (!z) {
    z = IANAZone.create(cal.timeZone);
    if (!z.isValid) throw new Error(`calendar ${cal.id ?? '(built-in)'}: unknown time zone ${cal.timeZone}`);
    zones.set(cal.timeZone, z);
  }
  return z;
}

/**
 * The first local day whose intervals may cover the instant: its UTC day less two (zone offsets are
 * within ±14 h, and the day before may run an overnight shift). Needs no zone lookup.
 */
function firstDay(ms: number): number {
  return Math.floor(ms / DAY_MS) - 2;
}
/** The last local day that may start before the instant. */
function lastDay(ms: number): number {
  return Math.floor(ms / DAY_MS) + 1;
}

export function isoOfDay(dn: number): string {
  return new Date(dn * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday */
function weekdayOf(dn: number): number {
  return (new Date(dn * DAY_MS).getUTCDay() + 6) % 7;
}

/** The usual intervals less `minutes` at the end. */
function shorten(base: Interval[], minutes: number): Interval[] {
  const out = base.map(([s, e]) => [s, e] as Interval);
  let cut = minutes;
  while (cut > 0 && out.length) {
    const last = out[out.length - 1]!;
    const len = last[1] - last[0];
    if (len > cut) { last[1] -= cut; cut = 0; } else { out.pop(); cut -= len; }
  }
  return out;
}

/** The wall-clock intervals of one local day (exceptions applied). */
export function dayIntervals(cal: Calendar, dn: number): Interval[] {
  const usual = cal.week[weekdayOf(dn)] ?? [];
  const ex = cal.days.get(isoOfDay(dn));
  if (!ex) return usual;
  if (ex.kind === 'holiday') return [];
  if (ex.hours) return ex.hours;
  if (ex.kind === 'workday') return cal.week[0] ?? [];
  return shorten(usual.length ? usual : cal.week[0] ?? [], 60); // 'short'
}

/** The instant of local day `dn` + `minute` minutes of wall clock (minute may pass 1440). */
function wallToMs(cal: Calendar, dn: number, minute: number): number {
  const extra = Math.floor(minute / 1440);
  const m = minute - extra * 1440;
  const d = new Date((dn + extra) * DAY_MS);
  const dt = DateTime.fromObject(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: Math.floor(m / 60), minute: Math.floor(m % 60), second: Math.round((m % 1) * 60) },
    { zone: zoneOf(cal) },
  );
  return dt.toMillis();
}

/** The open spans (instants) that start on local day dn, sorted. */
function daySpans(cal: Calendar, dn: number): Span[] {
  let cache = spanCache.get(cal);
  if (!cache) spanCache.set(cal, (cache = new Map()));
  let spans = cache.get(dn);
  if (spans) return spans;
  spans = [];
  for (const [s, e] of dayIntervals(cal, dn)) {
    const a = wallToMs(cal, dn, s);
    const b = wallToMs(cal, dn, e);
    if (b > a) spans.push([a, b]);
  }
  if (cache.size > 20_000) cache.clear();
  cache.set(dn, spans);
  return spans;
}

function closedTooLong(cal: Calendar): Error {
  return new Error(`calendar ${cal.id ?? '(built-in)'} has no open hours within ${MAX_CLOSED_DAYS} days`);
}

/**
 * The instant `minutes` business minutes after `from` (from itself may be outside hours).
 * 0 (or less) returns `from` unchanged; a result that lands on the end of an interval is that end.
 */
export function addBusinessMinutes(cal: Calendar, from: Date, minutes: number): Date {
  if (!Number.isFinite(minutes)) throw new RangeError(`addBusinessMinutes: minutes must be finite, got ${minutes}`);
  const start = from.getTime();
  if (Number.isNaN(start)) throw new RangeError('addBusinessMinutes: from is an invalid date');
  if (minutes <= 0) return new Date(start);
  let left = Math.round(minutes * 60_000);
  if (cal.alwaysOpen) return new Date(start + left);
  let t = start;
  let closed = 0;
  for (let dn = firstDay(start); ; dn++) {
    const spans = daySpans(cal, dn);
    if (spans.length === 0) {
      if (++closed > MAX_CLOSED_DAYS) throw closedTooLong(cal);
      continue;
    }
    closed = 0;
    for (const [a, b] of spans) {
      if (b <= t) continue;
      const s = Math.max(a, t);
      if (b - s >= left) return new Date(s + left);
      left -= b - s;
      t = b;
    }
  }
}

/**
 * Business minutes in [a, b) (0 when b <= a). Exact to the millisecond, so it may be fractional:
 * round before storing it in an integer column.
 */
export function businessMinutesBetween(cal: Calendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (!(to > from)) return 0;
  if (cal.alwaysOpen) return (to - from) / 60_000;
  let total = 0;
  let t = from; // everything before t is counted
  const last = lastDay(to);
  for (let dn = firstDay(from); dn <= last; dn++) {
    for (const [s, e] of daySpans(cal, dn)) {
      const lo = Math.max(s, t);
      const hi = Math.min(e, to);
      if (hi > lo) { total += hi - lo; t = hi; }
    }
  }
  return total / 60_000;
}

export function isOpenAt(cal: Calendar, at: Date): boolean {
  if (cal.alwaysOpen) return true;
  const t = at.getTime();
  for (let d = firstDay(t); d <= lastDay(t); d++) {
    for (const [s, e] of daySpans(cal, d)) if (s <= t && t < e) return true;
  }
  return false;
}

/**
 * The calendar in the analyzer's shape (for promise due-time resolution): one span per weekday
 * (first start to last end, within the day), holidays, and exception days on usually closed weekdays.
 */
export function toAnalyzerCalendar(cal: Calendar): BusinessCalendar {
  if (cal.alwaysOpen) return { week: Array.from({ length: 7 }, () => ({ start: 0, end: 1440 })), holidays: [], workdays: [] };
  const span = (iv: Interval[]): DayHours =>
    iv.length ? { start: Math.min(...iv.map((x) => x[0])), end: Math.min(1440, Math.max(...iv.map((x) => x[1]))) } : null;
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const [day, ex] of [...cal.days].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (ex.kind === 'holiday') holidays.push(day);
    else if (!(cal.week[weekdayOf(Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS))] ?? []).length) workdays.push(day);
  }
  return { week: Array.from({ length: 7 }, (_, i) => span(cal.week[i] ?? [])), holidays, workdays };
}
