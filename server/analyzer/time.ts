// Date/time expressions in Russian and English, found in text and resolved to absolute due times.
// Rules for ambiguous words: see the comments in time/resolve.ts and the report in time.test.ts.
import type { BusinessCalendar } from './types.ts';
import { tokenize } from './time/tokens.ts';
import { Grammar } from './time/grammar.ts';
import { Resolver } from './time/resolve.ts';
import { COMP_PHRASES, FREE_PHRASES } from './time/phrases.ts';
import { WEEKDAYS, WEEKDAY_ABBR, MONTHS, MONTHS_ABBR, NUMBER_WORDS, UNITS, UNIT_WORDS, DAY24 } from './time/lexicon.ts';

export type TimeMention = {
  /** UTF-16 offsets into the text, end exclusive */
  start: number;
  end: number;
  text: string;
  /** ISO 8601 with seconds and the zone's offset; null when not concrete */
  due: string | null;
  /** vague: «в ближайшее время», "soon"; event: relative to an unknown event («после оплаты», "once we receive") */
  kind: 'point' | 'duration' | 'window' | 'vague' | 'event';
};
export type TimeOptions = { sentAt: Date; timeZone: string; calendar?: BusinessCalendar };

/** words that can start or carry a time expression; a text with none of them and no digit has none */
const KEYS = new Set<string>([
  ...COMP_PHRASES.first, ...FREE_PHRASES.first, ...WEEKDAYS.keys(), ...WEEKDAY_ABBR.keys(), ...MONTHS.keys(),
  ...MONTHS_ABBR.keys(), ...NUMBER_WORDS.keys(), ...UNITS.keys(), ...Object.keys(UNIT_WORDS), ...DAY24,
  'после', 'after', 'полдень', 'noon', 'midnight', 'конца', 'концу', 'конце', 'конец', 'end',
]);
KEYS.delete('a');
KEYS.delete('an');
KEYS.delete('in');
KEYS.delete('the');
KEYS.delete('at');

const CYRILLIC = /[а-яё]/i;

export function findTimes(text: string, opts: TimeOptions): TimeMention[] {
  if (!text) return [];
  const toks = tokenize(text);
  let any = false;
  for (const t of toks) {
    if (t.k === 1 || (t.k === 0 && KEYS.has(t.s))) {
      any = true;
      break;
    }
  }
  if (!any) return [];
  const found = new Grammar(toks, CYRILLIC.test(text)).parseAll();
  if (found.length === 0) return [];
  const res = new Resolver(opts.sentAt, opts.timeZone, opts.calendar);
  return found.map((f) => {
    const start = toks[f.a].start;
    const end = toks[f.b - 1].end;
    const c = f.c;
    const kind: TimeMention['kind'] = c.kind ?? (c.dur ? 'duration' : c.win || c.after ? 'window' : 'point');
    return { start, end, text: text.slice(start, end), due: res.due(c), kind };
  });
}
