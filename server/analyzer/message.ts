// Triage signals of a customer message. Words come from lexicons/signals.json (a support lead can edit
// it); this file holds the rules words alone cannot express: negation, suppressors, given-up intent,
// jokes, anger intensity (caps, !!!, ?!), sarcasm and scare quotes, sincere vs formulaic thanks.
import neg from './lexicons/negation.json' with { type: 'json' };
import lex from './lexicons/signals.json' with { type: 'json' };
import { detectLang, detectLangTokens } from './lang.ts';
import { compile, PatternSet, type Match, type PatternSpec } from './patterns.ts';
import { liveRanges, norm, tokenize, type Range, type Token } from './text.ts';
import { activeModel, combine } from './model/model.ts';
import { extractSteps } from './tried-steps.ts';
import { SIGNALS, type Evidence, type Finding, type MessageAnalysis, type Signal } from './types.ts';

export type MessageOptions = { sentAt?: Date | string };

type SignalLex = { patterns: PatternSpec[]; suppress?: PatternSpec[] };
const SIG = lex.signals as unknown as Partial<Record<Signal, SignalLex>>;
const R = lex.rules;

// Every word list is compiled into one pattern set at load, so a message is scanned once.
const ALL = new PatternSet();
const GROUPS: string[] = [];
function group(name: string, specs: PatternSpec[], conf?: number): number {
  const tag = GROUPS.length;
  GROUPS.push(name);
  for (const sp of specs) ALL.add(compile(sp, tag, conf));
  return tag;
}
const MAIN_TAG = new Map<number, Signal>();
const SUPP_TAG = new Map<number, Signal>();
for (const code of SIGNALS) {
  const l = SIG[code];
  if (!l) continue;
  MAIN_TAG.set(group(`main:${code}`, l.patterns), code);
  if (l.suppress?.length) SUPP_TAG.set(group(`supp:${code}`, l.suppress), code);
}
const G = {
  postNeg: group('postNeg', lex.post_negation.patterns),
  intent: group('intent', R.given_up.intent),
  turn: group('turn', R.given_up.turn),
  joke: group('joke', R.joke.patterns),
  hostile: group('hostile', R.anger.hostile, 0.85),
  sarcasm: group('sarcasm', R.anger.sarcasm, 0.75),
  scare: group('scare', R.anger.scare_positive),
  bare: group('bare', R.gratitude.bare),
  resolved: group('resolved', R.gratitude.resolved),
  praise: group('praise', R.gratitude.praise),
  sarcObj: group('sarcObj', R.gratitude.sarcastic_objects),
  request: group('request', ['=подскажите', '=прошу', '=скажите', '=уточните', '=можно', '=please', '=could =you', '=can =you', '=would =you', '=how =do', '=как', '=когда', '=где']),
  formulaic: group('formulaic', SIG.gratitude?.suppress ?? []),
  say: group('say', R.promise_report.say),
  qPromise: group('qPromise', R.quoted_promise.patterns),
  move: group('move', R.churn_move.verbs),
  past: group('past', R.urgent_limit.past),
  limitRequest: group('limitRequest', R.urgent_limit.request),
  law: group('law', R.law_citation.patterns),
  retract: group('retract', R.retract.patterns),
};

/** Matches of one scan, bucketed by group tag. */
const NONE: Match[] = [];
class Scan {
  readonly by: (Match[] | undefined)[] = new Array(GROUPS.length);
  constructor(toks: Token[]) {
    for (const m of ALL.matchAll(toks)) (this.by[m.pattern.tag] ??= []).push(m);
  }
  get(tag: number): Match[] {
    return this.by[tag] ?? NONE;
  }
}
const SHORT_SARCASM = new Set(R.anger.short_sarcasm.map(norm));
const CAPS_IGNORE = new Set(R.anger.caps_ignore.map(norm));
const POST_NEG_WITHIN = lex.post_negation.within;
const GIVEN_UP = new Set(R.given_up.signals);
const JOKE_CODES = new Set(R.joke.signals);
const NEG_WINDOW = 6;
/** States, not intents: a «не» nearby belongs to the problem («не работает, теряем клиентов»), not to the signal. */
const NEVER_NEGATED = new Set<Signal>(['urgent', 'business_impact']);
const NEGATORS = new Set(neg.negators.map(norm));
const BREAKERS = new Set(neg.scope_breakers.map(norm));
const WEAK_NEG = new Set(['нет', 'no']);
const FUTURE = R.promise_report.future.map(norm);
const THIRD = R.promise_report.third_party.map(norm);
const UL = R.urgent_limit;
const MOVE_PREP = new Set(R.churn_move.preps);
const LIMIT_HEADS = new Set(UL.heads.map(norm));
const CONDITIONAL = new Set(UL.conditional.map(norm));
const UNITS_OK = new RegExp(UL.units_ok);
const RETRACTABLE = new Set<Signal>(['threat_regulator', 'threat_public', 'churn', 'repeat_contact']);

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

/** Evidence kept per signal (enough to show why; bounds the work on huge inputs). */
const MAX_HITS = 40;

class Acc {
  hits = new Map<Signal, Hit[]>();
  add(code: Signal, h: Hit) {
    const l = this.hits.get(code);
    if (!l) this.hits.set(code, [h]);
    else if (l.length < MAX_HITS) l.push(h);
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

/** Triage signals, tried steps and evidence for one customer message: the rules, then the learned model (model/). */
/** Characters of a message the analyzer reads; no customer writes more, and the time stays bounded. */
export const MAX_ANALYZED = 60_000;

export function analyzeMessage(text: string, _opts: MessageOptions = {}): MessageAnalysis {
  if (text.length > MAX_ANALYZED) text = text.slice(0, MAX_ANALYZED);
  const m = activeModel();
  if (!m) return rulePass(text).result;
  const r = rulePass(text);
  return combine(m, text, r.toks, ruleFeatures(r), r.result);
}

export type RulePass = { result: MessageAnalysis; toks: Token[]; scan: Scan };

/** What the rules saw, as model features: "@g:<group>" a pattern group matched, "@r:<signal>" a signal fired. */
export function ruleFeatures(r: RulePass): string[] {
  const out: string[] = [];
  for (let t = 0; t < GROUPS.length; t++) if (r.scan.by[t]?.length) out.push(GROUP_KEYS[t]!);
  for (const s of r.result.signals) out.push(SIGNAL_KEYS.get(s)!);
  return out;
}
const GROUP_KEYS = GROUPS.map((g) => '@g:' + g);
const SIGNAL_KEYS = new Map(SIGNALS.map((s) => [s, '@r:' + s]));

/** The rules alone: their result, the tokens and the pattern scan. */
export function rulePass(text: string): RulePass {
  const ranges = liveRanges(text);
  const toks = tokenize(text, ranges);
  let asksQuestion = false;
  for (let r = 0, q = -1; r < ranges.length; r++) {
    // q only moves forward: one pass over the text
    if (q < ranges[r]!.start) q = text.indexOf('?', ranges[r]!.start);
    if (q < 0) break;
    if (q < ranges[r]!.end) {
      asksQuestion = true;
      break;
    }
  }
  const { lang, langs } = toks.length ? detectLangTokens(text, toks) : detectLang(text);
  const acc = new Acc();

  // ---- lexicon matches, minus negated / suppressed / given-up / joking ones
  const sc = new Scan(toks);
  const supp = new Set<string>();
  for (const [tag, code] of SUPP_TAG) for (const m of sc.get(tag)) supp.add(`${code}:${toks[m.first]!.sent}`);
  const postNeg = new Set(sc.get(G.postNeg).map((m) => m.first));
  const intents = sc.get(G.intent);
  const turns = sc.get(G.turn);
  // «я не шучу», "not joking", «это не шутка»: a negated joke insists, it does not take anything back
  const jokes = bySentence(sc.get(G.joke).filter((m) => !negated(toks, m.first, 2)), toks);
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
  const laws = sc.get(G.law);
  const retracted = retractedSentences(text, toks, sc);
  for (const [tag, code] of MAIN_TAG) for (const m of sc.get(tag)) {
    const s = sentOf(m.first);
    if (code === 'threat_regulator' && laws.some((x) => x.first <= m.last && x.last >= m.first)) continue;
    if (RETRACTABLE.has(code) && retracted.has(s)) continue;
    // business impact: one clause; a long number is an order or account id, not a count
    if (code === 'business_impact' && (toks[m.first]!.clause !== toks[m.last]!.clause || (toks[m.first]!.num && (toks[m.first]!.w.length >= 6 || Number(toks[m.first]!.w) < 3)))) continue;
    // time limits sit inside negated conditions («если не вернёте до пятницы»): urgency is cancelled only by suppressors («не горит»)
    if (m.pattern.negatable && !NEVER_NEGATED.has(code) && (negated(toks, m.first, NEG_WINDOW) || isPostNegated(m))) continue;
    if (supp.has(`${code}:${s}`)) continue;
    if (GIVEN_UP.has(code) && givenUp(m)) continue;
    if (JOKE_CODES.has(code) && (jokes.has(s) || jokes.has(s + 1))) continue;
    acc.add(code, { first: m.first, last: m.last, conf: m.pattern.conf });
  }

  // «перехожу в Билайн»: a leaving verb + a capitalized name
  for (const m of sc.get(G.move)) {
    const p = toks[m.last + 1];
    const n = toks[m.last + 2];
    if (!p || !n || !MOVE_PREP.has(p.w) || n.sent !== p.sent || negated(toks, m.first)) continue;
    if (supp.has(`churn:${toks[m.first]!.sent}`) || givenUp(m)) continue;
    const ch = text[n.start]!;
    if (ch !== ch.toLowerCase() && !n.caps) acc.add('churn', { first: m.first, last: m.last + 2, conf: 0.7 });
    else if (n.caps && n.w.length >= 3) acc.add('churn', { first: m.first, last: m.last + 2, conf: 0.6 });
  }

  // ---- anger: hostile words, sarcasm, scare quotes, intensity
  // «мошенники пытаются войти в мой аккаунт»: fraudsters doing something are third parties, not an insult to us
  const hostile = sc.get(G.hostile).filter((m) => !negated(toks, m.first, 1) && !thirdPartyFraud(toks, m));
  const sarcasm = sc.get(G.sarcasm);
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
    const inside = (m: Match) => m.first >= q.first && m.last <= q.last;
    if (sc.get(G.scare).some(inside) || yourQuote(toks, q)) {
      acc.add('anger', { start: q.start, end: q.end, conf: 0.75 });
      sarcSents.add(toks[q.first]!.sent);
    }
    for (const m of sc.get(G.qPromise).filter(inside)) acc.add('broken_promise', { first: m.first, last: m.last, conf: 0.7 });
  }
  // «Ага, «спасибо» за доставку»: thanks in scare quotes is sarcasm
  const gr = acc.hits.get('gratitude');
  if (gr && quotes.length) {
    const kept = gr.filter((h) => !('first' in h) || !quotes.some((q) => h.first >= q.first && h.first <= q.last));
    if (kept.length < gr.length) {
      acc.add('anger', { start: quotes[0]!.start, end: quotes[0]!.end, conf: 0.7 });
      acc.drop('gratitude');
      for (const h of kept) acc.add('gratitude', h);
    }
  }
  intensity(text, ranges, toks, acc);
  promiseReports(toks, acc, sc);
  urgentLimits(text, toks, acc, quotes, sc);
  audienceNotImpact(toks, acc);

  // ---- gratitude: sarcastic thanks is anger; bare thanks only next to a resolution; formulaic never
  gratitude(toks, acc, sarcSents, hostSents, asksQuestion, sc);

  // an earlier contact about a problem already solved and thanked for is not a repeat contact
  const thanked = new Set((acc.hits.get('gratitude') ?? []).map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const solved = bySentence(sc.get(G.resolved), toks);
  const rep = acc.hits.get('repeat_contact');
  if (rep) {
    const kept = rep.filter((h) => !('first' in h) || !(thanked.has(toks[h.first]!.sent) && solved.has(toks[h.first]!.sent)));
    acc.drop('repeat_contact');
    for (const h of kept) acc.add('repeat_contact', h);
  }

  // ---- tried steps
  const threatClauses = new Set<number>();
  for (const code of ['threat_regulator', 'threat_public'] as const)
    for (const h of acc.hits.get(code) ?? []) if ('first' in h) threatClauses.add(toks[h.first]!.clause);
  for (const h of acc.hits.get('churn') ?? []) if ('first' in h) threatClauses.add(toks[h.first]!.clause);
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
  return { result: { lang, langs, signals: details.map((d) => d.code), tried_steps: steps.map((s) => s.text), details }, toks, scan: sc };
}

const FRAUD_ACTS = new Set(R.anger.third_party_fraud.map(norm));
function thirdPartyFraud(toks: Token[], m: Match): boolean {
  if (!/^(мошенн|scam|fraud)/.test(toks[m.first]!.w)) return false;
  for (let k = m.last + 1; k <= m.last + 3 && k < toks.length && toks[k]!.clause === toks[m.last]!.clause; k++) if (FRAUD_ACTS.has(toks[k]!.w)) return true;
  return false;
}

/** Sentences whose threat is asked and denied next: «Напишу в Роспотребнадзор? Нет, не напишу.» */
function retractedSentences(text: string, toks: Token[], sc: Scan): Set<number> {
  const out = new Set<number>();
  for (const m of sc.get(G.retract)) {
    const t = toks[m.first]!;
    const p = toks[m.first - 1];
    // the denial opens its sentence, and the sentence before it ends with «?»
    if (!p || p.sent === t.sent || p.sent !== t.sent - 1) continue;
    if (text.slice(p.end, t.start).includes('?')) out.add(p.sent);
  }
  return out;
}

/** Audience sizes in a public threat («блог на 15 тысяч человек») are no business impact. */
function audienceNotImpact(toks: Token[], acc: Acc) {
  const bi = acc.hits.get('business_impact');
  const pub = acc.hits.get('threat_public');
  if (!bi || !pub) return;
  const sents = new Set(pub.map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const kept = bi.filter((h) => !('first' in h) || !sents.has(toks[h.first]!.sent));
  acc.drop('business_impact');
  for (const h of kept) acc.add('business_impact', h);
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

/**
 * Positions in the live ranges of the characters matched by `re` (a global one-character class),
 * found in one pass over the text: searching range by range could rescan the text's tail each time.
 */
function positionsIn(text: string, ranges: Range[], re: RegExp): number[] {
  const out: number[] = [];
  if (!ranges.length) return out;
  re.lastIndex = ranges[0]!.start;
  let k = 0;
  let m: RegExpExecArray | null;
  const last = ranges[ranges.length - 1]!.end;
  while ((m = re.exec(text)) && m.index < last) {
    while (k < ranges.length && ranges[k]!.end <= m.index) k++;
    if (k < ranges.length && m.index >= ranges[k]!.start) out.push(m.index);
    else if (k < ranges.length) re.lastIndex = ranges[k]!.start;
  }
  return out;
}

/** The live range holding position i (ranges sorted), from index k on. */
function rangeAt(ranges: Range[], i: number, k: number): number {
  while (k < ranges.length && ranges[k]!.end <= i) k++;
  return k;
}

const OPEN: Record<string, string> = { '«': '»', '“': '”', '„': '“', '"': '"', "'": "'" };
const isLetter = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

type Quote = { start: number; end: number; first: number; last: number };

/** Short quoted spans of the live text («…», “…”, "…", '…'), with their token range. */
function quoteSpans(text: string, ranges: Range[], toks: Token[]): Quote[] {
  const out: Quote[] = [];
  // next position of each closing mark and of a newline, found with indexOf and reused (linear overall)
  const next = new Map<string, number>();
  const nextOf = (ch: string, from: number) => {
    let at = next.get(ch);
    if (at === undefined || (at >= 0 && at < from)) {
      at = text.indexOf(ch, from);
      next.set(ch, at);
    }
    return at < 0 ? Infinity : at;
  };
  let k = 0;
  let skipTo = 0;
  for (const i of positionsIn(text, ranges, /[«“„"']/g)) {
    if (i < skipTo) continue;
    k = rangeAt(ranges, i, k);
    const r = ranges[k]!;
    const ch = text[i]!;
    const close = OPEN[ch]!;
    if (ch === "'" && (isLetter(text[i - 1]) || !isLetter(text[i + 1]))) continue;
    let j = nextOf(close, i + 1);
    if (close === "'") {
      // a closing apostrophe is not followed by a letter ("it's" is no quote end)
      while (j < i + 100 && isLetter(text[j + 1])) j = text.indexOf("'", j + 1) >>> 0 || Infinity;
    }
    if (j >= Math.min(r.end, i + 100) || nextOf('\n', i + 1) < j) continue;
    const first = lowerBound(toks, i + 1);
    let a = first;
    while (a < toks.length && toks[a]!.end <= j && a - first <= 10) a++;
    if (a > first && a - first <= 10) out.push({ start: i, end: j + 1, first, last: a - 1 });
    skipTo = j + 1;
  }
  return out;
}

const YOUR = new Set(['вы', 'you', 'ваш', 'ваша', 'ваше', 'ваши', 'вашу', 'вашего', 'вашей', 'вашим', 'вашими', 'вашем', 'ваших', 'вашему', 'your', 'so-called', 'называемый', 'называемая', 'называемое', 'называемые', 'называемого', 'называемой', 'называемую']);
const WHICH = new Set(['какой', 'какая', 'какое', 'какие', 'какую', 'каким', 'what']);

/** «ваш «экспресс»-курьер», «какой у вас «ремонт за один день»», "your 'support'": a quoted claim of ours. */
function yourQuote(toks: Token[], q: Quote): boolean {
  const p = toks[q.first - 1];
  if (!p || p.sent !== toks[q.first]!.sent || p.end > q.start) return false;
  if (YOUR.has(p.w)) return true;
  const p2 = toks[q.first - 2];
  const p3 = toks[q.first - 3];
  return !!p2 && !!p3 && p.w === 'вас' && p2.w === 'у' && WHICH.has(p3.w);
}

/** «оператор сказала, что сделают перерасчёт», "Mark told me it would be processed": a reported promise. */
function promiseReports(toks: Token[], acc: Acc, sc: Scan) {
  for (const m of sc.get(G.say)) {
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
function urgentLimits(text: string, toks: Token[], acc: Acc, quotes: Quote[], sc: Scan) {
  const hits = acc.hits.get('urgent');
  if (!hits) return;
  const sentsWith = (code: Signal) => new Set((acc.hits.get(code) ?? []).map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const promiseSents = sentsWith('broken_promise');
  const threatSents = new Set([...sentsWith('threat_public'), ...sentsWith('threat_regulator'), ...sentsWith('churn')]);
  const past = sc.get(G.past);
  const request = bySentence(sc.get(G.limitRequest), toks);
  const kept = hits.filter((h) => {
    if (!('first' in h)) return true;
    const t = toks[h.first]!;
    if (!LIMIT_HEADS.has(t.w)) return true;
    // «до 512M», "by 2GB": a number with units is no time
    const n1 = toks[h.first + 1];
    if (n1 && n1.num && /[a-zа-я]/.test(n1.w) && !/^\d+(am|pm|h|ч|час|часов|утра|вечера|-го|-е|-ое|-ого|го|th|st|nd|rd|-th)$/.test(n1.w)) return false;
    // «до 5 этажа», "up to 8 GB": the word after the number is no time word
    const n2 = toks[h.first + 2];
    if (n1 && n1.num && n2 && n2.clause === n1.clause && !n2.num && !UNITS_OK.test(n2.w) && text.slice(n1.end, n2.start).trim() === '') return false;
    const s = t.sent;
    if (quotes.some((q) => h.first >= q.first && h.first <= q.last)) return false;
    if (promiseSents.has(s)) return false;
    if (past.some((m) => toks[m.first]!.sent === s && m.first < h.first)) return false;
    // «с 20 до 23», "from 8 to 12": a window someone else set, unless the customer asks for it
    const win = (k: number) => ['с', 'from', 'between'].includes(toks[k]?.w ?? '') && toks[k]!.sent === s && toks[k + 1]!.num;
    if (!request.has(s) && (win(h.first - 2) || win(h.first - 3))) return false;
    // «Сегодня же напишу пост»: the day of the threat, not a limit
    if (threatSents.has(s) && (t.w === 'сегодня' || t.w === 'today')) return false;
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
  let rk = 0;
  let skipTo = 0;
  for (const i of positionsIn(text, ranges, /[!?]/g)) {
    if (i < skipTo) continue;
    rk = rangeAt(ranges, i, rk);
    const end = ranges[rk]!.end;
    let j = i;
    let ex = 0;
    let q = 0;
    while (j < end && (text[j] === '!' || text[j] === '?' || text[j] === '1')) {
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
    skipTo = j;
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

function gratitude(toks: Token[], acc: Acc, sarcSents: Set<number>, hostSents: Set<number>, asksQuestion: boolean, sc: Scan) {
  const sarcObj = bySentence(sc.get(G.sarcObj), toks);
  const bad = (s: number) => sarcSents.has(s) || sarcObj.has(s);
  // in a sarcastic message, a short praise («Молодцы, так держать.») is sarcastic too
  const sentLen = new Map<number, number>();
  if (sarcSents.size) for (const t of toks) sentLen.set(t.sent, (sentLen.get(t.sent) ?? 0) + 1);
  const kept = (acc.hits.get('gratitude') ?? []).filter((h) => {
    const s = 'first' in h ? toks[h.first]!.sent : -1;
    if (bad(s) || (sarcSents.size > 0 && (sentLen.get(s) ?? 0) <= 4)) {
      acc.add('anger', { ...h, conf: 0.7 });
      return false;
    }
    return true;
  });
  acc.drop('gratitude');
  for (const h of kept) acc.add('gratitude', h);
  // bare «спасибо» / "thanks": sincere next to a resolution, or closing a message that asks nothing
  const have = new Set(kept.map((h) => ('first' in h ? toks[h.first]!.sent : -1)));
  const resolved = bySentence(sc.get(G.resolved), toks);
  const praised = bySentence(sc.get(G.praise), toks);
  const asks = asksQuestion || sc.get(G.request).length > 0;
  const formulaic = bySentence(sc.get(G.formulaic), toks);
  for (const m of sc.get(G.bare)) {
    const s = toks[m.first]!.sent;
    if (have.has(s) || formulaic.has(s) || negated(toks, m.first, 2)) continue;
    if (bad(s) || hostSents.has(s)) {
      acc.add('anger', { first: m.first, last: m.last, conf: 0.6 });
      continue;
    }
    if (resolved.has(s) || resolved.has(s - 1) || praised.has(s) || !asks) acc.add('gratitude', { first: m.first, last: m.last, conf: 0.7 });
  }
}
