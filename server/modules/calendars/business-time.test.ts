import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { CalendarDayKind, Interval } from '../../db/types.ts';
import { prng } from '../../prng.ts';
import { addBusinessMinutes, businessMinutesBetween, dayIntervals, isOpenAt, toAnalyzerCalendar, type Calendar } from './business-time.ts';

type Ex = [string, CalendarDayKind, Interval[] | null];
const WEEKDAYS = (iv: Interval[]): Interval[][] => [iv, iv, iv, iv, iv, [], []];

function cal(timeZone: string, week: Interval[][], ex: Ex[] = [], alwaysOpen = false): Calendar {
  return { id: null, timeZone, alwaysOpen, week, days: new Map(ex.map(([d, kind, hours]) => [d, { kind, hours }])) };
}
/** A local wall time in a zone as a Date. */
const local = (zone: string, iso: string): Date => {
  const dt = DateTime.fromISO(iso, { zone });
  assert.ok(dt.isValid, iso);
  return dt.toJSDate();
};
const iso = (d: Date, zone: string): string => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

const MSK = 'Europe/Moscow';
const LON = 'Europe/London';
const NYC = 'America/New_York';
const moscow = cal(MSK, WEEKDAYS([[540, 1080]]));

describe('addBusinessMinutes', () => {
  test('inside hours, across a weekend, to the end of an interval', () => {
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-01T10:00'), 90), MSK), '2026-12-01T11:30');
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-04T17:00'), 120), MSK), '2026-12-07T10:00');
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-01T17:00'), 60), MSK), '2026-12-01T18:00');
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-01T17:00'), 61), MSK), '2026-12-02T09:01');
    // a whole business week
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-02T12:00'), 5 * 540), MSK), '2026-12-09T12:00');
  });

  test('from outside hours starts at the next opening', () => {
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-05T13:00'), 30), MSK), '2026-12-07T09:30');
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-01T06:00'), 1), MSK), '2026-12-01T09:01');
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-12-01T22:00'), 540), MSK), '2026-12-02T18:00');
  });

  test('zero minutes returns the start unchanged, even outside hours', () => {
    const sat = local(MSK, '2026-12-05T13:00');
    assert.equal(addBusinessMinutes(moscow, sat, 0).getTime(), sat.getTime());
    assert.equal(addBusinessMinutes(moscow, sat, -5).getTime(), sat.getTime());
    assert.throws(() => addBusinessMinutes(moscow, sat, Number.NaN), RangeError);
  });

  test('month end and year end with a holiday', () => {
    assert.equal(iso(addBusinessMinutes(moscow, local(MSK, '2026-02-27T17:00'), 120), MSK), '2026-03-02T10:00');
    const ny = cal(MSK, WEEKDAYS([[540, 1080]]), [['2027-01-01', 'holiday', null]]);
    assert.equal(iso(addBusinessMinutes(ny, local(MSK, '2026-12-31T17:30'), 60), MSK), '2027-01-04T09:30');
    assert.equal(businessMinutesBetween(ny, local(MSK, '2026-12-31T17:30'), local(MSK, '2027-01-04T09:30')), 60);
  });

  test('holidays, a moved working Saturday, shortened days', () => {
    const c = cal(MSK, WEEKDAYS([[540, 1080]]), [
      ['2026-12-08', 'holiday', null],
      ['2026-12-12', 'workday', null], // Saturday: the usual Monday hours
      ['2026-12-13', 'workday', [[600, 720]]], // Sunday with its own hours
      ['2026-12-16', 'short', null], // 09-17
      ['2026-12-17', 'short', [[540, 780]]],
    ]);
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-07T17:00'), 120), MSK), '2026-12-09T10:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-11T17:00'), 120), MSK), '2026-12-12T10:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-12T17:00'), 120), MSK), '2026-12-13T11:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-13T11:00'), 120), MSK), '2026-12-14T10:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-16T16:00'), 120), MSK), '2026-12-17T10:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-17T12:00'), 120), MSK), '2026-12-18T10:00');
    assert.equal(businessMinutesBetween(c, local(MSK, '2026-12-14T00:00'), local(MSK, '2026-12-21T00:00')), 540 * 3 + 480 + 240);
    assert.equal(isOpenAt(c, local(MSK, '2026-12-08T12:00')), false);
    assert.equal(isOpenAt(c, local(MSK, '2026-12-12T12:00')), true);
    assert.equal(isOpenAt(c, local(MSK, '2026-12-16T17:30')), false);
  });

  test('a short day on a usually closed weekday takes the Monday hours less one hour', () => {
    const c = cal(MSK, WEEKDAYS([[540, 780], [840, 1080]]), [['2025-11-01', 'short', null]]);
    assert.deepEqual(dayIntervals(c, Date.UTC(2025, 10, 1) / 86_400_000), [[540, 780], [840, 1020]]);
    const c2 = cal(MSK, WEEKDAYS([[540, 600], [630, 660]]), [['2026-12-02', 'short', null]]);
    assert.deepEqual(dayIntervals(c2, Date.UTC(2026, 11, 2) / 86_400_000), [[540, 570]]);
  });

  test('DST in London: wall-clock hours on both sides of the change', () => {
    const c = cal(LON, WEEKDAYS([[540, 1020]]));
    // spring forward on Sunday 2026-03-29; Friday 17:00 GMT + 60 = Monday 10:00 BST (09:00Z)
    const due = addBusinessMinutes(c, local(LON, '2026-03-27T16:00'), 120);
    assert.equal(iso(due, LON), '2026-03-30T10:00');
    assert.equal(due.toISOString(), '2026-03-30T09:00:00.000Z');
    // autumn back on Sunday 2026-10-25
    const due2 = addBusinessMinutes(c, local(LON, '2026-10-23T16:30'), 60);
    assert.equal(due2.toISOString(), '2026-10-26T09:30:00.000Z');
    // the night of the change: 00:00-06:00 wall clock is 5 real hours in spring and 7 in autumn
    const night = cal(LON, [[], [], [], [], [], [], [[0, 360]]]);
    assert.equal(businessMinutesBetween(night, local(LON, '2026-03-28T12:00'), local(LON, '2026-03-30T00:00')), 300);
    assert.equal(businessMinutesBetween(night, local(LON, '2026-10-24T12:00'), local(LON, '2026-10-26T00:00')), 420);
    assert.equal(iso(addBusinessMinutes(night, local(LON, '2026-03-29T00:00'), 300), LON), '2026-03-29T06:00');
    assert.equal(addBusinessMinutes(night, local(LON, '2026-10-25T00:00'), 120).toISOString(), '2026-10-25T01:00:00.000Z');
  });

  test('DST in New York with an overnight shift running through the change', () => {
    const c = cal(NYC, [[], [], [], [], [], [[1320, 1800]], []]); // Saturday 22:00 - Sunday 06:00
    assert.equal(businessMinutesBetween(c, local(NYC, '2026-03-07T12:00'), local(NYC, '2026-03-08T12:00')), 420);
    assert.equal(businessMinutesBetween(c, local(NYC, '2026-10-31T12:00'), local(NYC, '2026-11-01T12:00')), 540);
    assert.equal(iso(addBusinessMinutes(c, local(NYC, '2026-03-07T12:00'), 420), NYC), '2026-03-08T06:00');
    assert.equal(iso(addBusinessMinutes(c, local(NYC, '2026-10-31T12:00'), 540), NYC), '2026-11-01T06:00');
    assert.equal(iso(addBusinessMinutes(c, local(NYC, '2026-10-31T12:00'), 541), NYC), '2026-11-07T22:01');
    assert.equal(isOpenAt(c, local(NYC, '2026-03-08T05:59')), true);
    assert.equal(isOpenAt(c, local(NYC, '2026-03-08T06:00')), false);
  });

  test('overnight shifts across midnight, month end and the weekend', () => {
    const c = cal(MSK, WEEKDAYS([[1320, 1800]])); // Mon-Fri nights 22:00-06:00
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-01T23:00'), 120), MSK), '2026-12-02T01:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-01T05:30'), 60), MSK), '2026-12-01T22:30');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-11-30T23:00'), 480), MSK), '2026-12-01T23:00');
    assert.equal(iso(addBusinessMinutes(c, local(MSK, '2026-12-05T05:00'), 120), MSK), '2026-12-07T23:00');
    assert.equal(isOpenAt(c, local(MSK, '2026-12-05T03:00')), true); // Friday's night
    assert.equal(isOpenAt(c, local(MSK, '2026-12-06T03:00')), false);
    assert.equal(isOpenAt(c, local(MSK, '2026-12-07T03:00')), false); // Sunday night is off
    // a holiday on Tuesday closes Tuesday's night, not Monday's
    const h = cal(MSK, WEEKDAYS([[1320, 1800]]), [['2026-12-01', 'holiday', null]]);
    assert.equal(iso(addBusinessMinutes(h, local(MSK, '2026-11-30T23:00'), 480), MSK), '2026-12-02T23:00');
  });

  test('24/7 counts real time, across DST too', () => {
    const c = cal(LON, [], [['2026-03-29', 'holiday', null]], true);
    const from = local(LON, '2026-03-28T12:00');
    assert.equal(addBusinessMinutes(c, from, 1440).toISOString(), '2026-03-29T12:00:00.000Z');
    assert.equal(businessMinutesBetween(c, from, local(LON, '2026-03-29T12:00')), 1380);
    assert.equal(isOpenAt(c, from), true);
  });

  test('a calendar with no open hours throws a clear error', () => {
    const c = cal(MSK, [[], [], [], [], [], [], []]);
    assert.throws(() => addBusinessMinutes(c, new Date('2026-12-01T00:00:00Z'), 1), /no open hours/);
    assert.equal(businessMinutesBetween(c, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')), 0);
  });
});

describe('inverse and reference properties', () => {
  const cals: Calendar[] = [
    moscow,
    cal(LON, WEEKDAYS([[540, 720], [780, 1020]]), [['2026-03-30', 'holiday', null], ['2026-10-24', 'workday', null], ['2026-10-22', 'short', null]]),
    cal(NYC, [[[420, 900], [1320, 1800]], [[1320, 1800]], [[600, 1800]], [], [[0, 1440]], [[1320, 1800]], [[240, 420]]]),
  ];

  test('businessMinutesBetween(from, addBusinessMinutes(from, m)) === m; add(a, between(a, b)) is b when b is open', () => {
    const rnd = prng(20261203);
    const base = Date.UTC(2025, 0, 1);
    const span = Date.UTC(2028, 0, 1) - base;
    for (let i = 0; i < 3000; i++) {
      const c = cals[i % cals.length]!;
      const from = new Date(base + Math.floor(rnd() * span / 1000) * 1000);
      const m = Math.floor(rnd() * (rnd() < 0.5 ? 600 : 30_000));
      const due = addBusinessMinutes(c, from, m);
      assert.ok(due.getTime() >= from.getTime());
      assert.equal(businessMinutesBetween(c, from, due), m, `${c.timeZone} ${from.toISOString()} +${m}`);
      const b = new Date(from.getTime() + Math.floor(rnd() * 20 * 86_400) * 1000);
      const between = businessMinutesBetween(c, from, b);
      const back = addBusinessMinutes(c, from, between);
      assert.ok(back.getTime() <= b.getTime());
      if (isOpenAt(c, b) && between > 0) assert.equal(back.getTime(), b.getTime(), `${c.timeZone} ${from.toISOString()} ${b.toISOString()}`);
    }
  });

  test('businessMinutesBetween agrees with a minute-by-minute wall-clock count in DST weeks', () => {
    const rnd = prng(7);
    const weeks = [Date.UTC(2026, 2, 5), Date.UTC(2026, 2, 26), Date.UTC(2026, 9, 22), Date.UTC(2026, 9, 29), Date.UTC(2026, 11, 28)];
    for (let i = 0; i < 15; i++) {
      const c = cals[i % cals.length]!;
      const a = weeks[i % weeks.length]! + Math.floor(rnd() * 3 * 1440) * 60_000;
      const b = a + Math.floor(rnd() * 4 * 1440) * 60_000;
      let count = 0;
      for (let t = a; t < b; t += 60_000) {
        const dt = DateTime.fromMillis(t, { zone: c.timeZone });
        const m = dt.hour * 60 + dt.minute;
        const dn = Math.floor(Date.UTC(dt.year, dt.month - 1, dt.day) / 86_400_000);
        const open = dayIntervals(c, dn).some(([s, e]) => s <= m && m < e) || dayIntervals(c, dn - 1).some(([s, e]) => s <= m + 1440 && m + 1440 < e);
        if (open) count++;
        assert.equal(isOpenAt(c, new Date(t)), open, `${c.timeZone} ${new Date(t).toISOString()}`);
      }
      assert.equal(businessMinutesBetween(c, new Date(a), new Date(b)), count);
    }
  });

  test('many additions are fast', () => {
    const c = cals[1]!;
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) addBusinessMinutes(c, new Date(Date.UTC(2026, 0, 1) + i * 3_600_000), 480 + (i % 5000));
    assert.ok(performance.now() - t0 < 5000);
  });
});

describe('toAnalyzerCalendar', () => {
  test('one span per weekday, holidays and extra working days', () => {
    const c = cal(MSK, WEEKDAYS([[540, 780], [840, 1080]]), [['2026-01-01', 'holiday', null], ['2026-11-07', 'workday', null], ['2026-12-30', 'short', null]]);
    assert.deepEqual(toAnalyzerCalendar(c), {
      week: [...Array.from({ length: 5 }, () => ({ start: 540, end: 1080 })), null, null],
      holidays: ['2026-01-01'],
      workdays: ['2026-11-07'],
    });
    const night = toAnalyzerCalendar(cal(MSK, WEEKDAYS([[1320, 1800]])));
    assert.deepEqual(night.week![0], { start: 1320, end: 1440 });
    assert.deepEqual(toAnalyzerCalendar(cal(MSK, [], [], true)).week![6], { start: 0, end: 1440 });
  });
});
