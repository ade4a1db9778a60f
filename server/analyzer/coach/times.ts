// Time mentions of the live parts of a reply (time.ts does the parsing and resolution).
import { findTimes } from '../time.ts';
import type { Range } from '../text.ts';
import type { BusinessCalendar } from '../types.ts';

export type Mention = { start: number; end: number; text: string; due: string | null; kind: 'point' | 'duration' | 'window' | 'vague' | 'event' };

export type TimeOpts = { sentAt: Date; timeZone: string; calendar?: BusinessCalendar };

/** Mentions in the live ranges, offsets into the whole text. */
export function liveTimes(text: string, ranges: Range[], o: TimeOpts): Mention[] {
  const out: Mention[] = [];
  for (const r of ranges) {
    const part = text.slice(r.start, r.end);
    if (!/[\p{L}\p{N}]/u.test(part)) continue;
    let found: Mention[] = [];
    try {
      found = findTimes(part, { sentAt: o.sentAt, timeZone: o.timeZone, calendar: o.calendar }) as Mention[];
    } catch {
      // a time-parser failure must not take the whole coach down: the reply is judged without times
    }
    for (const m of found) out.push({ ...m, start: m.start + r.start, end: m.end + r.start });
  }
  return out;
}

/** A mention that sets a concrete time (not vague, not relative to an unknown event). */
export const concrete = (m: Mention) => m.due !== null && m.kind !== 'vague' && m.kind !== 'event';
