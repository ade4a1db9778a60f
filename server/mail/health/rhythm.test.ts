// The rhythm model on synthetic histories: business-hours traffic, quiet nights, weekends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hourOfWeek, learnRhythm, limitAt, MINUTE, RHYTHM, silenceLimit, toHourRows, type Rhythm } from './rhythm.ts';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Monday 2026-10-05 00:00 UTC: week 0 of the synthetic histories. */
const W0 = Date.UTC(2026, 9, 5);
const at = (week: number, day: number, h: number, m = 0) => new Date(W0 + week * 7 * DAY + day * DAY + h * HOUR + m * MINUTE);

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson arrivals at `perHour` during Mon–Fri 9:00–18:00 UTC, none at night or at weekends. */
function businessHours(weeks: number, perHour: number, seed = 1, skip: (d: Date) => boolean = () => false): Date[] {
  const r = rng(seed);
  const out: Date[] = [];
  for (let w = 0; w < weeks; w++) {
    for (let d = 0; d < 5; d++) {
      let t = at(w, d, 9).getTime();
      const end = at(w, d, 18).getTime();
      for (;;) {
        t += (-Math.log(1 - r()) / perHour) * HOUR;
        if (t >= end) break;
        const x = new Date(t);
        if (!skip(x)) out.push(x);
      }
    }
  }
  return out;
}

function learn(times: Date[], to: Date): Rhythm {
  const from = new Date(to.getTime() - RHYTHM.windowDays * DAY);
  const r = learnRhythm(toHourRows(times.filter((t) => t >= from && t < to)), from, to, null);
  assert.ok(r, 'enough history to learn');
  return r;
}

const minutesBetween = (a: Date, b: Date) => (b.getTime() - a.getTime()) / MINUTE;

describe('rhythm: busy weekday traffic (6 mails/h, 9–18 Mon–Fri)', () => {
  const history = businessHours(6, 6);
  const r = learn(history, at(6, 0, 0));

  test('a weekday afternoon silence is abnormal within a few typical gaps (two and a half hours)', () => {
    const s = silenceLimit(r, at(6, 2, 14), undefined);
    assert.equal(s.source, 'learned');
    assert.ok(s.minutes >= 30 && s.minutes <= 150, `limit ${s.minutes} min`);
  });

  test('a quiet night is normal; the next morning without mail is not', () => {
    const last = at(6, 1, 17, 55); // Tuesday, the usual end of the day
    const s = silenceLimit(r, last, undefined);
    assert.ok(s.deadline >= at(6, 2, 9), `no alert before Wednesday 9:00 (deadline ${s.deadline.toISOString()})`);
    assert.ok(s.deadline <= at(6, 2, 11), `alert by Wednesday 11:00 (deadline ${s.deadline.toISOString()})`);
  });

  test('a quiet weekend is normal; Monday morning without mail is not', () => {
    const last = at(6, 4, 17, 50); // Friday evening
    const s = silenceLimit(r, last, undefined);
    assert.ok(s.deadline >= at(7, 0, 9), `no alert over the weekend (deadline ${s.deadline.toISOString()})`);
    assert.ok(s.deadline <= at(7, 0, 11), `alert by Monday 11:00 (deadline ${s.deadline.toISOString()})`);
  });

  test('an outage on Friday afternoon is caught on Friday, not on Monday', () => {
    const s = silenceLimit(r, at(6, 4, 14), undefined);
    assert.ok(s.deadline <= at(6, 4, 15, 30), `deadline ${s.deadline.toISOString()}`);
  });

  test('the limit at night is hours, in the afternoon minutes', () => {
    assert.ok(limitAt(r, at(6, 2, 3).getTime()) >= 8 * 60);
    assert.ok(limitAt(r, at(6, 5, 15).getTime()) >= 20 * 60); // Saturday afternoon
    assert.ok(limitAt(r, at(6, 2, 15).getTime()) <= 150);
  });

  test('a new week of the same traffic raises no false alert', () => {
    const week = businessHours(7, 6, 99).filter((t) => t >= at(6, 0, 0));
    let alerts = 0;
    for (let i = 1; i < week.length; i++) if (silenceLimit(r, week[i - 1], undefined).deadline < week[i]) alerts++;
    assert.ok(alerts <= 1, `${alerts} false alerts in ${week.length} arrivals`);
  });
});

describe('rhythm: quiet channel (0.5 mails/h in business hours)', () => {
  const history = businessHours(6, 0.5, 7);
  const r = learn(history, at(6, 0, 0));

  test('limits are hours, not minutes, and still below a day in working time', () => {
    const s = silenceLimit(r, at(6, 2, 11), undefined);
    assert.ok(s.minutes >= 2 * 60, `limit ${s.minutes} min`);
    assert.ok(s.deadline <= at(6, 3, 18), `deadline ${s.deadline.toISOString()}`);
  });

  test('few false alerts on a fresh week', () => {
    const week = businessHours(7, 0.5, 1234).filter((t) => t >= at(6, 0, 0));
    let alerts = 0;
    for (let i = 1; i < week.length; i++) if (silenceLimit(r, week[i - 1], undefined).deadline < week[i]) alerts++;
    assert.ok(alerts <= 1, `${alerts} false alerts in ${week.length} arrivals`);
  });
});

describe('rhythm: moderate channel (2 mails/h in business hours)', () => {
  test('over 20 simulated weeks at most 5 false alerts (one every four weeks)', () => {
    let alerts = 0;
    let arrivals = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const all = businessHours(7, 2, seed);
      const r = learn(all.filter((t) => t < at(6, 0, 0)), at(6, 0, 0));
      const week = all.filter((t) => t >= at(6, 0, 0));
      arrivals += week.length;
      for (let i = 1; i < week.length; i++) if (silenceLimit(r, week[i - 1], undefined).deadline < week[i]) alerts++;
    }
    assert.ok(alerts <= 5, `${alerts} false alerts in ${arrivals} arrivals`);
  });
});

describe('rhythm: bursty channel (3 bursts of 10 mails a working day)', () => {
  const bursts = (weeks: number, seed: number) =>
    businessHours(weeks, 3 / 9, seed).flatMap((t) => Array.from({ length: 10 }, (_, i) => new Date(t.getTime() + i * 10_000)));
  const r = learn(bursts(6, 11), at(6, 0, 0));

  test('the many mails per burst do not make the gaps between bursts look abnormal', () => {
    const week = bursts(7, 77).filter((t) => t >= at(6, 0, 0));
    let alerts = 0;
    for (let i = 1; i < week.length; i++) if (silenceLimit(r, week[i - 1], undefined).deadline < week[i]) alerts++;
    assert.ok(alerts <= 1, `${alerts} false alerts in ${week.length} arrivals`);
  });
});

describe('rhythm: local business hours across a DST change (Europe/Berlin, 9–18 local)', () => {
  // CEST (UTC+2) until 2026-10-25 01:00 UTC, then CET (UTC+1)
  const DST_END = Date.UTC(2026, 9, 25, 1);
  const berlin = (utc: Date) => new Date(utc.getTime() - (utc.getTime() - 2 * HOUR < DST_END ? 2 : 1) * HOUR);
  // six weeks of summer time, then the first week of winter time (from Monday 2026-10-26)
  const local = (weeks: number, perHour: number, seed: number) => businessHours(weeks, perHour, seed).map((t) => berlin(new Date(t.getTime() - 21 * DAY)));

  function falseAlerts(timeZone: string): number {
    let alerts = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const all = local(7, 6, seed);
      const to = at(3, 0, 0);
      const from = new Date(to.getTime() - RHYTHM.windowDays * DAY);
      const r = learnRhythm(toHourRows(all.filter((t) => t < to)), from, to, null, RHYTHM, timeZone)!;
      const week = all.filter((t) => t >= to);
      for (let i = 1; i < week.length; i++) if (silenceLimit(r, week[i - 1], undefined).deadline < week[i]) alerts++;
    }
    return alerts;
  }

  test('hours of week in the local zone: the shifted clock raises no false alerts', () => {
    assert.equal(hourOfWeek(Date.UTC(2026, 9, 19, 7), 'Europe/Berlin'), 9); // Monday 09:00 CEST
    assert.equal(hourOfWeek(Date.UTC(2026, 9, 26, 8), 'Europe/Berlin'), 9); // Monday 09:00 CET
    const utc = falseAlerts('UTC');
    const berlinZone = falseAlerts('Europe/Berlin');
    assert.ok(berlinZone <= 1, `${berlinZone} false alerts in 10 weeks (Europe/Berlin)`);
    assert.ok(utc > berlinZone, `UTC hours would mislead after the change (${utc} false alerts)`);
  });
});

describe('rhythm: learning rules', () => {
  test('one holiday Wednesday in the history does not silence Wednesday alerts', () => {
    const holiday = (d: Date) => d >= at(3, 2, 0) && d < at(3, 3, 0);
    const r = learn(businessHours(6, 6, 3, holiday), at(6, 0, 0));
    const s = silenceLimit(r, at(6, 2, 14), undefined);
    assert.ok(s.minutes <= 150, `limit ${s.minutes} min`);
  });

  test('too little history: no rhythm, the default limit of a day', () => {
    const from = at(5, 0, 0);
    const to = at(6, 0, 0);
    const history = businessHours(6, 6).filter((t) => t >= from);
    assert.equal(learnRhythm(toHourRows(history), from, to, null), null);
    const s = silenceLimit(null, at(6, 2, 14), undefined);
    assert.equal(s.source, 'default');
    assert.equal(s.minutes, 24 * 60);
    assert.equal(minutesBetween(at(6, 2, 14), s.deadline), 24 * 60);
  });

  test('a configured silence overrides the learned rhythm', () => {
    const r = learn(businessHours(6, 6), at(6, 0, 0));
    const s = silenceLimit(r, at(6, 5, 3), 30);
    assert.equal(s.source, 'configured');
    assert.equal(minutesBetween(at(6, 5, 3), s.deadline), 30);
  });

  test('limits stay within the clamps', () => {
    const r = learn(businessHours(6, 120, 5), at(6, 0, 0)); // two mails a minute
    assert.equal(limitAt(r, at(6, 2, 14).getTime()), RHYTHM.minMinutes);
    const s = silenceLimit(r, at(6, 4, 18), undefined);
    assert.ok(s.minutes <= RHYTHM.maxMinutes);
  });

  test('hours of week start on Monday 00:00 UTC', () => {
    assert.equal(hourOfWeek(at(0, 0, 0).getTime()), 0);
    assert.equal(hourOfWeek(at(0, 0, 1, 59).getTime()), 1);
    assert.equal(hourOfWeek(at(0, 6, 23, 59).getTime()), 167);
    assert.equal(hourOfWeek(at(-100, 2, 1).getTime()), 2 * 24 + 1);
  });

  test('toHourRows: count, first, last and the largest gap ending in each hour', () => {
    const rows = toHourRows([at(0, 0, 9, 50), at(0, 0, 10, 1), at(0, 0, 10, 40), at(0, 0, 10, 5), at(0, 0, 12, 0)]);
    const show = rows.map((r) => [r.hour.toISOString(), r.count, r.first.toISOString(), r.last.toISOString(), r.maxGapMs && r.maxGapMs / MINUTE]);
    assert.deepEqual(show, [
      [at(0, 0, 9).toISOString(), 1, at(0, 0, 9, 50).toISOString(), at(0, 0, 9, 50).toISOString(), null],
      [at(0, 0, 10).toISOString(), 3, at(0, 0, 10, 1).toISOString(), at(0, 0, 10, 40).toISOString(), 35],
      [at(0, 0, 12).toISOString(), 1, at(0, 0, 12).toISOString(), at(0, 0, 12).toISOString(), 80],
    ]);
  });
});
