// Business calendars: working week, day exceptions (holidays, moved working days, short days),
// holiday import from iCal, assignment to groups / organizations / customers.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

const Minute = z.number().int().min(0).max(2880);

/** [start, end) minutes from local midnight; end up to 2880 (an overnight shift). */
export const Interval = z.tuple([Minute, Minute]).refine(([s, e]) => s < e && s < 1440, 'start must be before end, and start within the day (0 <= start < 1440, start < end <= 2880)');

/** One day's intervals: sorted, not overlapping. */
export const DayIntervals = z.array(Interval).max(24).superRefine((iv, ctx) => {
  for (let i = 1; i < iv.length; i++) {
    if (iv[i]![0] < iv[i - 1]![1]) ctx.addIssue({ code: 'custom', path: [i], message: 'intervals must be sorted and must not overlap' });
  }
});

/** Seven lists, Monday first. */
export const Week = z.array(DayIntervals).length(7);

export const TimeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    return false;
  }
  return IANAZone.isValidZone(tz) && /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
}, 'must be an IANA time zone such as Europe/Moscow');

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-mm-dd').refine((d) => {
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}, 'must be a real date');

export const DayKind = z.enum(['holiday', 'workday', 'short']);
export const DaySource = z.enum(['preset', 'ical', 'manual']);

export const CalendarDay = z.object({
  day: IsoDate,
  kind: DayKind,
  hours: z.array(Interval).nullable(),
  name: z.string(),
  source: DaySource,
});

export const Calendar = z.object({
  id: Id,
  name: z.string(),
  timeZone: z.string(),
  alwaysOpen: z.boolean(),
  week: z.array(z.array(Interval)),
  preset: z.string().nullable(),
  icalUrl: z.string().nullable(),
  isDefault: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CalendarWithDays = Calendar.extend({ days: z.array(CalendarDay) });

const Name = z.string().trim().min(1).max(100);
const NINE_TO_SIX: [number, number][] = [[540, 1080]];

export const CreateCalendarBody = z.object({
  name: Name,
  timeZone: TimeZone,
  alwaysOpen: z.boolean().default(false),
  week: Week.default([NINE_TO_SIX, NINE_TO_SIX, NINE_TO_SIX, NINE_TO_SIX, NINE_TO_SIX, [], []]),
  isDefault: z.boolean().default(false),
});

export const UpdateCalendarBody = z
  .object({ name: Name, timeZone: TimeZone, alwaysOpen: z.boolean(), week: Week })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const DayParams = z.object({ id: Id, day: IsoDate });

export const PutDayBody = z
  .object({
    kind: DayKind,
    /** for 'workday' and 'short': the day's own hours; null = the usual ones (short: less one hour) */
    hours: DayIntervals.nullable().default(null),
    name: z.string().trim().max(200).default(''),
  })
  .refine((b) => b.kind !== 'holiday' || b.hours === null, { message: 'a holiday has no hours', path: ['hours'] })
  .refine((b) => b.hours === null || b.hours.length > 0, { message: 'give at least one interval, or null for the usual hours', path: ['hours'] });

export const ICAL_MAX_BYTES = 1024 * 1024;

export const IcalImportBody = z.union([
  z.object({ url: z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL') }).strict(),
  z.object({ ics: z.string().min(1).max(ICAL_MAX_BYTES) }).strict(),
]);

export const IcalImportResult = z.object({
  /** days written as holidays (source 'ical') */
  imported: z.number().int(),
  /** earlier 'ical' days removed before */
  removed: z.number().int(),
  /** days already set by hand or by the preset (left as they were) */
  skipped: z.number().int(),
  /** events that are not all-day (ignored) */
  ignoredEvents: z.number().int(),
});

export const AssignmentKind = z.enum(['group', 'organization', 'customer']);
export const AssignmentBody = z.object({ kind: AssignmentKind, id: Id, calendarId: Id.nullable() });
export const Assignment = AssignmentBody;

export const AddQuery = z.object({
  from: Timestamp,
  minutes: z.coerce.number().int().min(0).max(1_000_000),
});
export const AddResult = z.object({ dueAt: Timestamp });
