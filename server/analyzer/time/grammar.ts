// Finds time expressions in tokens. Every parser looks at a bounded number of tokens from its start,
// and the scan moves forward only, so the whole pass is linear in the text length.
import type { Toks } from './tokens.ts';
import * as L from './lexicon.ts';
import type { Unit } from './lexicon.ts';
import * as PH from './phrases.ts';
import type { Comp, Clock, Day } from './spec.ts';

/** a found expression: tokens [a, b) */
export type Found = { a: number; b: number; c: Comp };
type R<T> = { e: number; v: T } | null;

// local copies: module bindings are property reads after transpiling, and these are on the hot path
const W = 0;
const N = 1;
const P = 2;
const NONE = 3;
const {
  WEEKDAYS, WEEKDAY_ABBR, WEEKDAY_MOD, SREDA_PREPS, MONTHS, MONTHS_ABBR, MONTH_AMBIGUOUS, NUMBER_WORDS, TENS, VAGUE_QTY,
  UNITS, DAY24, UNIT_WORDS, BUSINESS, CALENDAR_ADJ, HOUR_WORDS, HOUR_PARTS, AMPM, NOT_AFTER_BARE, BARE_OK_AFTER, PREPS,
} = L;
const { COMP_PHRASES, FREE_PHRASES, buildTrie, matchTrie } = PH;
const NUM_SUFFIX = new Set(['х', 'x', 'ти', 'ми', 'ух', 'ех', 'и']);
const ORD_RU = new Set(['го', 'е', 'ое', 'ого', 'му', 'ому', 'м']);
const ORD_ADJ = new Set(['го', 'st', 'nd', 'rd', 'th']);
const PREP_WORDS = new Set(PREPS.map(([p]) => p));
/** words that can start an expression (with numbers): everything else is skipped at once */
const STARTERS = new Set<string>([
  ...COMP_PHRASES.first, ...FREE_PHRASES.first, ...WEEKDAYS.keys(), ...WEEKDAY_ABBR.keys(), ...Object.keys(WEEKDAY_MOD),
  ...MONTHS.keys(), ...MONTHS_ABBR.keys(), ...NUMBER_WORDS.keys(), ...UNITS.keys(), ...Object.keys(UNIT_WORDS), ...DAY24,
  ...VAGUE_QTY, ...PREPS.map(([p]) => p.split(' ')[0]), 'после', 'after', 'конца', 'концу', 'конце', 'конец', 'end', 'the',
  'half', 'через', 'спустя', 'в', 'within', 'in', 'over', 'during', 'не', 'максимум', 'up', 'no', 'not', 'с', 'со', 'from',
  'between', 'когда', 'quarter', 'половине',
]);

const PREP_TRIE = buildTrie<0 | 1 | 2>(PREPS);
const DUR_PREFIX = buildTrie<'in' | 'thru' | 'upto'>([
  ['через', 'thru'], ['спустя', 'thru'], ['в течение', 'thru'], ['в течении', 'thru'], ['в пределах', 'thru'],
  ['в ближайшие', 'thru'], ['в ближайший', 'thru'], ['в ближайшую', 'thru'], ['в ближайшее', 'thru'], ['within', 'thru'],
  ['within the next', 'thru'], ['in the next', 'thru'], ['over the next', 'thru'], ['during the next', 'thru'], ['in', 'in'],
  ['in under', 'in'], ['не позднее чем через', 'thru'], ['не позже чем через', 'thru'], ['максимум через', 'thru'],
  ['не более', 'upto'], ['не более чем', 'upto'], ['не дольше', 'upto'], ['не больше', 'upto'], ['до', 'upto'],
  ['up to', 'upto'], ['no more than', 'upto'], ['not more than', 'upto'], ['no later than', 'thru'],
  ['в течение ближайших', 'thru'], ['в течение ближайшего', 'thru'], ['в течение следующих', 'thru'],
  ['в течение следующего', 'thru'], ['в ближайших', 'thru'], ['в течении ближайших', 'thru'],
]);
/** words that can start a duration: prefixes, number words, units («часа через два»), «полчаса» */
const DUR_STARTS = new Set<string>([...DUR_PREFIX.first, ...NUMBER_WORDS.keys(), ...VAGUE_QTY, ...UNITS.keys(), 'half']);
const DASH = new Set(['-', '–', '—']);
const RANGE_WORDS = new Set(['или', 'or', 'to']);
const EVENT_LINK = new Set(['после', 'after', 'of', 'from', 'upon', 'following', 'с', 'со', 'от']);
const FUNCTION_WORDS = new Set(['того', 'the', 'a', 'an', 'we', 'you', 'it', 'i', 'they', 'момента', 'даты', 'дня', 'moment',
  'date', 'day', 'time', 'your', 'our', 'its', 'my', 'his', 'her', 'their', 'this', 'that', 'these', 'those', 'этого', 'этой',
  'этих', 'вашей', 'вашего', 'ваших', 'нашей', 'нашего', 'наших', 'моей', 'моего', 'моих', 'их', 'его', 'ее', 'мы', 'вы']);
const NOT_EVENT = new Set(['now', 'сейчас', 'today', 'сегодня', 'all', 'everything', 'все', 'всего', 'нас', 'меня', 'вас']);
const WHEN_NEXT = new Set(['мы', 'будет', 'появится', 'придет', 'поступит', 'получим', 'вернется', 'починят', 'исправят']);
const ORDINAL_GEN: Record<string, number> = {
  __proto__: null as never, первого: 1, второго: 2, третьего: 3, четвертого: 4, пятого: 5, шестого: 6, седьмого: 7,
  восьмого: 8, девятого: 9, десятого: 10, одиннадцатого: 11, двенадцатого: 12,
};
const WINDOW_START = new Set(['с', 'со', 'from', 'between']);
const WINDOW_SEP = new Set(['до', 'по', 'to', 'till', 'until', 'and', 'through', 'thru', 'и']);
const ZONE_TAGS = buildTrie<true>([
  ['по москве', true], ['по мск', true], ['мск', true], ['msk', true], ['по московскому времени', true],
  ['по московскому', true], ['( мск )', true], ['moscow time', true], ['по местному времени', true], ['local time', true],
  ['ровно', true], ['sharp', true], ['включительно', true], ['inclusive', true], ['est', true], ['edt', true], ['et', true],
  ['pt', true], ['pst', true], ['pdt', true], ['ct', true], ['cst', true], ['gmt', true], ['utc', true], ['bst', true],
  ['cet', true], ['eastern', true], ['pacific', true], ['eastern time', true], ['pacific time', true],
]);

/** which component parsers a word can start */
const M_TRIE = 1;
const M_WINDOW = 2;
const M_DATE = 4;
const M_WEEKDAY = 8;
const M_CLOCK = 16;
const M_MONTH = 32;
const WORD_MASK = new Map<string, number>();
const mark = (words: Iterable<string>, m: number) => {
  for (const w of words) WORD_MASK.set(w, (WORD_MASK.get(w) ?? 0) | m);
};
mark(COMP_PHRASES.first, M_TRIE);
mark(WINDOW_START, M_WINDOW);
mark(['the', ...MONTHS.keys(), ...MONTHS_ABBR.keys()], M_DATE);
mark([...WEEKDAYS.keys(), ...WEEKDAY_ABBR.keys(), ...Object.keys(WEEKDAY_MOD)], M_WEEKDAY);
mark([...NUMBER_WORDS.keys(), 'час', 'half', 'quarter', 'половине'], M_CLOCK);
mark(['конца', 'концу', 'конце', 'конец', 'end', 'the', ...MONTHS.keys()], M_MONTH);
mark(['после', 'after'], M_CLOCK);
const N_MASK = M_WINDOW | M_DATE | M_CLOCK;

export class Grammar {
  toks: Toks;
  n: number;
  ru: boolean;
  constructor(toks: Toks, ru: boolean) {
    this.toks = toks;
    this.n = toks.n;
    this.ru = ru;
  }

  kind(i: number): number {
    return this.toks.kind(i);
  }
  w(i: number): string {
    return this.toks.kind(i) === W ? this.toks.s[i] : '';
  }
  num(i: number): number {
    return this.toks.kind(i) === N ? this.toks.v[i] : NaN;
  }
  p(i: number, ch?: string): boolean {
    return this.toks.kind(i) === P && (ch === undefined || this.toks.s[i] === ch);
  }
  /** token i exists and touches the previous one (no space, no line break) */
  adj(i: number): boolean {
    return this.toks.kind(i) !== NONE && !this.toks.sp(i);
  }

  parseAll(): Found[] {
    const out: Found[] = [];
    let i = 0;
    while (i < this.n) {
      const f = this.parseAt(i);
      if (f) {
        out.push(f);
        i = f.b;
      } else i++;
    }
    return out;
  }

  parseAt(i: number): Found | null {
    const tk = this.kind(i);
    const ts = this.toks.str(i);
    const tv = this.toks.v[i];
    if (tk === P || (tk === W && !STARTERS.has(ts))) return null;
    return (
      (tk === N || DUR_STARTS.has(ts) ? this.duration(i) : null) ??
      (ts === 'после' || ts === 'after' ? this.afterRule(i) : null) ??
      this.chain(i) ??
      (FREE_PHRASES.first.has(ts) || ts === 'когда' ? this.free(i) : null)
    );
  }

  // ---------- quantities and durations ----------

  /** a quantity: 2, 1,5, 2-3, «двух», "a couple of", "twenty-four"; vague for «несколько» */
  qty(j: number): R<number | 'vague'> {
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE)) return null;
    let n: number;
    let e: number;
    if (tk === N) {
      if (!(tv <= 1000)) return null;
      n = tv;
      e = j + 1;
      if ((this.p(e, ',') || this.p(e, '.')) && this.adj(e) && this.adj(e + 1) && this.kind(e + 1) === N && this.toks.str(e + 1).length <= 2) {
        n = +`${ts}.${this.toks.str(e + 1)}`;
        e += 2;
      }
      // «2-х», «5-ти», «2х»
      if (this.p(e, '-') && this.adj(e) && this.adj(e + 1) && NUM_SUFFIX.has(this.w(e + 1))) e += 2;
      else if (this.adj(e) && (this.w(e) === 'х' || this.w(e) === 'x')) e += 1;
    } else if (tk === W) {
      const s = ts;
      if (VAGUE_QTY.has(s)) return { e: j + 1, v: 'vague' };
      if ((s === 'a' || s === 'an') && this.w(j + 1) === 'few') return { e: j + 2, v: 'vague' };
      if (s === 'half' && (this.w(j + 1) === 'an' || this.w(j + 1) === 'a')) return { e: j + 2, v: 0.5 };
      if (s === 'a' && this.w(j + 1) === 'couple') {
        return { e: this.w(j + 2) === 'of' ? j + 3 : j + 2, v: 2 };
      }
      const v = NUMBER_WORDS.get(s);
      if (v === undefined) return null;
      n = v;
      e = j + 1;
      if (s === 'couple' && this.w(e) === 'of') e++;
      if (TENS.has(v)) {
        const k = this.p(e, '-') && this.adj(e) ? e + 1 : e;
        const u = NUMBER_WORDS.get(this.w(k));
        if (u !== undefined && u < 10 && this.w(k) !== 'a' && this.w(k) !== 'an') {
          n += u;
          e = k + 1;
        }
      }
    } else return null;
    // a range: 2-3, «два-три», "2 to 3", «2 или 3» → the upper bound
    if ((this.p(e) && DASH.has(this.toks.str(e))) || RANGE_WORDS.has(this.w(e))) {
      const q = this.qtyPlain(e + 1);
      if (q && q.v > n) return { e: q.e, v: q.v };
    }
    return { e, v: n };
  }

  private qtyPlain(j: number): R<number> {
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE)) return null;
    if (tk === N) {
      let e = j + 1;
      if (this.p(e, '-') && this.adj(e) && NUM_SUFFIX.has(this.w(e + 1))) e += 2;
      return tv <= 1000 ? { e, v: tv } : null;
    }
    const v = NUMBER_WORDS.get(ts);
    return tk === W && v !== undefined && ts !== 'a' && ts !== 'an' ? { e: j + 1, v } : null;
  }

  /** a unit after a quantity: «рабочих дней», "business days", «часа», "24h" */
  unit(j: number): R<{ u: Unit; biz: boolean; mul: number }> {
    let e = j;
    let biz = false;
    if (BUSINESS.has(this.w(e))) {
      biz = true;
      e++;
    } else if (CALENDAR_ADJ.has(this.w(e))) e++;
    const s = this.w(e);
    if (DAY24.has(s)) return biz ? null : { e: e + 1, v: { u: 'h', biz, mul: 24 } };
    const u = UNITS.get(s);
    if (!u) return null;
    if (biz && u === 'mo') return null;
    return { e: e + 1, v: { u, biz, mul: 1 } };
  }

  duration(i: number): Found | null {
    const s0 = this.w(i);
    // «часа через два», «минут через 15»
    if (this.ru && UNITS.has(s0) && this.w(i + 1) === 'через') {
      const q = this.qty(i + 2);
      if (q && q.v !== 'vague') return this.eventTail({ a: i, b: q.e, c: { dur: { n: q.v * 1, u: UNITS.get(s0)!, biz: false } } });
    }
    const pre = matchTrie(DUR_PREFIX, this.toks, i);
    let j = i;
    let kind: 'in' | 'thru' | 'upto' | null = null;
    if (pre) [j, kind] = pre;
    else if (this.kind(i) !== N && NUMBER_WORDS.get(s0) === undefined) return null;
    // «в течение часа», «через полчаса», "within an hour"
    const whole = UNIT_WORDS[this.w(j)];
    if (kind && whole) return this.durDone(i, j + 1, whole[0], whole[1], false);
    if (kind === 'thru') {
      const u = this.unit(j);
      if (u) {
        const one = this.w(u.e - 1);
        const bad = u.v.u === 'd' && (u.v.biz || s0 !== 'через' && s0 !== 'спустя');
        if (!bad && one !== 'часов' && one !== 'дней' && one !== 'минут' && !one.endsWith('s'))
          return this.durDone(i, u.e, u.v.mul, u.v.u, u.v.biz);
      }
    }
    const q = this.qty(j);
    if (!q) return null;
    let qe = q.e;
    // «в течение 3 (трёх) рабочих дней»
    if (this.p(qe, '(') && (this.kind(qe + 1) === N || NUMBER_WORDS.has(this.w(qe + 1))) && this.p(qe + 2, ')')) qe += 3;
    const u = this.unit(qe);
    if (!u) return null;
    if (!kind) {
      // no prefix: only "N business days" and "N hours from now"
      if (this.w(u.e) === 'from' && this.w(u.e + 1) === 'now') {
        if (q.v === 'vague') return { a: i, b: u.e + 2, c: { kind: 'vague' } };
        return this.durDone(i, u.e + 2, q.v * u.v.mul, u.v.u, u.v.biz);
      }
      if (!u.v.biz) return null;
    }
    if (kind === 'upto' && u.v.u === 'h' && !u.v.biz && this.w(u.e - 1) !== 'суток') return null;
    if (q.v === 'vague') return this.eventTail({ a: i, b: u.e, c: { kind: 'vague' } });
    let e = u.e;
    // "a day or two", «день-два»
    if (RANGE_WORDS.has(this.w(e)) || (this.p(e) && DASH.has(this.toks.str(e)))) {
      const q2 = this.qtyPlain(e + 1);
      if (q2 && q2.v > q.v) return this.durDone(i, q2.e, q2.v * u.v.mul, u.v.u, u.v.biz);
    }
    if (this.w(e) === 'or' && this.w(e + 1) === 'so') e += 2;
    if (this.w(e) === 'from' && this.w(e + 1) === 'now') e += 2;
    else if (this.w(e) === 'time' || (this.p(e, "'") && this.w(e + 1) === 'time')) e += this.w(e) === 'time' ? 1 : 2;
    return this.durDone(i, e, q.v * u.v.mul, u.v.u, u.v.biz);
  }

  private durDone(a: number, b: number, n: number, u: Unit, biz: boolean): Found {
    return this.eventTail({ a, b, c: { dur: { n, u, biz } } });
  }

  /** "… after payment", «… после того, как товар придёт», «… с момента оплаты» turn a span into an event */
  eventTail(f: Found): Found {
    const e = f.b;
    const fp = matchTrie(FREE_PHRASES, this.toks, e);
    if (fp && fp[1].kind === 'event' && !this.toks.nl(e)) {
      return { a: f.a, b: this.extendWords(fp[0], fp[1].extend ?? 0), c: { kind: 'event' } };
    }
    const s = this.w(e);
    if (!EVENT_LINK.has(s) || this.toks.nl(e)) return f;
    const xk = this.kind(e + 1);
    const xs = this.toks.str(e + 1);
    const xv = this.toks.v[e + 1];
    if ((xk === NONE) || xk !== W || NOT_EVENT.has(xs) || this.toks.nl(e + 1)) return f;
    if ((s === 'с' || s === 'со' || s === 'от' || s === 'from' || s === 'of') && this.startsTime(e + 1)) return f;
    if (s === 'after' || s === 'после' || s === 'following') {
      if (this.chain(e + 1)) return f;
    }
    return { a: f.a, b: this.eventEnd(e + 1), c: { kind: 'event' } };
  }

  /** the end of an event's words after «после»/"after": up to two function words and one more word */
  private eventEnd(j: number): number {
    let b = j;
    for (let k = 0; k < 2 && FUNCTION_WORDS.has(this.w(b)) && this.kind(b + 1) === W && !this.toks.nl(b + 1); k++) b++;
    return b + 1;
  }

  private startsTime(j: number): boolean {
    const s = this.w(j);
    return MONTHS.has(s) || WEEKDAYS.has(s) || !!matchTrie(COMP_PHRASES, this.toks, j);
  }

  private extendWords(e: number, k: number): number {
    let b = e;
    for (let c = 0; c < k; c++) {
      const tk = this.kind(b);
      const ts = this.toks.str(b);
      const tv = this.toks.v[b];
      if ((tk === NONE) || tk !== W || this.toks.nl(b)) break;
      b++;
    }
    return b;
  }

  // ---------- lower bounds and unknown events ----------

  afterRule(i: number): Found | null {
    const s = this.w(i);
    if (s !== 'после' && s !== 'after') return null;
    if (matchTrie(COMP_PHRASES, this.toks, i) || matchTrie(FREE_PHRASES, this.toks, i)) return null;
    const c = this.chain(i + 1, 2);
    if (c) {
      if (c.c.period || !(c.c.day || c.c.time || c.c.part)) return null;
      return { a: i, b: c.b, c: { ...c.c, after: true, win: false } };
    }
    const xk = this.kind(i + 1);
    const xs = this.toks.str(i + 1);
    const xv = this.toks.v[i + 1];
    if ((xk === NONE) || xk !== W || NOT_EVENT.has(xs) || this.toks.nl(i + 1)) return null;
    return { a: i, b: this.eventEnd(i + 1), c: { kind: 'event' } };
  }

  // ---------- vague words and unknown events ----------

  free(i: number): Found | null {
    if (this.w(i) === 'когда') {
      // «когда получим», «когда мы проверим», «когда будет готово»: our own later step
      const nx = this.w(i + 1);
      if (!nx || this.toks.nl(i + 1)) return null;
      if (WHEN_NEXT.has(nx) || (nx.length > 4 && (nx.endsWith('им') || nx.endsWith('ем') || nx.endsWith('ю')))) {
        return { a: i, b: this.extendWords(i + 1, nx === 'мы' || nx === 'будет' ? 2 : 1), c: { kind: 'event' } };
      }
      return null;
    }
    const m = matchTrie(FREE_PHRASES, this.toks, i);
    if (!m) return null;
    const [e, f] = m;
    if (f.next && !f.next.has(this.w(e))) return null;
    const s = this.w(i);
    if (s === 'позже' || s === 'later') {
      const prev = this.w(i - 1);
      if (prev === 'не' || prev === 'no' || prev === 'not' || this.w(e) === 'чем' || this.w(e) === 'than') return null;
    }
    return { a: i, b: f.kind === 'event' ? this.extendWords(e, f.extend ?? 0) : e, c: { kind: f.kind } };
  }

  // ---------- points: a chain of components ----------

  chain(i: number, prep = 0): Found | null {
    const first = this.comp(i, prep);
    if (!first) return null;
    let acc = first.c;
    let b = first.b;
    for (let count = 1; count < 4; count++) {
      let k = b;
      if (this.p(k, ',')) k++;
      if (k >= this.n || this.toks.nl(k)) break;
      const nx = this.comp(k, 0);
      if (!nx) break;
      const m = merge(acc, nx.c);
      if (!m) break;
      acc = m;
      b = nx.b;
    }
    if (acc.weak) return null;
    return { a: i, b, c: acc };
  }

  /** one component, with an optional preposition before it */
  /** the last index where comp(i, 0) failed: a failed chain continuation is not tried again as a start */
  private failed0 = -1;

  comp(i: number, prep: number): Found | null {
    if (prep === 0 && i === this.failed0) return null;
    const f = this.compCoreOrPrep(i, prep);
    if (!f && prep === 0) this.failed0 = i;
    return f;
  }

  private compCoreOrPrep(i: number, prep: number): Found | null {
    const f = this.compCore(i, prep, i - 1);
    if (f) return this.zoneTag(f);
    const pm = matchTrie(PREP_TRIE, this.toks, i);
    if (!pm) return null;
    const [j, strength] = pm;
    const g = this.compCore(j, Math.max(strength, prep), j - 1);
    if (!g) return null;
    return this.zoneTag({ a: i, b: g.b, c: g.c });
  }

  private zoneTag(f: Found): Found {
    const z = matchTrie(ZONE_TAGS, this.toks, f.b);
    if (z) {
      let b = z[0];
      if (this.p(b, ')') && this.p(f.b, '(')) b++;
      return { ...f, b };
    }
    return f;
  }

  private compCore(j: number, prep: number, prevIdx: number): Found | null {
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE) || tk === P) return null;
    const mask = tk === N ? N_MASK : WORD_MASK.get(ts) ?? 0;
    if (mask === 0) return null;
    // «завтра после 12»: a lower bound inside a chain
    if ((ts === 'после' || ts === 'after') && this.kind(j + 1) === N) {
      const cl = this.clock(j + 1, 2);
      if (cl) return { a: j, b: cl.e, c: { time: cl.v, after: true } };
    }
    if (mask & M_TRIE) {
      const tr = matchTrie(COMP_PHRASES, this.toks, j);
      if (tr) return { a: j, b: tr[0], c: tr[1] };
    }
    if (mask & M_WINDOW) {
      const win = this.window(j);
      if (win) return win;
    }
    if (mask & M_DATE) {
      const d = this.date(j, prep);
      if (d) return { a: j, b: d.e, c: { day: d.v } };
    }
    if (mask & M_WEEKDAY) {
      const wd = this.weekday(j, prevIdx);
      if (wd) return { a: j, b: wd.e, c: { day: wd.v } };
    }
    if (mask & M_CLOCK) {
      const cl = this.clock(j, prep);
      if (cl) return { a: j, b: cl.e, c: { time: cl.v } };
    }
    return mask & M_MONTH ? this.monthAlone(j, prep) : null;
  }

  // ---------- weekdays ----------

  weekday(j: number, prevIdx: number): R<Day> {
    let k = j;
    const mod = WEEKDAY_MOD[this.w(k)];
    if (mod) k++;
    const s = this.w(k);
    if (!s) return null;
    let wd = WEEKDAYS.get(s);
    const prev = this.w(mod ? j - 1 : prevIdx);
    if (wd !== undefined) {
      const need = SREDA_PREPS[s];
      if (need && !need.includes(prev) && !mod) return null;
    } else {
      wd = WEEKDAY_ABBR.get(s);
      if (wd === undefined) return null;
      const isPrep = PREP_WORDS.has(prev);
      const latin = s.charCodeAt(0) < 128;
      if (!(isPrep || mod || (latin && this.toks.cap(k)))) return null;
      if (this.p(k + 1, '.') && this.adj(k + 1)) k++;
    }
    return { e: k + 1, v: { k: 'wd', wd, mod: mod === 'this' ? 'this' : 'next' } };
  }

  // ---------- dates ----------

  private year(j: number): R<number> {
    let k = j;
    if (this.p(k, ',')) k++;
    const tk = this.kind(k);
    const ts = this.toks.str(k);
    const tv = this.toks.v[k];
    if ((tk === NONE) || tk !== N || ts.length !== 4 || tv < 1990 || tv > 2100) return null;
    let e = k + 1;
    const s = this.w(e);
    if (s === 'г' || s === 'года' || s === 'год' || s === 'гг') {
      e++;
      if (this.p(e, '.') && this.adj(e)) e++;
    }
    return { e, v: tv };
  }

  private month(j: number): R<number> {
    const s = this.w(j);
    let m = MONTHS.get(s);
    if (m !== undefined) return { e: j + 1, v: m };
    m = MONTHS_ABBR.get(s);
    if (m === undefined) return null;
    return { e: this.p(j + 1, '.') && this.adj(j + 1) ? j + 2 : j + 1, v: m };
  }

  /** ordinal marks after a day number: «25-го», «25-е», "25th" */
  private ordinal(j: number): number {
    if (this.p(j, '-') && this.adj(j) && this.adj(j + 1) && ORD_RU.has(this.w(j + 1))) return j + 2;
    if (this.adj(j) && ORD_ADJ.has(this.w(j))) return j + 1;
    return j;
  }

  date(j: number, prep: number): R<Day> {
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE)) return null;
    if (tk === W) {
      if (ts === 'the') {
        const d = this.num(j + 1);
        const o = this.ordinal(j + 2);
        if (!(d >= 1 && d <= 31) || o === j + 2) return null;
        return this.dayMonth(o, d, true);
      }
      const m = this.month(j);
      if (!m || (MONTH_AMBIGUOUS.has(ts) && !this.toks.cap(j))) return null;
      const d = this.num(m.e);
      if (!(d >= 1 && d <= 31) || this.p(m.e + 1, ':') || this.p(m.e + 1, '.') && this.kind(m.e + 2) === N) return null;
      let e = this.ordinal(m.e + 1);
      const y = this.year(e);
      if (y) e = y.e;
      return { e, v: { k: 'date', d, m: m.v, y: y?.v } };
    }
    if (tk !== N) return null;
    const v = tv;
    // ISO 2026-11-25
    if (ts.length === 4 && this.p(j + 1, '-') && this.adj(j + 1) && this.adj(j + 2) && this.num(j + 2) <= 12 &&
      this.p(j + 3, '-') && this.adj(j + 3) && this.adj(j + 4) && this.num(j + 4) <= 31) {
      return { e: j + 5, v: { k: 'date', y: v, m: this.num(j + 2), d: this.num(j + 4) } };
    }
    if (!(v >= 1 && v <= 31) || ts.length > 2) return null;
    if (this.p(j - 1) && !this.toks.sp(j) && (this.p(j - 1, '.') || this.p(j - 1, ':') || this.p(j - 1, '/'))) return null;
    // 25.11, 25.11.2026, 25/11
    const sepk = this.kind(j + 1);
    const seps = this.toks.str(j + 1);
    const sepv = this.toks.v[j + 1];
    if (sepk !== NONE && sepk === P && (seps === '.' || seps === '/') && this.adj(j + 1) && this.adj(j + 2) && this.kind(j + 2) === N) {
      const bk = this.kind(j + 2);
      const bs = this.toks.str(j + 2);
      const bv = this.toks.v[j + 2];
      let d = v;
      let m = bv;
      let e = j + 3;
      let y: number | undefined;
      if (this.p(e, seps) && this.adj(e) && this.adj(e + 1) && this.kind(e + 1) === N) {
        const ysk = this.kind(e + 1);
        const yss = this.toks.str(e + 1);
        const ysv = this.toks.v[e + 1];
        if (yss.length !== 2 && yss.length !== 4) return null;
        y = yss.length === 2 ? 2000 + ysv : ysv;
        e += 2;
        if (this.p(e, seps) && this.kind(e + 1) === N) return null;
      }
      if (seps === '.') {
        if (bs.length !== 2 || m < 1 || m > 12) return null;
        if (y === undefined && (UNITS.has(this.w(e)) || (prep === 0 && ts.length < 2))) return null;
      } else {
        if (bs.length > 2 || (y === undefined && prep === 0)) return null;
        if (v === 24 && m === 7) return null;
        // Russian texts write dd/mm, English ones mm/dd; a part above 12 decides
        const mmdd = this.ru ? v <= 12 && m > 12 : !(v > 12 && m <= 12);
        if (mmdd) [d, m] = [m, v];
        if (m < 1 || m > 12 || d < 1 || d > 31) return null;
      }
      return { e, v: { k: 'date', d, m, y } };
    }
    const e = this.ordinal(j + 1);
    return this.dayMonth(e, v, e !== j + 1);
  }

  private dayMonth(e0: number, d: number, ord: boolean): R<Day> {
    let e = e0;
    if (this.w(e) === 'of') e++;
    const m = this.month(e);
    if (m && !(MONTH_AMBIGUOUS.has(this.w(e)) && !this.toks.cap(e))) {
      const y = this.year(m.e);
      return { e: y ? y.e : m.e, v: { k: 'date', d, m: m.v, y: y?.v } };
    }
    const s = this.w(e0);
    if (s === 'числа' || s === 'числу' || s === 'число') return { e: e0 + 1, v: { k: 'dom', d } };
    if (ord && !HOUR_WORDS.has(s) && !UNITS.has(s)) return { e: e0, v: { k: 'dom', d } };
    return null;
  }

  /** «в ноябре», "in December", «до конца ноября», "end of November" */
  monthAlone(j: number, prep: number): Found | null {
    let k = j;
    let end = false;
    const s = this.w(k);
    if (s === 'конца' || s === 'концу' || s === 'конце' || s === 'конец') {
      k++;
      end = true;
    } else if ((s === 'end' && this.w(k + 1) === 'of') || (s === 'the' && this.w(k + 1) === 'end' && this.w(k + 2) === 'of')) {
      k += s === 'the' ? 3 : 2;
      end = true;
    }
    const m = MONTHS.get(this.w(k));
    if (m === undefined) return null;
    const prev = this.w(j - 1);
    if (!end && !(prev === 'в' || prev === 'in' || prev === 'during' || prev === 'во')) return null;
    if (MONTH_AMBIGUOUS.has(this.w(k)) && !this.toks.cap(k)) return null;
    if (this.kind(k + 1) === N && this.num(k + 1) <= 31) return null;
    const y = this.year(k + 1);
    return { a: j, b: y ? y.e : k + 1, c: { period: { k: 'month', off: 0, m } } };
  }

  // ---------- clock times ----------

  /** 15:30, 12.00, 5pm, «10 утра», «3 часа дня», «12 часов»; a bare «до 12» needs a preposition */
  private lastClock: [number, number, R<Clock>] = [-1, -1, null];

  /** clock() with a one-entry memo: windows, dates and components ask about the same token in a row */
  clock(j: number, prep: number): R<Clock> {
    const last = this.lastClock;
    if (last[0] === j && last[1] === prep) return last[2];
    const r = this.clockRaw(j, prep);
    this.lastClock = [j, prep, r];
    return r;
  }

  private clockRaw(j: number, prep: number): R<Clock> {
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE)) return null;
    let h: number;
    let m = 0;
    let e = j + 1;
    let explicit = false;
    let single = false;
    if (tk === N) {
      h = tv;
      if (!(h <= 24) || ts.length > 2) return null;
      if (!this.toks.sp(j) && (this.p(j - 1, ':') || this.p(j - 1, '.'))) return null;
      single = ts.length === 1;
      const sepk = this.kind(e);
      const seps = this.toks.str(e);
      const sepv = this.toks.v[e];
      const mtk = this.kind(e + 1);
      const mts = this.toks.str(e + 1);
      const mtv = this.toks.v[e + 1];
      if (sepk !== NONE && sepk === P && this.adj(e) && mtk !== NONE && mtk === N && this.adj(e + 1) && mts.length === 2 && mtv < 60) {
        if (seps === ':') {
          m = mtv;
          e += 2;
          explicit = true;
          if (this.p(e, ':') && this.adj(e) && this.kind(e + 1) === N && this.toks.str(e + 1).length === 2) e += 2;
        } else if (seps === '.' && prep > 0 && !(this.p(e + 2, '.') && this.kind(e + 3) === N) && !this.p(e + 2, '%')) {
          m = mtv;
          e += 2;
          explicit = true;
        } else if (seps === '-' && prep > 0 && !UNITS.has(this.w(e + 2))) {
          m = mtv;
          e += 2;
          explicit = true;
        }
      }
    } else if (tk === W && (ts === 'half' || ts === 'quarter' || ts === 'половине')) {
      return this.fraction(j, prep);
    } else if (tk === W) {
      const v = NUMBER_WORDS.get(ts);
      if (ts === 'час' && (HOUR_PARTS[this.w(e)] || prep > 0)) {
        // «в час дня»
        return this.clockTail(e, 1, 0, true, false, prep, true);
      }
      // a bare number word is an hour only from 2 up («до пяти»); «до одного» is a count
      if (v === 1 && !HOUR_WORDS.has(this.w(e)) && !HOUR_PARTS[this.w(e)] && this.w(e) !== 'pm' && this.w(e) !== 'am') return null;
      if (v === undefined || !Number.isInteger(v) || v > 12 || v < 1 || ts === 'a' || ts === 'an' || ts === 'couple' ||
        ts === 'пару' || ts === 'пары' || ts === 'пара' || ts === 'парочку') return null;
      h = v;
      single = v <= 9;
    } else return null;
    return this.clockTail(e, h, m, explicit, single, prep, tk === N);
  }

  /** "half past three", "quarter to five", «в половине третьего» */
  private fraction(j: number, prep: number): R<Clock> {
    const s = this.w(j);
    if (s === 'половине') {
      const n = ORDINAL_GEN[this.w(j + 1)];
      if (!n) return null;
      return pmRule(this.clockTail(j + 2, n === 1 ? 12 : n - 1, 30, true, false, prep, false));
    }
    const dir = this.w(j + 1);
    if (dir !== 'past' && dir !== 'to') return null;
    if (s === 'half' && dir !== 'past') return null;
    const h = this.kind(j + 2) === N ? this.num(j + 2) : NUMBER_WORDS.get(this.w(j + 2)) ?? NaN;
    if (!(h >= 1 && h <= 12) || !Number.isInteger(h)) return null;
    const [hh, m] = s === 'half' ? [h, 30] : dir === 'past' ? [h, 15] : [h === 1 ? 12 : h - 1, 45];
    return pmRule(this.clockTail(j + 3, hh, m, true, false, prep, false));
  }

  private clockTail(e0: number, h: number, m: number, explicit: boolean, single: boolean, prep: number, digits: boolean): R<Clock> {
    let e = e0;
    let ap: Clock['ap'];
    let hourWord = false;
    const s = this.w(e);
    if (s === 'am' || s === 'pm') {
      ap = AMPM[s];
      e++;
    } else if ((s === 'a' || s === 'p') && this.p(e + 1, '.') && this.w(e + 2) === 'm') {
      ap = AMPM[s];
      e += 3;
      if (this.p(e, '.') && this.adj(e)) e++;
    } else if (HOUR_WORDS.has(s) || (s === 'o' && this.p(e + 1, "'") && this.w(e + 2) === 'clock')) {
      hourWord = true;
      e += s === 'o' ? 3 : 1;
      if (s === 'ч' && this.p(e, '.') && this.adj(e)) e++;
      // «15 ч 30 мин», «12 часов 30 минут»
      const mm = this.num(e);
      if (mm < 60 && UNITS.get(this.w(e + 1)) === 'min') {
        m = mm;
        e += 2;
        explicit = true;
      }
    }
    if (!ap) {
      const part = HOUR_PARTS[this.w(e)];
      // «3 дня» is also "three days": «дня» means p.m. only after «часа» or a preposition («в 3 дня»)
      if (part && (part !== 'day' || hourWord || prep >= 1)) {
        ap = part;
        e++;
      }
    }
    if (h > 12 && ap && ap !== 'day') {
      if (ap === 'am' || ap === 'night' || h > 23) return null;
    }
    if (!ap && !explicit) {
      if (hourWord) {
        if (prep === 0 && !digits) return null;
        if (prep === 0) return null;
      } else {
        // a bare number: only after a preposition, and not before a unit or a noun of count
        if (prep === 0) return null;
        const xk = this.kind(e);
        const xs = this.toks.str(e);
        const xv = this.toks.v[e];
        if (xk !== NONE) {
          if (xk === N) return null;
          if (xk === P && !this.toks.sp(e) && (xs === '%' || xs === '.' || xs === ':' || xs === '/' || xs === '-' || xs === ',') && this.kind(e + 1) === N) return null;
          if (xk === P && (xs === '%' || xs === '$' || xs === '₽' || xs === '€' || xs === '+')) return null;
          if (xk === W) {
            if (NOT_AFTER_BARE.has(xs) || UNITS.has(xs) || MONTHS.has(xs) || MONTHS_ABBR.has(xs) || DAY24.has(xs)) return null;
            if (prep === 1 && !BARE_OK_AFTER.has(xs) && !WEEKDAYS.has(xs) && !this.toks.nl(e)) return null;
          }
        }
        if (!digits && prep < 2) return null;
      }
    }
    if (h === 24 && m > 0) return null;
    const c: Clock = { h, m };
    if (ap) c.ap = ap;
    // the afternoon rule for 1–7 (see clockHM): bare hours, and in English also h:mm
    else if (single && h >= 1 && h <= 7 && (!explicit || !this.ru)) c.bare = true;
    return { e, v: c };
  }

  // ---------- windows ----------

  /** «с 10 до 14», "between 2 and 4 pm", «10:00–14:00», «с 25 по 27 ноября» */
  window(j: number): Found | null {
    const s = this.w(j);
    if (WINDOW_START.has(s)) {
      const t1 = this.clock(j + 1, 2);
      if (t1) {
        const k = t1.e;
        const sep = this.w(k) || (this.p(k) && DASH.has(this.toks.str(k)) ? '-' : '');
        if (sep && (WINDOW_SEP.has(sep) || sep === '-') && !(sep === 'и' && s !== 'between')) {
          const t2 = this.clock(k + 1, 2);
          if (t2) return { a: j, b: t2.e, c: { time: windowEnd(t1.v, t2.v), win: true } };
        }
      }
      // dates: «с 25 по 27 ноября», "from Nov 25 to Nov 27", «с понедельника по среду»
      const d1 = this.num(j + 1) <= 31 ? { e: this.ordinal(j + 2) } : this.date(j + 1, 2) ?? this.weekday(j + 1, j);
      if (d1) {
        const k = d1.e;
        const sep = this.w(k) || (this.p(k) && DASH.has(this.toks.str(k)) ? '-' : '');
        if (sep && (WINDOW_SEP.has(sep) || sep === '-')) {
          const d2 = this.date(k + 1, 2) ?? this.weekday(k + 1, k);
          if (d2 && (d2.v.k !== 'dom' || this.num(j + 1) <= 31)) return { a: j, b: d2.e, c: { day: d2.v, win: true } };
        }
      }
      return null;
    }
    const tk = this.kind(j);
    const ts = this.toks.str(j);
    const tv = this.toks.v[j];
    if ((tk === NONE) || tk !== N) return null;
    // 10:00–14:00
    if (this.p(j + 1, ':')) {
      const t1 = this.clock(j, 0);
      if (!t1 || !this.p(t1.e) || !DASH.has(this.toks.str(t1.e))) return null;
      const t2 = this.clock(t1.e + 1, 0);
      if (!t2 || !this.p(t1.e + 2, ':')) return null;
      return { a: j, b: t2.e, c: { time: windowEnd(t1.v, t2.v), win: true } };
    }
    // 8–10am, 2-4 pm
    if (tv >= 1 && tv <= 12 && this.p(j + 1) && DASH.has(this.toks.str(j + 1)) && this.kind(j + 2) === N) {
      const t2 = this.clock(j + 2, 0);
      if (t2 && (t2.v.ap === 'am' || t2.v.ap === 'pm')) {
        return { a: j, b: t2.e, c: { time: windowEnd({ h: tv, m: 0 }, t2.v), win: true } };
      }
    }
    // 25–27 ноября
    if (tv >= 1 && tv <= 31 && this.p(j + 1) && DASH.has(this.toks.str(j + 1))) {
      const d2 = this.date(j + 2, 0);
      if (d2 && d2.v.k === 'date' && d2.v.d > tv) return { a: j, b: d2.e, c: { day: d2.v, win: true } };
    }
    return null;
  }
}

/** spoken times («в половине третьего», "half past three") follow the afternoon rule for 1–7 */
function pmRule(r: R<Clock>): R<Clock> {
  if (r && !r.v.ap && r.v.h >= 1 && r.v.h <= 7) r.v.bare = true;
  return r;
}

/** the end of a window, with am/pm taken from the start when missing («с 10 до 2» ends at 14:00) */
function windowEnd(a: Clock, b: Clock): Clock {
  if (b.ap || b.h >= 12) return b;
  const startH = (a.ap === 'pm' || a.ap === 'day' || a.bare) && a.h < 12 ? a.h + 12 : a.h;
  if (b.h > startH) return b;
  return { h: b.h + 12, m: b.m };
}

const DAY_RANK: Record<Day['k'], number> = { date: 3, rel: 2, biz: 2, dom: 1.5, wd: 1 };

/** joins two neighbouring components; null when they clash (two days, two times) */
export function merge(a: Comp, b: Comp): Comp | null {
  if (a.dur || b.dur || a.kind || b.kind) return null;
  const r: Comp = { ...a };
  if (b.day) {
    if (r.day) {
      if (r.day.k === b.day.k || r.win || b.win) return null;
      if (DAY_RANK[b.day.k] > DAY_RANK[r.day.k]) r.day = b.day;
    } else r.day = b.day;
  }
  if (b.time) {
    if (r.time) return null;
    r.time = b.time;
  }
  if (b.part) {
    if (r.part) return null;
    r.part = b.part;
  }
  if (b.period) {
    if (r.period) return null;
    r.period = b.period;
  }
  if (b.eod) r.eod = true;
  if (b.win) r.win = true;
  if (b.after) r.after = true;
  // no `delete`: it would turn the object into a slow dictionary
  if (r.weak && !b.weak) r.weak = undefined;
  return r;
}
