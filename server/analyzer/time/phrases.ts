// Fixed multi-word expressions, matched on tokens with a trie.
import { tokenize, type Toks } from './tokens.ts';
import type { Comp } from './spec.ts';

type Node<T> = { next: Map<string, Node<T>>; val?: T };
export type Trie<T> = { root: Node<T>; first: Set<string> };

export function buildTrie<T>(entries: [string, T][]): Trie<T> {
  const root: Node<T> = { next: new Map() };
  const first = new Set<string>();
  for (const [phrase, val] of entries) {
    let node = root;
    const toks = tokenize(phrase);
    first.add(toks.s[0]);
    for (let k = 0; k < toks.n; k++) {
      const w = toks.s[k];
      let nx = node.next.get(w);
      if (!nx) node.next.set(w, (nx = { next: new Map() }));
      node = nx;
    }
    node.val = val;
  }
  return { root, first };
}

/** longest phrase starting at token i: [end token index, value] */
export function matchTrie<T>(trie: Trie<T>, toks: Toks, i: number): [number, T] | null {
  if (i < 0 || i >= toks.n || !trie.first.has(toks.s[i])) return null;
  let node = trie.root;
  let best: [number, T] | null = null;
  for (let j = i; j < toks.n; j++) {
    if (j > i && toks.nl(j)) break;
    const nx = node.next.get(toks.s[j]);
    if (!nx) break;
    node = nx;
    if (node.val !== undefined) best = [j + 1, node.val];
  }
  return best;
}

const R0: Comp = { day: { k: 'rel', n: 0 } };
const R1: Comp = { day: { k: 'rel', n: 1 } };
const R2: Comp = { day: { k: 'rel', n: 2 } };
const EOD0: Comp = { day: { k: 'rel', n: 0 }, eod: true };
const EOD: Comp = { eod: true };
const WEEK: Comp = { period: { k: 'week', off: 0, at: 5 } };
const NEXTWEEK: Comp = { period: { k: 'week', off: 1, at: 5 } };
const MONTH: Comp = { period: { k: 'month', off: 0 } };
const NEXTMONTH: Comp = { period: { k: 'month', off: 1 } };
const YEAR: Comp = { period: { k: 'year' } };
const part = (p: Comp['part'], weak = false): Comp => (weak ? { part: p, weak } : { part: p });

function each(list: string[], val: Comp): [string, Comp][] {
  return list.map((p) => [p, val]);
}

/** end-of-period heads: «до конца …», "by the end of …" */
const END_RU = ['конца', 'концу', 'конце', 'конец'];
const endRu = (tails: string[]) => END_RU.flatMap((e) => tails.map((t) => `${e} ${t}`));
const endEn = (tails: string[]) => tails.flatMap((t) => [`end of ${t}`, `the end of ${t}`]);

export const COMP_PHRASES = buildTrie<Comp>([
  ...each(['сегодня', 'сегодня же', 'today', 'сегодняшний день'], R0),
  ...each(['завтра', 'tomorrow', 'tmrw', 'tmr', 'завтрашний день', 'следующий день', 'следующего дня', 'next day',
    'the next day', 'the following day', 'following day', 'сегодня - завтра', 'сегодня – завтра', 'сегодня или завтра',
    'today or tomorrow'], R1),
  ...each(['послезавтра', 'day after tomorrow', 'the day after tomorrow'], R2),
  ...each(['сегодняшнего дня', 'later today', 'в течение дня', 'в течении дня', 'в течение сегодняшнего дня',
    'в течение текущего дня', 'в течение рабочего дня', 'during the day', 'end of today', 'the end of today',
    ...endRu(['сегодняшнего дня', 'текущего дня', 'этого дня', 'сегодняшнего рабочего дня'])], EOD0),
  ...each(['завтрашнего дня', ...endRu(['завтрашнего дня', 'завтрашнего рабочего дня'])], { day: { k: 'rel', n: 1 }, eod: true }),
  ['tonight', { day: { k: 'rel', n: 0 }, part: 'evening' }],
  ['this morning', { day: { k: 'rel', n: 0 }, part: 'morning' }],
  ['this afternoon', { day: { k: 'rel', n: 0 }, part: 'afternoon' }],
  ['this evening', { day: { k: 'rel', n: 0 }, part: 'evening' }],
  ...each([...endRu(['дня', 'рабочего дня']), 'end of day', 'end of business', 'close of business', 'eod', 'cob', 'eob',
    ...endEn(['day', 'the day', 'business', 'business day', 'the business day', 'the working day', 'the workday', 'working day']),
    'the close of business', 'до вечера', 'к вечеру', 'ко вечеру'], EOD),
  ...each([...endRu(['недели', 'этой недели', 'текущей недели', 'рабочей недели']), ...endEn(['week', 'the week', 'this week']),
    'eow', 'этой неделе', 'этой недели', 'эту неделю', 'текущей неделе', 'текущей недели', 'this week', 'later this week'], WEEK),
  ...each([...endRu(['следующей недели']), ...endEn(['next week']), 'следующей неделе', 'следующую неделю', 'следующей недели',
    'next week', 'будущей неделе'], NEXTWEEK),
  ...each(['начале следующей недели', 'early next week', 'beginning of next week', 'the beginning of next week'],
    { period: { k: 'week', off: 1, at: 2 } }),
  ...each(['середине следующей недели', 'mid next week', 'middle of next week', 'the middle of next week'],
    { period: { k: 'week', off: 1, at: 3 } }),
  ...each(['к выходным', 'до выходных', 'by the weekend', 'before the weekend'], WEEK),
  ...each(['нового года', 'новому году', 'new year', "new year's", 'the new year'], YEAR),
  ...each(['следующий рабочий день', 'следующего рабочего дня', 'next business day', 'the next business day',
    'next working day', 'the next working day', 'следующий рабочий', 'ближайший рабочий день'], { day: { k: 'biz', n: 1 } }),
  ...each(['within the hour', 'в течение этого часа'], { dur: { n: 1, u: 'h', biz: false } }),
  ...each(['first thing', 'first thing in the morning'], { part: 'bymorning', weak: true }),
  ...each(['в течение выходных', 'на выходных', 'на этих выходных', 'this weekend', 'over the weekend', 'on the weekend'], { period: { k: 'weekend' } }),
  ...each(['после выходных', 'after the weekend'], { period: { k: 'afterweekend' } }),
  ...each([...endRu(['месяца', 'этого месяца', 'текущего месяца']), ...endEn(['month', 'the month', 'this month']), 'eom',
    'этом месяце', 'этого месяца', 'текущем месяце', 'текущего месяца', 'this month'], MONTH),
  ...each([...endRu(['следующего месяца']), ...endEn(['next month']), 'следующем месяце', 'следующего месяца', 'next month'], NEXTMONTH),
  ...each([...endRu(['года', 'этого года', 'текущего года']), ...endEn(['year', 'the year', 'this year']), 'eoy', 'этом году',
    'this year'], YEAR),
  ...each(['утром', 'с утра', 'in the morning'], part('morning')),
  ...each(['morning'], part('morning', true)),
  ...each(['до утра', 'к утру', 'by morning', 'by the morning'], part('bymorning')),
  ...each(['завтрашнего утра', 'завтрашнему утру'], { day: { k: 'rel', n: 1 }, part: 'bymorning' }),
  ...each(['в первой половине дня', 'первой половине дня', 'first half of the day', 'in the first half of the day'], part('firsthalf')),
  ...each(['в обед', 'к обеду', 'до обеда', 'by lunch', 'before lunch', 'at lunch', 'lunchtime', 'by lunchtime'], part('lunch')),
  ...each(['днем', 'после обеда', 'во второй половине дня', 'второй половине дня', 'in the afternoon', 'after lunch',
    'second half of the day'], part('afternoon')),
  ...each(['afternoon'], part('afternoon', true)),
  ...each(['вечером', 'in the evening'], part('evening')),
  ...each(['evening', 'night'], part('evening', true)),
  ...each(['ночью', 'at night', 'overnight', 'в ночь'], part('night')),
  ...each(['полдень', 'полудня', 'полудню', 'noon', 'midday', 'midday today'], { time: { h: 12, m: 0 } }),
  ...each(['полночь', 'полуночи', 'midnight'], { time: { h: 24, m: 0 } }),
]);

export type Free = { kind: 'vague' | 'event'; /** words that must follow */ next?: Set<string>; /** words taken after */ extend?: number };
const V: Free = { kind: 'vague' };
const E: Free = { kind: 'event', extend: 2 };
const ONCE_NEXT = new Set(['we', 'you', 'it', "it's", 'the', 'they', 'our', 'your', 'i', "i've", "we've", 'this', 'that',
  'payment', 'he', 'she', 'everything', 'all', 'there', "there's", 'its']);

export const FREE_PHRASES = buildTrie<Free>([
  ...(['в ближайшее время', 'в самое ближайшее время', 'в ближайшие дни', 'в ближайшие часы', 'в кратчайшие сроки',
    'в кратчайший срок', 'в максимально короткие сроки', 'в максимально короткий срок', 'как можно скорее',
    'как можно быстрее', 'как можно раньше', 'при первой возможности', 'скоро', 'вскоре', 'на днях', 'в скором времени',
    'позже', 'попозже', 'чуть позже', 'немного позже', 'soon', 'shortly', 'asap', 'a . s . a . p .', 'as soon as possible',
    'as soon as we can', 'as soon as i can', 'as quickly as possible', 'as fast as possible', 'at the earliest opportunity',
    'in the near future', 'in due course', 'in a timely manner', 'later', 'later on', 'in a bit', 'in a while',
    'at some point', 'in the coming days', 'in the next few days', 'within the next few days', 'in the coming hours',
    'in the next few hours', 'в течение нескольких дней', 'через несколько дней'] as string[]).map((p) => [p, V] as [string, Free]),
  ...(['как только', 'сразу как', 'сразу , как', 'после того как', 'после того , как', 'сразу после того как',
    'сразу после того , как', 'по мере', 'по получении', 'по факту', 'по готовности', 'по завершении', 'по окончании',
    'по итогам', 'по результатам', 'as soon as', 'upon', 'when ready', "when it's ready", 'when it is ready', 'once ready',
    'с момента'] as string[]).map((p) => [p, E] as [string, Free]),
  ...(['после этого', 'сразу после этого', 'after that', 'after this', 'right after that', 'right after this', 'straight after that']
    .map((p) => [p, { kind: 'event', extend: 0 }] as [string, Free])),
  ['once', { kind: 'event', next: ONCE_NEXT, extend: 2 }],
]);
