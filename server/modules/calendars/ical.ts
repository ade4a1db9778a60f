// iCal holiday feeds: fetch (timeout, size limit) and read all-day VEVENTs as days off.
import ICAL from 'ical.js';
import { ICAL_MAX_BYTES } from '../../../api/calendars.ts';
import { AppError } from '../../errors.ts';

/** Limits of the import (tests may lower the timeout). */
export const ICAL_LIMITS = { timeoutMs: 10_000, maxBytes: ICAL_MAX_BYTES, maxDays: 10_000, maxDaysPerEvent: 366, maxOccurrences: 2_000 };

const DAY_MS = 86_400_000;

export async function fetchIcs(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(ICAL_LIMITS.timeoutMs),
      redirect: 'follow',
      headers: { accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1', 'user-agent': 'Slovo calendar import' },
    });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${ICAL_LIMITS.timeoutMs} ms` : (e as Error).message;
    throw new AppError('invalid_state', `could not fetch the iCal feed: ${why}`);
  }
  const tooLarge = () => new AppError('payload_too_large', `the iCal feed is larger than ${ICAL_LIMITS.maxBytes} bytes`);
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new AppError('invalid_state', `the iCal feed answered HTTP ${res.status}`);
  }
  if (Number(res.headers.get('content-length') ?? 0) > ICAL_LIMITS.maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body?.getReader();
    for (;;) {
      const r = await reader?.read();
      if (!r || r.done) break;
      size += r.value.byteLength;
      if (size > ICAL_LIMITS.maxBytes) {
        await reader?.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(r.value);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('invalid_state', `could not read the iCal feed: ${(e as Error).message}`);
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

type IcalTime = { year: number; month: number; day: number; isDate: boolean; compare(o: unknown): number };
const dayNumber = (t: IcalTime) => Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;
const isoOf = (dn: number) => new Date(dn * DAY_MS).toISOString().slice(0, 10);

export type ParsedHolidays = { days: Map<string, string>; ignoredEvents: number };

/**
 * All-day events of an iCalendar text as local dates (yyyy-mm-dd -> summary). Recurring events are
 * expanded from a year before `now` to three years after it. Throws 422 for text that is no iCalendar.
 */
export function parseHolidays(ics: string, now = new Date()): ParsedHolidays {
  let root: ICAL.Component;
  try {
    const jcal = ICAL.parse(ics) as unknown[];
    const first = Array.isArray(jcal[0]) ? (jcal[0] as unknown[]) : jcal;
    root = new ICAL.Component(first as never);
  } catch (e) {
    throw new AppError('invalid_state', `not a valid iCalendar file: ${(e as Error).message}`);
  }
  if (root?.name !== 'vcalendar') throw new AppError('invalid_state', `not a valid iCalendar file: expected VCALENDAR, got ${String(root?.name ?? 'nothing').toUpperCase()}`);
  const days = new Map<string, string>();
  let ignoredEvents = 0;
  const from = Math.floor(now.getTime() / DAY_MS) - 366;
  const to = Math.floor(now.getTime() / DAY_MS) + 3 * 366;
  const add = (startDn: number, length: number, name: string) => {
    for (let i = 0; i < Math.min(Math.max(length, 1), ICAL_LIMITS.maxDaysPerEvent); i++) {
      const d = isoOf(startDn + i);
      if (!days.has(d)) days.set(d, name);
      if (days.size > ICAL_LIMITS.maxDays) throw new AppError('invalid_state', `the iCal feed has more than ${ICAL_LIMITS.maxDays} days off`);
    }
  };
  const readEvent = (vevent: ICAL.Component) => {
    const ev = new ICAL.Event(vevent);
    const start = ev.startDate as unknown as IcalTime | null;
    if (!start || !start.isDate) {
      ignoredEvents++;
      return;
    }
    const end = vevent.hasProperty('dtend') || vevent.hasProperty('duration') ? (ev.endDate as unknown as IcalTime | null) : null;
    const length = end ? dayNumber(end) - dayNumber(start) : 1;
    const name = String(ev.summary ?? '').trim().slice(0, 200);
    if (!ev.isRecurring()) {
      add(dayNumber(start), length, name);
      return;
    }
    const it = ev.iterator();
    for (let n = 0; n < ICAL_LIMITS.maxOccurrences; n++) {
      const next = it.next() as unknown as IcalTime | undefined;
      if (!next) break;
      const dn = dayNumber(next);
      if (dn > to) break;
      if (dn + length > from) add(dn, length, name);
    }
  };
  for (const vevent of root.getAllSubcomponents('vevent')) {
    try {
      readEvent(vevent);
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('invalid_state', `not a valid iCalendar event: ${(e as Error).message}`);
    }
  }
  return { days, ignoredEvents };
}
