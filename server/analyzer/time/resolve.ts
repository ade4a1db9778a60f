// Turns a found expression into an absolute due time in the ticket's zone.
import { DateTime } from 'luxon';
import type { BusinessCalendar, DayHours } from '../types.ts';
import type { Comp, Clock, Day, Part, Period } from './spec.ts';
import { cachedZone } from './zone.ts';

const DEFAULT_DAY: DayHours = { start: 9 * 60, end: 18 * 60 };
const DEFAULT_WEEK: DayHours[] = [DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, DEFAULT_DAY, null, null];
const END_OF_DAY = 18 * 60;

/** due times of the parts of the day, minutes from midnight (night ends the next morning) */
export const PART_TIMES: Record<Part, number> = {
  morning: 12 * 60, // «утром», "in the morning": by noon
  firsthalf: 13 * 60, // «в первой половине дня»
  lunch: 13 * 60, // «к обеду», "by lunch"
  afternoon: -1, // «днём», «после обеда», "in the afternoon": the end of the business day
  evening: 21 * 60, // «вечером», "tonight", "in the evening"
  night: 24 * 60 + 6 * 60, // «ночью», "overnight": 06:00 the next morning
  bymorning: 9 * 60, // «к утру», "by morning"
};

export class Resolver {
  base: DateTime;
  today: DateTime;
  cal?: BusinessCalendar;
  week: DayHours[];
  holidays: Set<string>;
  workdays: Set<string>;
  private cache = new Map<string, string | null>();

  constructor(sentAt: Date, timeZone: string, cal?: BusinessCalendar) {
    const zone = cachedZone(timeZone) ?? 'UTC';
    let base = DateTime.fromJSDate(sentAt, { zone });
    if (!base.isValid) base = DateTime.fromJSDate(new Date(), { zone });
    this.base = base.set({ millisecond: 0 });
    this.today = this.base.startOf('day');
    this.cal = cal;
    this.week = cal?.week && cal.week.length === 7 ? cal.week : DEFAULT_WEEK;
    this.holidays = new Set(cal?.holidays ?? []);
    this.workdays = new Set(cal?.workdays ?? []);
  }

  /** the due time; key: what identifies c within one text (its words), JSON of c when not given */
  due(c: Comp, key = JSON.stringify(c)): string | null {
    let v = this.cache.get(key);
    if (v === undefined) {
      const dt = this.compute(c);
      v = dt ? dt.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") : null;
      this.cache.set(key, v);
    }
    return v;
  }

  // ---------- calendar ----------

  hours(day: DateTime): DayHours {
    const iso = day.toISODate()!;
    if (this.workdays.has(iso)) return this.week[day.weekday - 1] ?? this.week.find((h) => h) ?? DEFAULT_DAY;
    if (this.holidays.has(iso)) return null;
    return this.week[day.weekday - 1] ?? null;
  }

  /** the end of the business day: 18:00, or the calendar's end of that day when it is a working day */
  endOf(day: DateTime): DateTime {
    const h = this.cal ? this.hours(day) : null;
    return at(day, h ? h.end : END_OF_DAY);
  }

  addWorkdays(n: number): DateTime {
    let d = this.today;
    let count = 0;
    for (let k = 0; k < 3660 && count < n; k++) {
      d = d.plus({ days: 1 });
      if (this.hours(d)) count++;
    }
    return this.endOf(d);
  }

  addWorkMinutes(min: number): DateTime {
    let rem = min * 60000;
    let cursor = this.base;
    let day = this.today;
    for (let k = 0; k < 3660; k++) {
      const h = this.hours(day);
      if (h) {
        const start = at(day, h.start);
        const end = at(day, h.end);
        const cur = cursor < start ? start : cursor;
        if (cur < end) {
          const avail = end.toMillis() - cur.toMillis();
          if (rem <= avail) return cur.plus({ milliseconds: rem });
          rem -= avail;
        }
      }
      day = day.plus({ days: 1 });
      cursor = day;
    }
    return cursor;
  }

  // ---------- days ----------

  dayOf(d: Day): DateTime | null {
    const t = this.today;
    switch (d.k) {
      case 'rel':
        return t.plus({ days: d.n });
      case 'wd': {
        let diff = (d.wd - t.weekday + 7) % 7;
        if (diff === 0 && d.mod === 'next') diff = 7;
        return t.plus({ days: diff });
      }
      case 'date': {
        let y = d.y ?? t.year;
        let dt = DateTime.fromObject({ year: y, month: d.m, day: d.d }, { zone: t.zone });
        if (!dt.isValid) return null;
        if (d.y === undefined && dt < t) {
          y++;
          dt = DateTime.fromObject({ year: y, month: d.m, day: d.d }, { zone: t.zone });
          if (!dt.isValid) return null;
        }
        return dt;
      }
      case 'biz':
        return this.addWorkdays(d.n).startOf('day');
      case 'dom': {
        for (let k = d.d >= t.day ? 0 : 1; k < 3; k++) {
          const m = t.startOf('month').plus({ months: k });
          if (d.d <= m.daysInMonth!) return m.set({ day: d.d });
        }
        return null;
      }
    }
  }

  periodDay(p: Period): DateTime {
    const t = this.today;
    const wd = t.weekday;
    switch (p.k) {
      case 'week':
        if (p.off === 0) return t.plus({ days: (p.at - wd + 7) % 7 });
        return t.plus({ days: 8 - wd + (p.at - 1) + (p.off - 1) * 7 });
      case 'weekend':
        return t.plus({ days: (7 - wd) % 7 });
      case 'afterweekend':
        return t.plus({ days: 8 - wd });
      case 'month': {
        if (p.m !== undefined) {
          const y = p.m >= t.month ? t.year : t.year + 1;
          return DateTime.fromObject({ year: y, month: p.m, day: 1 }, { zone: t.zone }).endOf('month').startOf('day');
        }
        return t.plus({ months: p.off }).endOf('month').startOf('day');
      }
      case 'year':
        return t.endOf('year').startOf('day');
    }
  }

  // ---------- the due time ----------

  compute(c: Comp): DateTime | null {
    if (c.kind) return null;
    if (c.dur) return this.duration(c.dur.n, c.dur.u, c.dur.biz);
    let day: DateTime | null = null;
    if (c.day && c.day.k === 'wd' && c.period?.k === 'week') {
      // "Friday next week", «в пятницу на следующей неделе»
      day = this.periodDay({ k: 'week', off: c.period.off, at: c.day.wd });
    } else if (c.day) {
      day = this.dayOf(c.day);
      if (!day) return null;
    } else if (c.period) day = this.periodDay(c.period);
    let dt: DateTime;
    if (day) dt = this.onDay(day, c);
    else if (c.time || c.part) {
      // no day given: the next such time from the message
      dt = this.onDay(this.today, c);
      if (dt <= this.base) dt = this.onDay(this.today.plus({ days: 1 }), c);
    } else dt = this.endOf(this.today);
    if (c.after) {
      const end = this.endOf(dt.startOf('day'));
      return dt < end ? end : null;
    }
    return dt;
  }

  private onDay(day: DateTime, c: Comp): DateTime {
    if (c.time) {
      const [h, m] = clockHM(c.time, c.part);
      return at(day, h * 60 + m);
    }
    if (c.part) {
      const min = PART_TIMES[c.part];
      return min < 0 ? this.endOf(day) : at(day, min);
    }
    return this.endOf(day);
  }

  private duration(n: number, u: string, biz: boolean): DateTime {
    const b = this.base;
    if (biz) {
      if (u === 'd') return this.addWorkdays(Math.max(1, Math.ceil(n)));
      if (u === 'w') return this.addWorkdays(Math.ceil(n * 5));
      return this.addWorkMinutes(u === 'h' ? n * 60 : n);
    }
    switch (u) {
      case 'min':
        return b.plus({ seconds: Math.round(n * 60) });
      case 'h':
        return b.plus({ minutes: Math.round(n * 60) });
      case 'd':
        return Number.isInteger(n) ? b.plus({ days: n }) : b.plus({ hours: n * 24 });
      case 'w':
        return Number.isInteger(n) ? b.plus({ weeks: n }) : b.plus({ days: Math.round(n * 7) });
      default:
        return b.plus({ months: Math.ceil(n) });
    }
  }
}

/** a wall time on a day; 24:00 and later roll over to the next day */
function at(day: DateTime, minutes: number): DateTime {
  let d = day;
  let min = minutes;
  if (min >= 24 * 60) {
    d = d.plus({ days: Math.floor(min / 1440) });
    min %= 1440;
  }
  return d.set({ hour: Math.floor(min / 60), minute: min % 60, second: 0, millisecond: 0 });
}

/** 24-hour time of a clock reading: am/pm, «дня»/«вечера»/«ночи», the part of the day, and the bare-hour rule */
export function clockHM(t: Clock, part?: Part): [number, number] {
  let h = t.h;
  switch (t.ap) {
    case 'am':
      if (h === 12) h = 0;
      break;
    case 'pm':
      if (h < 12) h += 12;
      break;
    case 'day':
      if (h >= 1 && h <= 6) h += 12;
      break;
    case 'night':
      if (h === 12) h = 0;
      else if (h >= 9 && h <= 11) h += 12;
      break;
    default:
      if (h < 12 && (part === 'evening' || part === 'afternoon')) h += 12;
      else if (part === 'night' && h >= 9 && h < 12) h += 12;
      else if (t.bare && !part) h += 12; // a single-digit hour 1–7 without am/pm is in the afternoon («до 5» → 17:00)
  }
  return [h, t.m];
}
