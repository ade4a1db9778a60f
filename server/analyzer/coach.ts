// The pre-send reply coach: flags (with evidence), promises with due times, one hint per flag.
// Labels and borderline rules: docs (analyzer.md); word lists: lexicons/coach.json, promises.json, suggestions.json.
import hints from './lexicons/suggestions.json' with { type: 'json' };
import lex from './lexicons/coach.json' with { type: 'json' };
import { analyzeMessage } from './message.ts';
import { detectLang } from './lang.ts';
import { findPromises, type PromiseInfo } from './promises.ts';
import { liveRanges, tokenize, type Range, type Token } from './text.ts';
import { matchGroups, type Hit, type Hits } from './coach/lexicon.ts';
import { customerSteps, instructions, repeatedSteps, triedBefore, type Instruction } from './coach/instructions.ts';
import { concrete, liveTimes, type Mention } from './coach/times.ts';
import { bounds, firstEndingAfter, type Bounds } from './coach/bounds.ts';
import { FLAGS, type CoachOptions, type Evidence, type Finding, type Flag, type Lang, type ReplyAnalysis } from './types.ts';

type Ctx = {
  text: string;
  tokens: Token[];
  hits: Hits;
  times: Mention[];
  promises: PromiseInfo[];
  ins: Instruction[];
  sentAt: Date;
  b: Bounds;
  ranges: Range[];
};

const ev = (c: Ctx, first: number, last: number): Evidence => {
  const start = c.tokens[first]!.start;
  const end = c.tokens[last]!.end;
  return { start, end, text: c.text.slice(start, end) };
};
/** customer messages longer than this (characters) skip analyzeMessage's tried steps */
const MAX_MESSAGE_FOR_STEPS = 20_000;
/** evidence pieces shown per flag at most */
const MAX_EVIDENCE = 20;
/**
 * Characters of a reply (and of the customer message) the coach reads: a real reply is a few thousand;
 * past this a draft is hostile or pasted data, and only its opening is coached (bounds the time on 1 MB).
 */
export const MAX_COACHED = 60_000;

/** The opening of a long text, cut at a line break or space so no word is split. */
export function opening(text: string, max = MAX_COACHED): string {
  if (text.length <= max) return text;
  let cut = max;
  const ws = Math.max(text.lastIndexOf('\n', max), text.lastIndexOf(' ', max));
  if (ws > 0 && ws > max - 200) cut = ws;
  // never split a surrogate pair
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return text.slice(0, cut);
}

/** Evidence of hits, overlapping ones merged. */
function hitEv(c: Ctx, hs: Hit[]): Evidence[] {
  const sorted = [...hs].sort((a, b) => a.first - b.first || b.last - a.last);
  const out: { first: number; last: number }[] = [];
  for (const h of sorted) {
    if (out.length >= MAX_EVIDENCE && h.first > out.at(-1)!.last) break;
    const top = out.at(-1);
    if (top && h.first <= top.last) top.last = Math.max(top.last, h.last);
    else out.push({ first: h.first, last: h.last });
  }
  return out.map((h) => ev(c, h.first, h.last));
}
const maxConf = (hs: Hit[], def = 0.8) => (hs.length ? hs.reduce((m, h) => Math.max(m, h.conf), 0) : def);

/** Flags that fire on what the reply says. */
function presenceFlags(c: Ctx, owned: boolean): Finding<Flag>[] {
  const out: Finding<Flag>[] = [];
  const add = (code: Flag, hs: Hit[], conf = maxConf(hs)) => hs.length && out.push({ code, confidence: conf, evidence: hitEv(c, hs) });
  add('self_praise', [...c.hits.self_praise!, ...numberOne(c)].sort((a, b) => a.first - b.first));
  // owning the fix excuses naming a third party's fault, not blaming the customer («ваша обязанность»)
  const blame = owned ? c.hits.blame!.filter((h) => toCustomer(c, h)) : c.hits.blame!;
  add('minimizing_or_blame', [...c.hits.minimizing!, ...percentHits(c), ...sideHits(c, owned), ...blame].sort((a, b) => a.first - b.first));
  add('rude', c.hits.rude!);
  add('boilerplate_apology', stockApology(c));
  add('vague_wait', vagueWait(c));
  return out;
}

const YOU = /^(?:ваш|вы$|вам$|вас$|сами$|сам$|your|you$|yourself$|user)/;
const toCustomer = (c: Ctx, h: Hit) => {
  for (let k = h.first; k <= h.last; k++) if (YOU.test(c.tokens[k]!.w)) return true;
  return false;
};

const PERCENT = /(\d{2,3})(?:[.,]\d+)?\s?%/g;
const PERCENT_CONTEXT = (lex as { percent_context: string[] }).percent_context;
/** a share of happy customers is praise, not belittling («удовлетворённость 98%») */
const PERCENT_NOT = (lex as { percent_not: string[] }).percent_not;

/** «у 99,7% клиентов всё работает», "97% of students joined": a high share used to play the problem down. */
function percentHits(c: Ctx): Hit[] {
  const out: Hit[] = [];
  for (const r of c.ranges) {
    const part = c.text.slice(r.start, r.end);
    PERCENT.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PERCENT.exec(part)) && out.length < MAX_EVIDENCE) {
      if (Number(m[1]) < 90) continue;
      const around = part.slice(Math.max(0, m.index - 60), m.index + m[0].length + 60).toLowerCase();
      if (!PERCENT_CONTEXT.some((w) => around.includes(w)) || PERCENT_NOT.some((w) => around.includes(w))) continue;
      const k = firstEndingAfter(c.tokens, r.start + m.index);
      if (k < c.tokens.length) out.push({ first: k, last: k, conf: 0.8, source: '%' });
    }
  }
  return out;
}

const NUMBER_ONE = /(?:№|#|\bNo\.?|\bnumber)\s?1(?![\d.,:])/gi;

/** «оператор №1», "the #1 provider": a claim to be first. */
function numberOne(c: Ctx): Hit[] {
  const out: Hit[] = [];
  for (const r of c.ranges) {
    const part = c.text.slice(r.start, r.end);
    NUMBER_ONE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = NUMBER_ONE.exec(part)) && out.length < MAX_EVIDENCE) {
      const k = firstEndingAfter(c.tokens, r.start + m.index + m[0].length - 1);
      if (k < c.tokens.length) out.push({ first: k, last: k, conf: 0.75, source: '№1' });
    }
  }
  return out;
}

/** «задержка на стороне СДЭК»: a side that is not ours, unless the reply owns the fix. */
function sideHits(c: Ctx, owned: boolean): Hit[] {
  if (owned) return [];
  return c.hits.side!.filter((h) => {
    const next = c.tokens[h.last + 1];
    return next && next.sent === c.tokens[h.last]!.sent && !next.w.startsWith('наш') && next.w !== 'our';
  });
}

function stockApology(c: Ctx): Hit[] {
  const hs = [...c.hits.stock_apology!];
  const taken = new Set(hs.map((h) => c.tokens[h.first]!.sent));
  // «Приносим извинения.» / "We apologize." alone in its sentence is a stock formula too
  for (const h of c.hits.bare_apology!) {
    if (taken.has(c.tokens[h.first]!.sent)) continue;
    const after = c.b.sentLast[h.last]! - h.last;
    const before = h.first - c.b.sentFirst[h.first]!;
    if (after <= 2 && before <= 2) hs.push(h);
  }
  return hs;
}

const UNIT = /^(?:сек|мин|час|дн|дня|день|сут|недел|sec|min|hour|hr|day|week)/;
/** «подождите 10 минут», "wait 5 minutes": a number with a time unit right after the wait verb */
function spanFollows(c: Ctx, k: number): boolean {
  for (let i = k + 1; i <= k + 3 && i < c.tokens.length - 1; i++) {
    const t = c.tokens[i]!;
    if (t.sent !== c.tokens[k]!.sent) return false;
    if (t.num && UNIT.test(c.tokens[i + 1]!.w)) return true;
  }
  return false;
}

function vagueWait(c: Ctx): Hit[] {
  const hs = [...c.hits.vague_wait!];
  const covered = new Set<number>();
  for (const h of hs) for (let k = h.first; k <= h.last; k++) covered.add(k);
  const timed = new Set<number>();
  for (const m of c.times) if (concrete(m)) timed.add(c.tokens[Math.min(firstEndingAfter(c.tokens, m.start), c.tokens.length - 1)]!.sent);
  // «ожидайте» / "please wait" with a concrete time in the same sentence is no vague wait
  for (const h of c.hits.wait_verb!) {
    if (!timed.has(c.tokens[h.first]!.sent) && !covered.has(h.first) && !spanFollows(c, h.last)) hs.push(h);
  }
  return hs.sort((a, b) => a.first - b.first);
}

/** Does the reply own the fix (our commitment or action, «виноваты мы», "on us")? Then naming a third party is no blame. */
function ownsFix(c: Ctx): boolean {
  if (c.hits.ownership!.length) return true;
  return c.promises.some((p) => p.promise && p.agentive && (!p.generic || p.due !== null));
}

const bySent = (c: Ctx, hs: Hit[]) => {
  const m = new Map<number, Hit[]>();
  for (const h of hs) {
    const k = c.tokens[h.first]!.sent;
    const l = m.get(k);
    if (l) l.push(h);
    else m.set(k, [h]);
  }
  return m;
};

/**
 * A concrete next step: a commitment with a concrete action or a time, or an instruction to the
 * customer — not "wait", not a rude order, and not a workaround alone («пока можно …»).
 */
function nextStep(c: Ctx): boolean {
  if (c.promises.some((p) => p.due !== null || (p.agentive && !p.generic && !p.passive))) return true;
  const blocked = bySent(c, [...c.hits.not_a_step!, ...c.hits.rude!, ...c.hits.vague_wait!]);
  const workaround = new Set(c.hits.workaround!.map((h) => c.tokens[h.first]!.sent));
  return c.ins.some((x) => {
    if (workaround.has(x.sent)) return false;
    if (x.verb > 0 && c.tokens[x.verb - 1]!.w === 'не' && c.tokens[x.verb - 1]!.sent === x.sent) return false;
    const hs = blocked.get(x.sent) ?? [];
    if (!hs.some((h) => h.first <= x.verb + 1 && x.verb <= h.last)) return true;
    // «Перечитайте письмо и оплатите счёт»: a second order after the rude one is still a step
    for (let k = x.verb + 1; k <= x.last; k++) {
      if (IMPERATIVE.test(c.tokens[k]!.w) && !hs.some((h) => h.first <= k + 1 && k <= h.last)) return true;
    }
    return false;
  });
}

const USUALLY = new Set(['обычно', 'usually', 'typically', 'normally', 'generally']);

/** Sentence numbers of the promises (incl. third parties' commitments). */
function promiseSents(c: Ctx): Set<number> {
  const out = new Set<number>();
  for (const p of c.promises) {
    out.add(c.tokens[firstEndingAfter(c.tokens, p.start)]!.sent);
    out.add(c.tokens[firstEndingAfter(c.tokens, p.end - 1)]!.sent);
  }
  return out;
}

/**
 * A concrete future time for the next step or the fix: in a sentence with a commitment (ours or a
 * third party's), not in a general statement («обычно это занимает до 5 дней»).
 */
function hasDeadline(c: Ctx): boolean {
  const t0 = c.sentAt.getTime();
  const sents = promiseSents(c);
  const usual = new Set<number>();
  for (const t of c.tokens) if (USUALLY.has(t.w)) usual.add(t.clause);
  return c.times.some((m) => {
    if (!concrete(m) || Date.parse(m.due!) <= t0) return false;
    const t = c.tokens[firstEndingAfter(c.tokens, m.start)];
    return !!t && sents.has(t.sent) && !usual.has(t.clause);
  });
}

function hasCause(c: Ctx): boolean {
  const notSents = new Set(c.hits.not_cause_sentence!.map((h) => c.tokens[h.first]!.sent));
  return c.hits.cause!.some((h) => !notSents.has(c.tokens[h.first]!.sent));
}

/**
 * A workaround, another option, or a fallback «если не поможет, …» the customer can take — not
 * "contact us", not an engineer's visit, not a step the customer already took.
 */
function hasAlternative(c: Ctx, repeated: Instruction[], steps: Set<string>[]): boolean {
  const rep = new Set(repeated.map((x) => x.sent));
  if (c.hits.alternative!.some((h) => !triedBefore(c.tokens, h.first, h.last + 2, steps, TRIED_MIN))) return true;
  if (optionVerbs(c).some((k) => !triedBefore(c.tokens, k, k + 3, steps, TRIED_MIN))) return true;
  const contact = new Set(c.hits.contact_verb!.map((h) => c.tokens[h.first]!.sent));
  // «если не поможет, отправьте по СБП»: a fallback the customer can take is another way; our own
  // fallback ("if not, we'll take a look") is a next step, not an alternative
  const insSents = new Set(c.ins.map((x) => x.sent));
  // «Продлите вручную», "copy the ID manually": the customer doing it by hand is another way
  if (c.hits.manual!.some((h) => insSents.has(c.tokens[h.first]!.sent))) return true;
  // «Пока отключите …», "Meanwhile, use …": an instruction for the time until the fix
  if (c.hits.workaround!.some((h) => insSents.has(c.tokens[h.first]!.sent) && !triedBefore(c.tokens, h.first, c.b.sentLast[h.first]!, steps, TRIED_MIN))) return true;
  return c.hits.fallback_if!.some((h) => {
    const sent = c.tokens[h.first]!.sent;
    return !contact.has(sent) && !rep.has(sent) && insSents.has(sent);
  });
}

/** shared roots with one customer step that make an option one the customer already took */
const TRIED_MIN = 2;
const INFINITIVE = /(?:ть|ти|ться|тись)$/;
const IMPERATIVE = /^[а-яе-]{2,}(?:йте|ите|ьте)(?:сь)?$/;
const EN_VERB_AFTER_OR = new Set(['email', 'reply', 'text', 'message', 'return', 'refund', 'reship', 'ship', 'pull', 'export', 'print', 'use', 'try', 'upload', 'download', 'switch', 'send', 'pick', 'open', 'call', 'visit', 'order', 'pay', 'go', 'contact', 'reinstall', 'install', 'move', 'collect', 'book', 'change', 'point', 'set', 'copy']);

/** Customer options: «можно оплатить», «можете оформить», «…или загрузите» (token index of the verb). */
function optionVerbs(c: Ctx): number[] {
  const out: number[] = [];
  const t = c.tokens;
  for (let i = 0; i < t.length; i++) {
    const w = t[i]!.w;
    if (w === 'можно' || w === 'можете') {
      for (let k = Math.max(0, i - 2); k <= i + 2 && k < t.length; k++) {
        if (k !== i && t[k]!.sent === t[i]!.sent && INFINITIVE.test(t[k]!.w)) {
          out.push(k);
          break;
        }
      }
    } else if ((w === 'или' || w === 'or') && i > 0) {
      const n = t[i + 1];
      if (n && n.sent === t[i]!.sent && (IMPERATIVE.test(n.w) || EN_VERB_AFTER_OR.has(n.w))) out.push(i + 1);
    }
  }
  return out;
}

const absent = (code: Flag, conf: number, evidence: Evidence[] = []): Finding<Flag> => ({ code, confidence: conf, evidence });

/** Flags, promises (with due times) and suggestions for a reply draft. */
export function coachReply(draft: string, opts: CoachOptions = {}): ReplyAnalysis {
  // offsets into the opening are offsets into the whole draft
  const reply = opening(draft);
  const ranges = liveRanges(reply);
  const tokens = tokenize(reply, ranges);
  const live = ranges.map((r) => reply.slice(r.start, r.end)).join('\n');
  const lang: Lang = detectLang(live).lang;
  const ctx = opts.context ?? {};
  const sentAt = opts.sentAt ? new Date(opts.sentAt) : new Date();
  const timeZone = opts.timeZone ?? 'UTC';
  const times = tokens.length ? liveTimes(reply, ranges, { sentAt, timeZone, calendar: opts.calendar }) : [];
  const hits = matchGroups(tokens);
  const b = bounds(tokens);
  const promises = findPromises(reply, tokens, times, b);
  const c: Ctx = { text: reply, tokens, hits, times, promises, ins: instructions(tokens), sentAt, b, ranges };

  const details = presenceFlags(c, ownsFix(c));

  let rep: Instruction[] = [];
  let steps: Set<string>[] = [];
  if (opts.customerMessage && c.ins.length) {
    const message = opening(opts.customerMessage);
    let extra: string[] = [];
    // the message analyzer's tried steps help on ordinary messages; a huge one is matched by our own steps only
    if (message.length <= MAX_MESSAGE_FOR_STEPS) {
      try {
        extra = analyzeMessage(message).tried_steps;
      } catch {
        // the message analyzer is optional here; our own step matching still runs
      }
    }
    steps = customerSteps(message, extra);
    rep = repeatedSteps(tokens, c.ins, steps);
    if (rep.length) details.push({ code: 'asks_already_tried', confidence: 0.75, evidence: rep.slice(0, MAX_EVIDENCE).map((x) => ev(c, x.first, x.last)) });
  }

  if ((ctx.our_fault || ctx.customer_asked_cause) && !hasCause(c)) details.push(absent('no_cause', 0.75));
  if (ctx.unresolved) {
    if (!hasDeadline(c)) {
      const vague = times.filter((m) => m.kind === 'vague' || m.kind === 'event').slice(0, MAX_EVIDENCE).map((m) => ({ start: m.start, end: m.end, text: m.text }));
      details.push(absent('no_deadline', 0.8, vague));
    }
    if (!hasAlternative(c, rep, steps)) details.push(absent('no_alternative', 0.7));
    if (!nextStep(c)) details.push(absent('no_next_step', 0.75));
  }
  if (ctx.our_fault && !hits.compensation!.length) details.push(absent('no_compensation', 0.75));

  details.sort((a, b) => FLAGS.indexOf(a.code) - FLAGS.indexOf(b.code));
  const flags = [...new Set(details.map((d) => d.code))].sort();
  const locale: Lang = opts.locale ?? lang;
  const suggestions = flags.map((code) => ({ code, text: (hints as unknown as Record<string, Record<Lang, string>>)[code]![locale] }));
  return {
    lang,
    flags,
    promises: promises.filter((p) => p.promise).map(({ text, start, end, due, confidence }) => ({ text, start, end, due, confidence })),
    details,
    suggestions,
  };
}
