// Triage signals of a customer message. Words come from lexicons/signals.json (a support lead can edit
// it); this file holds the rules words alone cannot express: negation, suppressors, given-up intent,
// jokes, anger intensity (caps, !!!, ?!), sarcasm and scare quotes, sincere vs formulaic thanks.
import neg from './lexicons/negation.json' with { type: 'json' };
import lex from './lexicons/signals.json' with { type: 'json' };
import { detectLang } from './lang.ts';
import { compileCodes, PatternSet, type Match, type PatternSpec } from './patterns.ts';
import { liveRanges, norm, tokenize, type Range, type Token } from './text.ts';
import { extractSteps } from './tried-steps.ts';
import { SIGNALS, type Evidence, type Finding, type MessageAnalysis, type Signal } from './types.ts';

export type MessageOptions = { sentAt?: Date | string };

type SignalLex = { patterns: PatternSpec[]; suppress?: PatternSpec[] };
const SIG = lex.signals as unknown as Partial<Record<Signal, SignalLex>>;
const R = lex.rules;

const MAIN = compileCodes(SIGNALS, Object.fromEntries(Object.entries(SIG).map(([k, v]) => [k, v!.patterns])));
const SUPPRESS = compileCodes(SIGNALS, Object.fromEntries(Object.entries(SIG).map(([k, v]) => [k, v!.suppress ?? []])));
const POST_NEG = PatternSet.of(lex.post_negation.patterns);
const POST_NEG_WITHIN = lex.post_negation.within;
const INTENT = PatternSet.of(R.given_up.intent);
const TURN = PatternSet.of(R.given_up.turn);
const GIVEN_UP = new Set(R.given_up.signals);
const JOKE = PatternSet.of(R.joke.patterns);
const JOKE_CODES = new Set(R.joke.signals);
const HOSTILE = PatternSet.of(R.anger.hostile, 0, 0.85);
const SARCASM = PatternSet.of(R.anger.sarcasm, 0, 0.75);
const SHORT_SARCASM = new Set(R.anger.short_sarcasm.map(norm));
const SCARE_POS = PatternSet.of(R.anger.scare_positive);
const CAPS_IGNORE = new Set(R.anger.caps_ignore.map(norm));
const BARE = PatternSet.of(R.gratitude.bare);
const RESOLVED = PatternSet.of(R.gratitude.resolved);
const SARC_OBJ = PatternSet.of(R.gratitude.sarcastic_objects);
const REQUEST = PatternSet.of(['подскажите', 'прошу', 'скажите', 'уточните', 'можно', 'please', '=could =you', '=can =you', '=would =you', '=how =do', 'как', 'когда', 'где']);
const NEG_WINDOW = 6;
const NEGATORS = new Set(neg.negators.map(norm));
const BREAKERS = new Set(neg.scope_breakers.map(norm));
const WEAK_NEG = new Set(['нет', 'no']);
const SAY = PatternSet.of(R.promise_report.say);
const FUTURE = R.promise_report.future.map(norm);
const THIRD = R.promise_report.third_party.map(norm);
const QUOTED_PROMISE = PatternSet.of(R.quoted_promise.patterns);
const UL = R.urgent_limit;
const MOVE = PatternSet.of(R.churn_move.verbs);
const MOVE_PREP = new Set(R.churn_move.preps);
const LIMIT_HEADS = new Set(UL.heads.map(norm));
const LIMIT_PAST = PatternSet.of(UL.past);
const LIMIT_REQUEST = PatternSet.of(UL.request);
const CONDITIONAL = new Set(UL.conditional.map(norm));

/** A negator up to `window` words before token `first`, same clause («нет»/"no" only right before). */
export function negated(toks: Token[], first: number, window = NEG_WINDOW): boolean {
  const clause = toks[first]!.clause;
  for (let k = first - 1; k >= 0 && k >= first - window; k--) {
    const t = toks[k]!;
    if (t.clause !== clause || BREAKERS.has(t.w)) return false;
    if (NEGATORS.has(t.w) && (!WEAK_NEG.has(t.w) || first - k <= 1)) return true;
  }
  return false;
}

type Hit = { first: number; last: number; conf: number } | { start: number; end: number; conf: number };

class Acc {
  hits = new Map<Signal, Hit[]>();
  add(code: Signal, h: Hit) {
    const l = this.hits.get(code);
    if (l) l.push(h);
    else this.hits.set(code, [h]);
  }
  drop(code: Signal) {
    this.hits.delete(code);
  }
}

const bySentence = (ms: Match[], toks: Token[]) => {
  const s = new Set<number>();
  for (const m of ms) s.add(toks[m.first]!.sent);
  return s;
};

/** Triage signals, tried steps and evidence for one customer message. */
export function analyzeMessage(text: string, _opts: MessageOptions = {}): MessageAnalysis {
  const ranges = liveRanges(text);
  const toks = tokenize(text, ranges);
  const liveText = ranges.map((r) => text.slice(r.start, r.end)).join('\n');
  const { lang, langs } = detectLang(liveText);
  const acc = new Acc();

  // ---- lexicon matches, minus negated / suppressed / given-up / joking ones
  const supp = new Set(SUPPRESS.matchAll(toks).map((m) => `${m.pattern.tag}:${toks[m.first]!.sent}`));
  const postNeg = new Set(POST_NEG.matchAll(toks).map((m) => m.first));
  const intents = INTENT.matchAll(toks);
  const turns = TURN.matchAll(toks);
  const jokes = bySentence(JOKE.matchAll(toks), toks);
  const sentOf = (i: number) => toks[i]!.sent;
  const isPostNegated = (m: Match) => {
    const t = toks[m.last]!;
    for (let k = m.last + 1; k <= m.last + POST_NEG_WITHIN && k < toks.length; k++) {
      if (toks[k]!.clause !== t.clause) return false;
      if (postNeg.has(k)) return true;
    }
    return false;
  };
  const givenUp = (m: Match) => {
    const s = sentOf(m.first);
    return intents.some((x) => sentOf(x.first) === s && x.last < m.first) && turns.some((x) => sentOf(x.first) === s && x.first > m.last);
  };
  const matches = MAIN.matchAll(toks);
  for (const m of matches) {
    const code = SIGNALS[m.pattern.tag]!;
    const s = sentOf(m.first);
    if (m.pattern.negatable && (negated(toks, m.first, NEG_WINDOW) || isPostNegated(m))) continue;
    if (supp.has(`${m.pattern.tag}:${s}`)) continue;
    if (GIVEN_UP.has(code) && givenUp(m)) continue;
    if (JOKE_CODES.has(code) && (jokes.has(s) || jokes.has(s + 1))) continue;
    acc.add(code, { first: m.first, last: m.last, conf: m.pattern.conf });
  }

  // «перехожу в Билайн»: a leaving verb + a capitalized name
  for (const m of MOVE.matchAll(toks)) {
    const p = toks[m.last + 1];
    const n = toks[m.last + 2];
    if (!p || !n || !MOVE_PREP.has(p.w) || n.sent !== p.sent || negated(toks, m.first)) continue;
    const ch = text[n.start]!;
    if (ch !== ch.toLowerCase() && !n.caps) acc.add('churn', { first: m.first, last: m.last + 2, conf: 0.7 });
    else if (n.caps && n.w.length >= 3) acc.add('churn', { first: m.first, last: m.last + 2, conf: 0.6 });
  }

  // ---- anger: hostile words, sarcasm, scare quotes, intensity
  const hostile = HOSTILE.matchAll(toks).filter((m) => !negated(toks, m.first, 3));
  const sarcasm = SARCASM.matchAll(toks);
  const sarcSents = new Set<number>();
  const hostSents = new Set<number>();
  for (const m of hostile) {
    acc.add('anger', { first: m.first, last: m.last, conf: 0.85 });
    hostSents.add(sentOf(m.first));
  }
  for (const m of sarcasm) {
    acc.add('anger', { first: m.first, last: m.last, conf: 0.75 });
    sarcSents.add(sentOf(m.first));
  }
  shortSarcasm(toks, acc, sarcSents);
  const quotes = quoteSpans(text, ranges, toks);
  for (const q of quotes) {
    if (SCARE_POS.matchAll(toks, q.first, q.last + 1).length) {
      acc.add('anger', { start: q.start, end: q.end, conf: 0.75 });
      sarcSents.add(toks[q.first]!.sent);
    }
    for (const m of QUOTED_PROMISE.matchAll(toks, q.first, q.last + 1)) acc.add('broken_promise', { first: m.first, last: m.last, conf: 0.7 });
  }
  intensity(text, ranges, toks, acc);
  promiseReports(toks, acc);
  urgentLimits(toks, acc, quotes);

  // ---- gratitude: sarcastic thanks is anger; bare thanks only next to a resolution; formulaic never
  gratitude(toks, acc, sarcSents, hostSents, liveText);

  // ---- tried steps
  const threatClauses = new Set<number>();
  for (const code of ['threat_regulator', 'threat_public'] as const)
    for (const h of acc.hits.get(code) ?? []) if ('first' in h) threatClauses.add(toks[h.first]!.clause);
  const steps = extractSteps(text, toks, (k) => threatClauses.has(toks[k]!.clause));
  for (const st of steps) acc.add('tried_steps', { first: st.first, last: st.last, conf: 0.8 });

  // ---- findings
  const details: Finding<Signal>[] = [];
  for (const [code, hits] of acc.hits) {
    if (!hits.length) continue;
    const ev = new Map<string, Evidence>();
    let miss = 1;
    for (const h of hits) {
      const start = 'first' in h ? toks[h.first]!.start : h.start;
      const end = 'first' in h ? toks[h.last]!.end : h.end;
      const key = `${start}:${end}`;
      if (!ev.has(key)) {
        ev.set(key, { start, end, text: text.slice(start, end) });
        miss *= 1 - h.conf;
      }
    }
    const evidence: Evidence[] = [];
    for (const e of [...ev.values()].sort((a, b) => a.start - b.start || b.end - a.end)) {
      const last = evidence[evidence.length - 1];
      if (last && e.start <= last.end) {
        if (e.end > last.end) {
          last.end = e.end;
          last.text = text.slice(last.start, last.end);
        }
      } else evidence.push({ ...e });
    }
    details.push({ code, confidence: Math.round(Math.min(0.99, 1 - miss) * 100) / 100, evidence });
  }
  details.sort((a, b) => (a.code < b.code ? -1 : 1));
  return { lang, langs, signals: details.map((d) => d.code), tried_steps: steps.map((s) => s.text), details };
}

/** «Ага.», «Гениально.», "Truly." — a short sentence made of a sarcastic word, not opening the message. */
function shortSarcasm(toks: Token[], acc: Acc, sarcSents: Set<number>) {
  let i = 0;
  while (i < toks.length) {
    const s = toks[i]!.sent;
    let j = i;
    while (j < toks.length && toks[j]!.sent === s) j++;
    if (i > 0 && j - i <= 3 && (SHORT_SARCASM.has(toks[i]!.w) || SHORT_SARCASM.has(toks[j - 1]!.w))) {
      acc.add('anger', { first: i, last: j - 1, conf: 0.7 });
      sarcSents.add(s);
    }
    i = j;
  }
}

const OPEN: Record<string, string> = { '«': '»', '“': '”', '„': '“', '"': '"', "'": "'" };
const isLetter = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

type Quote = { start: number; end: number; first: number; last: number };

/** Short quoted spans of the live text («…», “…”, "…", '…'), with their token range. */
function quoteSpans(text: string, ranges: Range[], toks: Token[]): Quote[] {
  const out: Quote[] = [];
  for (const r of ranges) {
    let i = r.start;
    while (i < r.end) {
      const ch = text[i]!;
      const close = OPEN[ch];
      if (!close || (ch === "'" && (isLetter(text[i - 1]) || !isLetter(text[i + 1])))) {
        i++;
        continue;
      }
      let j = i + 1;
      const lim = Math.min(r.end, i + 100);
      while (j < lim && text[j] !== close && text[j] !== '\n') {
        if (close === "'" && text[j] === "'" && !isLetter(text[j + 1])) break;
        j++;
      }
      if (j >= lim || text[j] !== close) {
        i++;
        continue;
      }
      const first = lowerBound(toks, i + 1);
      let a = first;
      while (a < toks.length && toks[a]!.end <= j) a++;
      if (a > first && a - first <= 10) out.push({ start: i, end: j + 1, first, last: a - 1 });
      i = j + 1;
    }
  }
  return out;
}

/** «оператор сказала, что сделают перерасчёт», "Mark told me it would be processed": a reported promise. */
function promiseReports(toks: Token[], acc: Acc) {
  for (const m of SAY.matchAll(toks)) {
    const t = toks[m.first]!;
    let third = false;
    for (let k = m.first - 1; k >= 0 && k >= m.first - 4 && toks[k]!.clause === t.clause; k--) if (THIRD.some((x) => toks[k]!.w.startsWith(x))) third = true;
    if (third) continue;
    for (let k = m.last + 1; k < toks.length && k <= m.last + 14 && toks[k]!.sent === t.sent; k++) {
      const w = toks[k]!.w;
      const fut = FUTURE.some((f) => w.startsWith(f)) && (/^[a-z]/.test(w) || /(ут|ют|ет|ёт|ит|ят|ем|ём|им|тся)$/.test(w));
      if (fut || /'ll$|'d$/.test(w)) {
        acc.add('broken_promise', { first: m.first, last: k, conf: 0.75 });
        break;
      }
    }
  }
}

/** A time limit («до 18:00», "within the hour") is the customer's own only outside promises, quotes, past and recurring windows and threats' conditions. */
function urgentLimits(toks: Token[], acc: Acc, quotes: Quote[]) {
  const hits = acc.hits.get('urgent');
  if (!hits) return;
  const sentsWith = (code: Signal) => new Set((acc.hits.get(code) ?? []).map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const promiseSents = sentsWith('broken_promise');
  const threatSents = new Set([...sentsWith('threat_public'), ...sentsWith('threat_regulator'), ...sentsWith('churn')]);
  const past = LIMIT_PAST.matchAll(toks);
  const request = bySentence(LIMIT_REQUEST.matchAll(toks), toks);
  const kept = hits.filter((h) => {
    if (!('first' in h)) return true;
    const t = toks[h.first]!;
    if (!LIMIT_HEADS.has(t.w)) return true;
    const s = t.sent;
    if (quotes.some((q) => h.first >= q.first && h.first <= q.last)) return false;
    if (promiseSents.has(s)) return false;
    if (past.some((m) => toks[m.first]!.sent === s && m.first < h.first)) return false;
    // «с 20 до 23», "from 8 to 12": a window someone else set, unless the customer asks for it
    const win = (k: number) => ['с', 'from', 'between'].includes(toks[k]?.w ?? '') && toks[k]!.sent === s && toks[k + 1]!.num;
    if (!request.has(s) && (win(h.first - 2) || win(h.first - 3))) return false;
    if (threatSents.has(s)) {
      for (let k = h.first - 1; k >= 0 && toks[k]!.sent === s; k--) if (CONDITIONAL.has(toks[k]!.w)) return false;
    }
    return true;
  });
  acc.drop('urgent');
  for (const h of kept) acc.add('urgent', h);
}

function lowerBound(toks: Token[], pos: number): number {
  let lo = 0;
  let hi = toks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (toks[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Caps runs, "!!!", "?!" and "???": 3 points make an angry rant. */
function intensity(text: string, ranges: Range[], toks: Token[], acc: Acc) {
  let points = 0;
  let bangs = 0;
  const ev: { start: number; end: number }[] = [];
  for (const r of ranges) {
    let i = r.start;
    while (i < r.end) {
      const c = text[i];
      if (c !== '!' && c !== '?') {
        i++;
        continue;
      }
      let j = i;
      let ex = 0;
      let q = 0;
      while (j < r.end && (text[j] === '!' || text[j] === '?' || text[j] === '1')) {
        if (text[j] === '!') ex++;
        else if (text[j] === '?') q++;
        j++;
      }
      if (ex && q) {
        points += 2;
        ev.push({ start: i, end: j });
      } else if (ex >= 3) {
        if (bangs < 2) points++;
        bangs++;
        ev.push({ start: i, end: j });
      } else if (q >= 2) {
        points++;
        ev.push({ start: i, end: j });
      }
      i = j;
    }
  }
  let k = 0;
  while (k < toks.length) {
    if (!capsWord(toks[k]!)) {
      k++;
      continue;
    }
    let e = k;
    let letters = 0;
    while (e < toks.length && capsWord(toks[e]!) && toks[e]!.sent === toks[k]!.sent) letters += toks[e++]!.w.length;
    if (e - k >= 2 && letters >= 7) {
      points += 2;
      ev.push({ start: toks[k]!.start, end: toks[e - 1]!.end });
    } else if (letters >= 4) {
      points += 1;
      ev.push({ start: toks[k]!.start, end: toks[e - 1]!.end });
    }
    k = e;
  }
  if (points >= 3) for (const x of ev.slice(0, 6)) acc.add('anger', { ...x, conf: 0.4 });
}

function capsWord(t: Token): boolean {
  return t.caps && !t.num && !CAPS_IGNORE.has(t.w) && !/\d/.test(t.w);
}

function gratitude(toks: Token[], acc: Acc, sarcSents: Set<number>, hostSents: Set<number>, liveText: string) {
  const sarcObj = bySentence(SARC_OBJ.matchAll(toks), toks);
  const bad = (s: number) => sarcSents.has(s) || sarcObj.has(s);
  const kept = (acc.hits.get('gratitude') ?? []).filter((h) => {
    const s = 'first' in h ? toks[h.first]!.sent : -1;
    if (bad(s)) {
      acc.add('anger', { ...h, conf: 0.7 });
      return false;
    }
    return true;
  });
  acc.drop('gratitude');
  for (const h of kept) acc.add('gratitude', h);
  // bare «спасибо» / "thanks": sincere next to a resolution, or closing a message that asks nothing
  const have = new Set(kept.map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const resolved = bySentence(RESOLVED.matchAll(toks), toks);
  const asks = liveText.includes('?') || REQUEST.matchAll(toks).length > 0;
  const formulaic = new Set(SIG.gratitude?.suppress ? PatternSet.of(SIG.gratitude.suppress).matchAll(toks).map((m) => toks[m.first]!.sent) : []);
  for (const m of BARE.matchAll(toks)) {
    const s = toks[m.first]!.sent;
    if (have.has(s) || formulaic.has(s) || negated(toks, m.first, 2)) continue;
    if (bad(s) || hostSents.has(s)) {
      acc.add('anger', { first: m.first, last: m.last, conf: 0.6 });
      continue;
    }
    if (resolved.has(s) || resolved.has(s - 1) || !asks) acc.add('gratitude', { first: m.first, last: m.last, conf: 0.7 });
  }
}
