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
  'после', 'after', 'полдень', 'noon', 'midnight', 'конца', 'концу', 'конце', 'конец', 'end', 'когда',
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
