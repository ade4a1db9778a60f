// A path's usual rhythm, learned from its arrival history (pure functions, no I/O).
//
// Model: for every hour of the history window we take the longest silence seen during that
// hour: the largest gap between arrivals that ends in it, or the time since the last arrival at
// its end. For each hour of the week (168 buckets, Monday 00 first, local to the channel's
// health.timeZone, default UTC, so DST does not shift business hours) the typical silence is
// a high value of that across the weeks (the 2nd largest when there are 5+ weeks, so one
// holiday week does not count), and the rate is the mean number of arrivals in that hour.
// A silence that started at `last` becomes abnormal at the first moment t where both
//   - t − last > k × typical silence of t's hour (clamped), and
//   - the arrivals expected between last and t (sum of the hourly rates) reach `theta`
//     (for Poisson traffic the chance of such a silence is e^-theta),
// and stays abnormal until the next arrival; after maxMinutes it is abnormal anyway.
// Nights and weekends have long typical silences and low rates, so they never trip; a weekday
// afternoon trips within a few typical gaps. An outage that began overnight is caught once the
// morning's expected mail is clearly missing.

export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 24 * HOUR;
/** Monday 2000-01-03 00:00 UTC: the origin of hours of week (also used by the SQL date_bin). */
export const WEEK_ORIGIN = Date.UTC(2000, 0, 3);

export type RhythmOptions = {
  k: number; // limit = k × typical silence
  theta: number; // …and at least this many arrivals expected during the silence
  minMinutes: number;
  maxMinutes: number;
  defaultMinutes: number; // too little history
  windowDays: number; // history used for learning
  minHistoryDays: number; // learning needs this much history…
  minArrivals: number; // …and this many arrivals
};

export const RHYTHM: RhythmOptions = {
  k: 3, theta: 8, minMinutes: 15, maxMinutes: 3 * 24 * 60, defaultMinutes: 24 * 60,
  windowDays: 42, minHistoryDays: 14, minArrivals: 10,
};

/** One aggregated row: the arrivals in the hour starting at `hour` (what the SQL returns). */
export type HourRow = {
  hour: Date;
  count: number;
  first: Date;
  last: Date;
  /** Largest gap (ms) from an arrival in this hour to the one before it; null: none known. */
  maxGapMs: number | null;
};

export type Rhythm = {
  /** Hours of week are local to this zone (business hours follow local time, DST included). */
  timeZone: string;
  /** Typical silence (minutes) per hour of week (168, Monday 00 local first); null: no sample. */
  typical: (number | null)[];
  /** Mean arrivals per hour, per hour of week. */
  rate: number[];
  arrivals: number;
  historyDays: number;
};

export type SilenceLimit = {
  source: 'learned' | 'configured' | 'default';
  /** Minutes of silence after `last` that are still normal. */
  minutes: number;
  deadline: Date;
};

const DAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

/** Hour of week (0..167, Monday 00:00 first) of a moment, in a time zone (default UTC). */
export function hourOfWeek(t: number, timeZone = 'UTC'): number {
  if (timeZone === 'UTC') {
    const r = (((t - WEEK_ORIGIN) % WEEK) + WEEK) % WEEK;
    return Math.floor(r / HOUR);
  }
  let f = formats.get(timeZone);
  if (!f) formats.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' })));
  let day = 0;
  let hour = 0;
  for (const p of f.formatToParts(t)) {
    if (p.type === 'weekday') day = DAYS[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
  }
  return day * 24 + hour;
}

const floorTo = (t: number, step: number) => WEEK_ORIGIN + Math.floor((t - WEEK_ORIGIN) / step) * step;

/** The robust high value: 2nd largest from 5 samples on, else the largest. */
function highValue(xs: number[]): number {
  const s = [...xs].sort((a, b) => b - a);
  return s.length >= 5 ? s[1] : s[0];
}

/**
 * Learns the typical silence per hour of week from aggregated arrivals in [from, to).
 * `lastBefore`: the latest arrival before `from` (null: none). Returns null when the history is
 * too short to learn from.
 */
export function learnRhythm(rows: HourRow[], from: Date, to: Date, lastBefore: Date | null, o: RhythmOptions = RHYTHM, timeZone = 'UTC'): Rhythm | null {
  const byHour = new Map(rows.map((r) => [r.hour.getTime(), r]));
  const arrivals = rows.reduce((n, r) => n + r.count, 0);
  const firstEver = lastBefore?.getTime() ?? Math.min(...rows.map((r) => r.first.getTime()));
  if (!Number.isFinite(firstEver)) return null;
  const historyDays = (to.getTime() - firstEver) / (24 * HOUR);
  if (historyDays < o.minHistoryDays || arrivals < o.minArrivals) return null;

  // per hour of week: week → the longest silence seen in that hour
  const byWeek: Map<number, number>[] = Array.from({ length: 168 }, () => new Map());
  const counts = new Array<number>(168).fill(0);
  let prev = lastBefore?.getTime() ?? null;
  for (let h = floorTo(from.getTime(), HOUR); h + HOUR <= to.getTime(); h += HOUR) {
    const r = byHour.get(h);
    let longest: number | null = null;
    if (r) {
      const gaps = [r.maxGapMs ?? 0, prev === null ? 0 : r.first.getTime() - prev, h + HOUR - r.last.getTime()];
      longest = Math.max(...gaps);
      prev = r.last.getTime();
    } else if (prev !== null) longest = h + HOUR - prev;
    if (longest === null) continue;
    const b = hourOfWeek(h, timeZone);
    counts[b] += r?.count ?? 0;
    const w = Math.floor((h - WEEK_ORIGIN) / WEEK);
    byWeek[b].set(w, Math.max(byWeek[b].get(w) ?? 0, Math.min(longest / MINUTE, o.maxMinutes)));
  }
  const typical = byWeek.map((m) => (m.size >= 2 ? highValue([...m.values()]) : null));
  const rate = byWeek.map((m, b) => (m.size ? counts[b] / m.size : 0));
  return { timeZone, typical, rate, arrivals, historyDays };
}

/** The normal silence limit (minutes) at moment t under the learned rhythm. */
export function limitAt(r: Rhythm, t: number, o: RhythmOptions = RHYTHM): number {
  const v = r.typical[hourOfWeek(t, r.timeZone)];
  return Math.min(o.maxMinutes, Math.max(o.minMinutes, v === null ? o.maxMinutes : o.k * v));
}

/** First moment after `last` at which the silence is longer than normal. */
export function learnedDeadline(r: Rhythm, last: Date, o: RhythmOptions = RHYTHM): Date {
  const l = last.getTime();
  const end = l + o.maxMinutes * MINUTE;
  let expected = 0; // arrivals expected from l to the start of the segment
  // limit and rate are constant within an hour of week
  for (let g = floorTo(l, HOUR); g < end; g += HOUR) {
    const s = Math.max(g, l);
    const rate = r.rate[hourOfWeek(g, r.timeZone)];
    const byCount = expected >= o.theta ? s : rate > 0 ? s + ((o.theta - expected) / rate) * HOUR : Infinity;
    const at = Math.max(s, l + limitAt(r, g, o) * MINUTE, byCount);
    if (at < g + HOUR) return new Date(Math.min(at, end));
    expected += (rate * (g + HOUR - s)) / HOUR;
  }
  return new Date(end);
}

/** The silence limit for a path: configured minutes win, then the learned rhythm, then the default. */
export function silenceLimit(rhythm: Rhythm | null, last: Date, configuredMinutes: number | undefined, o: RhythmOptions = RHYTHM): SilenceLimit {
  if (configuredMinutes !== undefined) {
    return { source: 'configured', minutes: configuredMinutes, deadline: new Date(last.getTime() + configuredMinutes * MINUTE) };
  }
  if (!rhythm) return { source: 'default', minutes: o.defaultMinutes, deadline: new Date(last.getTime() + o.defaultMinutes * MINUTE) };
  const deadline = learnedDeadline(rhythm, last, o);
  return { source: 'learned', minutes: Math.round((deadline.getTime() - last.getTime()) / MINUTE), deadline };
}

/** The typical silence per local hour of week (168 values, minutes), for the health view. */
export function hourlyProfile(r: Rhythm): (number | null)[] {
  return r.typical.map((v) => (v === null ? null : Math.round(v)));
}

/** Aggregates raw arrival times into HourRows, as the SQL does (tests, small inputs). */
export function toHourRows(times: Date[]): HourRow[] {
  const sorted = [...times].sort((a, b) => a.getTime() - b.getTime());
  const m = new Map<number, HourRow>();
  sorted.forEach((t, i) => {
    const h = floorTo(t.getTime(), HOUR);
    const gap = i > 0 ? t.getTime() - sorted[i - 1].getTime() : null;
    const r = m.get(h);
    if (!r) m.set(h, { hour: new Date(h), count: 1, first: t, last: t, maxGapMs: gap });
    else {
      r.count++;
      r.last = t;
      if (gap !== null) r.maxGapMs = Math.max(r.maxGapMs ?? 0, gap);
    }
  });
  return [...m.values()];
}
