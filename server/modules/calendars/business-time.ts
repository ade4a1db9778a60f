// Business-time math in a calendar's zone (luxon). CONTRACT STUB — helper A implements.
import type { BusinessCalendar } from '../../analyzer/types.ts';
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

/** The instant `minutes` business minutes after `from` (from itself may be outside hours). */
export function addBusinessMinutes(_cal: Calendar, _from: Date, _minutes: number): Date { throw new Error('not implemented'); }

/** Business minutes in [a, b) (0 when b <= a). */
export function businessMinutesBetween(_cal: Calendar, _a: Date, _b: Date): number { throw new Error('not implemented'); }

export function isOpenAt(_cal: Calendar, _at: Date): boolean { throw new Error('not implemented'); }

/** The calendar in the analyzer's shape (for promise due-time resolution). */
export function toAnalyzerCalendar(_cal: Calendar): BusinessCalendar { throw new Error('not implemented'); }
