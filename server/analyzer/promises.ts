// Promises in a reply: each clause where we commit to a future action or outcome, with its due time.
// Word lists: lexicons/promises.json. Rules: docs (analyzer.md, "Promises and due times").
import lex from './lexicons/promises.json' with { type: 'json' };
import { PatternSet } from './patterns.ts';
import { negated } from './scope.ts';
import { norm, type Token } from './text.ts';
import { concrete, type Mention } from './coach/times.ts';
import { bounds, within, type Bounds } from './coach/bounds.ts';
import type { Promise_ } from './types.ts';

const set = (xs: string[]) => new Set(xs.map(norm));
const FIRST = set(lex.first_person);
const NOT_AFTER_AUX = set(lex.not_after_future_aux);
const THIRD = set(lex.third_person);
const AUX = set([...lex.future_aux, 'станет', 'станут']);
const EN_FIRST = set(lex.en_first);
const EN_FIRST_TWO = lex.en_first_two.map((p) => p.split(' ').map(norm));
const EN_WILL = set(lex.en_will);
const EN_TWO_FIRST = new Set(EN_FIRST_TWO.map((p) => p[0]!));
const THIRD_PARTY = set(lex.third_party);
const OUR = set(lex.our);
const OFFER = set(lex.offer);
const WISH = lex.wish.map((p) => p.split(' ').map(norm));
const CONDITIONS = lex.conditions.map((p) => p.split(' ').map(norm));
const GENERIC = set(lex.generic);
const STAFF = set(lex.staff);
const OUTCOME_WORDS = set(lex.outcome);
const SCHEDULED = PatternSet.of(lex.outcome_patterns);
const PRESENT_OUTCOME = PatternSet.of(lex.en_present_outcome);
const EXPECT = PatternSet.of(lex.expect);
const EXPECT_TIMED = PatternSet.of(lex.expect_timed);
// perfective 1st person plural without a list entry: «выкатим», «перевыставим» (not imperfective «-аем», «приносим»)
const RU_1PL = /^(?:пере|вы|по|при|за|от|до|у|с|про|под|на|вос|раз|об|из|ис)[а-я]{3,}им$/;
// imperfective «приносим», «проводим»; adjectives «высшим», «высоким», «следующим»
const RU_1PL_NOT = /(?:дим|сим|зим|жим|щим|шим|ким|гим|хим|ьим|ным|ним)$/;
// the same with «-ём» (ё is written е): «поднимем», «довезём»; not «проблем», «поднимаем»
const RU_1PL_EM = /^(?:пере|вы|по|при|за|от|до|у|с|про|под|на|вос|раз|об|из|ис)[а-я]{3,}ем$/;
const RU_1PL_EM_NOT = /(?:аем|яем|уем|еем|ием|ьем|ъем|блем|стем|нем|жем|шем|чем|щем|цем|тем)$/;
// 3rd person future of our staff: «техник перезагрузит», «мастер подъедет» (a staff word just before)
const RU_3_PERF = /^(?:пере|вы|по|при|за|от|до|про|под|на|вос|раз|об|из|ис|подъ|отъ)[а-я]{2,}(?:ит|ят|ет|ут|ют)(?:ся)?$/;
const RU_3_PERF_NOT = /(?:ает|яет|ует|еет|ают|яют|уют|еют|ывает|ивает|ходит|водит|носит|возит|ходят|водят|носят)(?:ся)?$/;
/** «проверим», «поднимем», reflexive «вернёмся», «созвонимся»; not «стремимся», «находимся» */
function ru1pl(w: string): boolean {
  const refl = w.endsWith('ся');
  const v = refl ? w.slice(0, -2) : w;
  if (refl && (v.endsWith('мим') || v.length < 6)) return false;
  return (RU_1PL.test(v) && !RU_1PL_NOT.test(v)) || (RU_1PL_EM.test(v) && !RU_1PL_EM_NOT.test(v));
}
const staffNoun = (t: Token | undefined, sent: number) => !!t && t.sent === sent && isStaff(t.w) && !WE.has(t.w) && !OUR.has(t.w);
// 1st person singular after «я»: «я переключу»; not the imperfective present «я отменяю»
const RU_1SG_NOT = /(?:аю|яю|ую|юю|ею|ою)$/;
const AND = new Set(['и', 'а', 'and']);
const WE = new Set(['we', 'i', 'мы', 'я']);
const PARTICIPLE = /(?:ен|ена|ено|ены|ан|ана|ано|аны|ят|ыт|ыта|ыто|ыты|ит|ита|ито|иты|ут|ута|уты|ed|en|ready|available|done|live|back)$/;
const NOT_PARTICIPLE = set(['может', 'должен', 'должна', 'должно', 'должны', 'нужен', 'нужна', 'нужно', 'можно', 'видно', 'понятно', 'приятно', 'хорошо', 'сказан', 'then', 'when', 'often', 'open', 'seen', 'been', 'even', 'taken', 'given']);

/** A promise with what the coach needs besides the public shape. */
export type PromiseInfo = Promise_ & {
  /** we (or our staff) act, not just an outcome */
  agentive: boolean;
  /** only generic verbs («всё исправим», "we'll sort it out") */
  generic: boolean;
  /** false: a third party's future action, a next step but no promise of ours */
  promise: boolean;
  /** our staff acts (engineer, master), not «мы»/«я» */
  staff: boolean;
  /** only passive outcomes with no actor («будут завершены», "will be sorted") */
  passive: boolean;
};

type Trigger = {
  i: number;
  kind: 'first' | 'third' | 'outcome';
  verb: string;
  /** counts only with a time in its clause («будет в понедельник», "rebooked for Friday") */
  needsTime?: boolean;
  /** a passive outcome with no actor («работы будут завершены», "it will be sorted") */
  passive?: boolean;
};

const phraseAt = (tokens: Token[], i: number, words: string[]) =>
  words.every((w, k) => tokens[i + k]?.w === w && tokens[i + k]!.sent === tokens[i]!.sent);

function triggers(tokens: Token[]): Trigger[] {
  const out: Trigger[] = [];
  const special = new Map<number, Trigger>();
  for (const m of SCHEDULED.matchAll(tokens)) special.set(m.first, { i: m.first, kind: 'outcome', verb: tokens[m.first]!.w, needsTime: true });
  for (const m of PRESENT_OUTCOME.matchAll(tokens)) special.set(m.first, { i: m.first, kind: 'outcome', verb: tokens[m.first]!.w });
  for (const m of EXPECT.matchAll(tokens)) special.set(m.first, { i: m.first, kind: 'third', verb: tokens[m.first]!.w });
  for (const m of EXPECT_TIMED.matchAll(tokens)) special.set(m.first, { i: m.first, kind: 'third', verb: tokens[m.first]!.w, needsTime: true });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]?.sent === t.sent ? tokens[i + 1] : undefined;
    const prev = tokens[i - 1]?.sent === t.sent ? tokens[i - 1] : undefined;
    if (FIRST.has(t.w)) {
      if ((t.w === 'будем' || t.w === 'буду') && (!next || NOT_AFTER_AUX.has(next.w) || next.w.startsWith('рад'))) continue;
      out.push({ i, kind: 'first', verb: t.w });
    } else if (ru1pl(t.w)) {
      out.push({ i, kind: 'first', verb: t.w });
    } else if (RU_3_PERF.test(t.w) && !RU_3_PERF_NOT.test(t.w) && (staffNoun(prev, t.sent) || staffNoun(tokens[i - 2], t.sent))) {
      out.push({ i, kind: 'third', verb: t.w });
    } else if (prev?.w === 'я' && /[а-я]{3,}[ую]$/.test(t.w) && !RU_1SG_NOT.test(t.w)) {
      out.push({ i, kind: 'first', verb: t.w });
    } else if (EN_FIRST.has(t.w)) {
      const verb = next?.w === 'be' ? tokens[i + 2]?.w ?? '' : next?.w ?? '';
      // "we'll get back to you" is a contact, not the generic "get it sorted"
      out.push({ i, kind: 'first', verb: verb === 'get' && tokens[i + 2]?.w === 'back' ? 'get back' : verb });
    } else if (EN_TWO_FIRST.has(t.w) && EN_FIRST_TWO.some((p) => phraseAt(tokens, i, p))) {
      const p = EN_FIRST_TWO.find((q) => phraseAt(tokens, i, q))!;
      out.push({ i, kind: 'first', verb: tokens[i + p.length]?.w ?? '' });
      i += p.length - 1;
    } else if (THIRD.has(t.w) || OUTCOME_WORDS.has(t.w) && t.w !== 'will') {
      const kind = OUTCOME_WORDS.has(t.w) ? 'outcome' : 'third';
      if (AUX.has(t.w)) {
        const a = tokens.slice(i + 1, i + 3).filter((k) => k.sent === t.sent);
        const participle = a.some((k) => (PARTICIPLE.test(k.w) && k.w.length > 4 && !NOT_PARTICIPLE.has(k.w)) || /^(готов|доступ)/.test(k.w));
        const atYours = a[0]?.w === 'у' && /^(вас|тебя)$/.test(a[1]?.w ?? '');
        // «будет отправлена», «скоро будет у вас», «результат будет в понедельник»: someone acts
        out.push({ i, kind: 'third', verb: t.w, needsTime: !participle && !atYours, passive: participle && !staffNoun(prev, t.sent) && !staffNoun(tokens[i - 2], t.sent) });
        continue;
      }
      out.push({ i, kind, verb: t.w });
    } else if (EN_WILL.has(t.w)) {
      const bare = t.w === 'will' || t.w === 'shall';
      if (!prev && bare) continue; // "Will you …?"; "You'll get …" opening a sentence is a statement
      if (next && (next.w === 'not' || next.w === 'you')) continue;
      const verb = next?.w === 'be' ? tokens[i + 2]?.w ?? '' : next?.w ?? '';
      const passive = next?.w === 'be' && /ed$|en$/.test(verb);
      const staffSubject = !!prev && STAFF.has(prev.w);
      out.push({ i, kind: prev && WE.has(prev.w) ? 'first' : staffSubject || passive ? 'third' : 'outcome', verb, passive: passive && !staffSubject && !(prev && WE.has(prev.w)) });
    } else if (special.has(i)) {
      out.push(special.get(i)!);
    }
  }
  return out;
}

/** commitments looked at per reply (a real reply has a handful; this bounds hostile input) */
const MAX_TRIGGERS = 500;
/** how far back (tokens) an offer or a wish still governs a commitment */
const LOOKBACK = 40;
const CLAUSE_CONDITION = new Set(['как', 'когда', 'если', 'пока', 'чтобы', 'once', 'when', 'if', 'until', 'unless', 'after']);
const gapText = (text: string, tokens: Token[], k: number) => text.slice(tokens[k - 1]!.end, tokens[k]!.start);
const STRONG = /[—–:;]|\s-\s/;

/** Is the trigger inside an offer («можем…», "we can…") or a wish («если хотите»), or a condition clause? */
function offered(text: string, tokens: Token[], b: Bounds, i: number, kind: Trigger['kind']): boolean {
  const clause = tokens[i]!.clause;
  const c0 = b.clauseFirst[i]!;
  if (c0 < i && CLAUSE_CONDITION.has(tokens[c0]!.w)) return true;
  for (let k = i - 1; k >= b.sentFirst[i]! && k >= i - LOOKBACK; k--) {
    if (STRONG.test(gapText(text, tokens, k + 1)) && !(tokens[k]!.num && tokens[k + 1]!.num)) break;
    const w = tokens[k]!.w;
    if (OFFER.has(w)) {
      const prev = tokens[k - 1];
      if (w !== 'can' && w !== 'could' && w !== 'able' && w !== 'happy' && w !== 'glad') return true;
      if (prev && WE.has(prev.w)) return true;
      if (prev && (prev.w === 'be' || prev.w === "i'd" || prev.w === "we'd") ) return true;
    }
    if (WISH_FIRST.has(w) && WISH.some((p) => phraseAt(tokens, k, p))) return true;
    if (CONDITION_FIRST.has(w) && tokens[k]!.clause === clause && i - k <= (kind === 'first' ? 2 : 6) && CONDITIONS.some((p) => phraseAt(tokens, k, p))) return true;
  }
  return false;
}

const STAFF_STEMS = [...STAFF].filter((x) => x.length > 4);
const isStaff = (w: string) => STAFF.has(w) || STAFF.has(w.replace(/s$/, '')) || (w.length > 5 && STAFF_STEMS.some((x) => w.startsWith(x)));
const WISH_FIRST = new Set(WISH.map((p) => p[0]!));
const CONDITION_FIRST = new Set(CONDITIONS.map((p) => p[0]!));

/** Is the subject before the trigger a third party (courier firm, seller, "they")? Returns [thirdParty, staffSubject]. */
function subject(tokens: Token[], i: number): [boolean, boolean] {
  const t = tokens[i]!;
  for (let k = i - 1; k >= 0 && k >= i - 5; k--) {
    const s = tokens[k]!;
    if (s.clause !== t.clause || AND.has(s.w)) break;
    if (THIRD_PARTY.has(s.w) || THIRD_PARTY.has(s.w.replace(/s$/, ''))) return [!(k > 0 && OUR.has(tokens[k - 1]!.w)), false];
    if (isStaff(s.w)) return [false, true];
  }
  return [false, false];
}

function isQuestion(text: string, tokens: Token[], b: Bounds, i: number): boolean {
  const k = b.sentLast[i]!;
  const after = text.slice(tokens[k]!.end, tokens[k + 1]?.start ?? text.length);
  return /^\s*[)»"]*\s*\?/.test(after);
}

/** Due time of a span: the first concrete mention in it, null when none or when it depends on an event. */
function dueOf(times: Mention[], start: number, end: number, before?: { start: number; end: number }): string | null {
  let inSpan = within(times, start, end);
  if (!inSpan.some(concrete) && before) inSpan = within(times, before.start, before.end);
  const firstConcrete = inSpan.find(concrete);
  if (!firstConcrete) return null;
  const ev = inSpan.find((m) => m.kind === 'event');
  if (ev && (ev.start < firstConcrete.start || ev.start - firstConcrete.end <= 3)) return null;
  return firstConcrete.due;
}

const EVENT_OPENERS = new Set(['once', 'after', 'когда', 'после']);
/** Does the sentence open with a clause on an unknown event («Как только получим…», "Once we have it, …")? */
function afterEvent(tokens: Token[], b: Bounds, first: number): boolean {
  const s = b.sentFirst[first]!;
  if (s >= first || tokens[s]!.clause === tokens[first]!.clause) return false;
  const w = tokens[s]!.w;
  return EVENT_OPENERS.has(w) || (w === 'как' && tokens[s + 1]?.w === 'только') || (w === 'as' && tokens[s + 1]?.w === 'soon');
}

/** "IT is re-syncing them now", «сотрудник уже смотрит»: an ongoing action, no commitment. */
function progressive(tokens: Token[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const w = tokens[k]!.w;
    if (/[a-z]{3,}ing$/.test(w) || w === 'уже' || w === 'сейчас' || w === 'now') return true;
  }
  return false;
}

/** Do tokens a and a+1 belong to one clause? A time like 16:00 does not split it. */
function joined(text: string, tokens: Token[], a: number): boolean {
  const x = tokens[a]!;
  const y = tokens[a + 1];
  if (!y || y.sent !== x.sent) return false;
  if (y.clause === x.clause) return true;
  return x.num && y.num && /^[:.]$/.test(text.slice(x.end, y.start));
}

/**
 * Commitments of a reply (tokens of its live text), with dues from the time mentions. Entries with
 * `promise: false` are future actions of a third party («курьерская служба свяжется»): no promise of
 * ours, but still a next step.
 */
export function findPromises(text: string, tokens: Token[], times: Mention[], b: Bounds = bounds(tokens)): PromiseInfo[] {
  const out: PromiseInfo[] = [];
  type Span = { start: number; end: number; trig: Trigger[]; agentive: boolean; ours: boolean; staff: boolean };
  const spans: Span[] = [];
  // segments: clauses, but a time like 16:00 does not split one
  const n = tokens.length;
  const segFirst = new Int32Array(n);
  const segLast = new Int32Array(n);
  for (let k = 0; k < n; k++) segFirst[k] = k > 0 && joined(text, tokens, k - 1) ? segFirst[k - 1]! : k;
  for (let k = n - 1; k >= 0; k--) segLast[k] = k < n - 1 && joined(text, tokens, k) ? segLast[k + 1]! : k;
  for (const tr of triggers(tokens).slice(0, MAX_TRIGGERS)) {
    const { i } = tr;
    if (negated(tokens, i, 2) || isQuestion(text, tokens, b, i) || offered(text, tokens, b, i, tr.kind)) continue;
    const [third, staff] = subject(tokens, i);
    let s = segFirst[i]!;
    const e = segLast[i]!;
    if (tr.needsTime && !within(times, tokens[s]!.start, tokens[e]!.end).some((m) => m.kind !== 'event' && m.kind !== 'vague')) continue;
    const agentive = tr.kind === 'first' || staff || (tr.kind === 'third' && !third);
    const last = spans.at(-1);
    // "IT is re-syncing now and it will be fixed by 1 pm": the promise starts after the «и»/"and",
    // unless a commitment before it opened the span already («проверю … и напишу»)
    if (!(last && last.start === s)) {
      for (let k = i - 1; k > s && k >= i - LOOKBACK; k--) {
        if (AND.has(tokens[k]!.w) && k - s >= 3 && progressive(tokens, s, k)) {
          s = k + 1;
          break;
        }
      }
    }
    // one clause, or a clause joined by «и»/"and" to the previous one: the same promise
    if (last && last.ours === !third && (last.start === s || (AND.has(tokens[s]!.w) && tokens[s]!.sent === tokens[last.end]!.sent && s === last.end + 1))) {
      last.end = Math.max(last.end, e);
      last.trig.push(tr);
      last.agentive ||= agentive;
      continue;
    }
    spans.push({ start: s, end: e, trig: [tr], agentive: agentive || (third && tr.kind !== 'outcome'), ours: !third, staff: staff && tr.kind !== 'first' });
  }
  for (const sp of spans) {
    const start = tokens[sp.start]!.start;
    const end = tokens[sp.end]!.end;
    // «Завтра, до 12:00, перезвоним»: a short clause just before may carry the time
    let before: { start: number; end: number } | undefined;
    const prev = sp.start - 1;
    if (prev >= 0 && tokens[prev]!.sent === tokens[sp.start]!.sent) {
      const f = segFirst[prev]!;
      if (prev - f <= 3) before = { start: tokens[f]!.start, end: tokens[prev]!.end };
    }
    let due = dueOf(times, start, end, before);
    // "Once we have it, we'll release the parcel within 1 working day": a duration counted from an unknown event
    if (due && afterEvent(tokens, b, sp.start) && within(times, start, end).some((m) => concrete(m) && m.kind === 'duration')) due = null;
    const generic = sp.trig.every((t) => GENERIC.has(t.verb));
    const conf = sp.trig.some((t) => t.kind === 'first') ? (due ? 0.92 : 0.85) : due ? 0.8 : 0.7;
    const passive = sp.trig.every((t) => t.passive);
    out.push({ text: text.slice(start, end), start, end, due, confidence: conf, agentive: sp.agentive, generic, promise: sp.ours, staff: sp.staff, passive });
  }
  return out;
}
