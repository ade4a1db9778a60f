// Date/time expressions in Russian and English, found in text and resolved to absolute due times.
//
// Due times are in the ticket's zone; "end of the business day" is 18:00, or the calendar's end of
// that day when a calendar is given and the day is a working day. Rules for words the doc leaves open:
// - a clock time with no day is its next occurrence after the message («до 12» sent at 16:30 → tomorrow 12:00);
//   «сегодня»/"today" stays today even after hours
// - a bare hour 1–7 with no am/pm or day part is p.m. («до 5» → 17:00, "at 3" → 15:00); in English also
//   h:mm ("at 5:30" → 17:30); Russian «в 7:00» and any «07:00» stay as written
// - «утром»/"in the morning" → 12:00; «в обед»/«к обеду»/"by lunch"/«в первой половине дня» → 13:00;
//   «днём»/«после обеда»/"this afternoon" → end of the business day; «вечером»/"tonight"/"in the evening" → 21:00;
//   «ночью»/"overnight" → 06:00 the next morning; «к утру»/"by morning" → 09:00; «к вечеру»/«до вечера» → 18:00;
//   «к полуночи»/"midnight" → 00:00 of the next day
// - a weekday → the next such day strictly after today; "this Friday"/«в эту пятницу» may be today;
//   "Friday next week" → the Friday of next week
// - «на этой неделе»/"this week"/«до конца недели»/«к выходным» → Friday (the next one on a weekend);
//   «на следующей неделе»/"next week" → Friday of next week; "early next week" → Tuesday; «на выходных» → Sunday;
//   «после выходных» → Monday; «в ноябре»/"end of November" → the month's last day; «до конца года» → 31 Dec
// - a date without a year already past → next year; «25-го»/"the 25th" → this month, or next if past
// - durations: minutes and hours add elapsed time; days, weeks and months add calendar time (wall clock kept
//   across DST); «в течение суток» = 24 h; ranges take the upper bound («2-3 дня», "a day or two");
//   business days count working days after today and end at the end of the business day; business hours
//   walk the working hours
// - windows («с 10 до 14», "between 2 and 4 pm") → their end; «с 10 до 2» → 14:00
// - «после 15:00»/"after 5pm" → window to the end of that business day (null when the time is past it)
// - «через несколько дней», "in a few days", "soon", «позже» → vague; «после оплаты», "once we receive",
//   «как только», «когда получим», "within 24 hours after payment" → event; both with due null
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
  'после', 'after', 'полдень', 'noon', 'midnight', 'конца', 'концу', 'конце', 'конец', 'end', 'когда', 'quarter', 'половине', 'half',
]);
// common words do not count; the second words of phrases that start with them do ("in the near future")
for (const common of ['a', 'an', 'in', 'the', 'at', 'on', 'as', 'by', 'for', 'to', 'of', 'и', 'в', 'на', 'с', 'по', 'до', 'к']) {
  KEYS.delete(common);
  for (const trie of [COMP_PHRASES, FREE_PHRASES]) {
    const node = trie.root.next.get(common);
    if (node) for (const w of node.next.keys()) if (!['a', 'an', 'the', 'the'].includes(w)) KEYS.add(w);
  }
}
KEYS.add('near');
KEYS.add('end');

const CYRILLIC = /[а-яё]/i;

export function findTimes(text: string, opts: TimeOptions): TimeMention[] {
  if (!text) return [];
  const toks = tokenize(text);
  let any = false;
  for (let i = 0; i < toks.n; i++) {
    if (toks.k[i] === 1 || (toks.k[i] === 0 && KEYS.has(toks.s[i]))) {
      any = true;
      break;
    }
  }
  if (!any) return [];
  const found = new Grammar(toks, CYRILLIC.test(text)).parseAll();
  if (found.length === 0) return [];
  const res = new Resolver(opts.sentAt, opts.timeZone, opts.calendar);
  return found.map((f) => {
    const start = toks.start[f.a];
    const end = toks.end[f.b - 1];
    const c = f.c;
    const kind: TimeMention['kind'] = c.kind ?? (c.dur ? 'duration' : c.win || c.after ? 'window' : 'point');
    const span = text.slice(start, end);
    // within one text the same words give the same expression, so the words are the cache key
    return { start, end, text: span, due: res.due(c, span), kind };
  });
}
