// What the grammar finds before it is resolved to an absolute time.
import type { Unit } from './lexicon.ts';

/** parts of the day; their due times are in resolve.ts */
export type Part = 'morning' | 'firsthalf' | 'lunch' | 'afternoon' | 'evening' | 'night' | 'bymorning';

export type Day =
  | { k: 'rel'; n: number }
  | { k: 'wd'; wd: number; mod: 'this' | 'next' }
  | { k: 'date'; d: number; m: number; y?: number }
  | { k: 'dom'; d: number }
  /** the n-th working day after today */
  | { k: 'biz'; n: number };

export type Period =
  | { k: 'week'; off: number; at: number }
  | { k: 'month'; off: number; m?: number }
  | { k: 'year' }
  | { k: 'weekend' }
  | { k: 'afterweekend' };

export type Clock = { h: number; m: number; ap?: 'am' | 'pm' | 'day' | 'night'; bare?: boolean };

export type Comp = {
  day?: Day;
  time?: Clock;
  part?: Part;
  eod?: boolean;
  period?: Period;
  /** a window; time/day is its end */
  win?: boolean;
  /** a lower bound («после 15:00») */
  after?: boolean;
  dur?: { n: number; u: Unit; biz: boolean };
  kind?: 'vague' | 'event';
  /** valid only next to a stronger component ("morning" in "tomorrow morning") */
  weak?: boolean;
};
