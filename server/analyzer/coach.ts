// The pre-send reply coach: flags (with evidence), promises with due times, one hint per flag.
// Labels and borderline rules: docs (analyzer.md); word lists: lexicons/coach.json, promises.json, suggestions.json.
import hints from './lexicons/suggestions.json' with { type: 'json' };
import { analyzeMessage } from './message.ts';
import { detectLang } from './lang.ts';
import { findPromises, type PromiseInfo } from './promises.ts';
import { liveRanges, tokenize, type Token } from './text.ts';
import { matchGroups, type Hit, type Hits } from './coach/lexicon.ts';
import { customerSteps, instructions, repeatedSteps, type Instruction } from './coach/instructions.ts';
import { concrete, liveTimes, type Mention } from './coach/times.ts';
import { FLAGS, type CoachOptions, type Evidence, type Finding, type Flag, type Lang, type ReplyAnalysis } from './types.ts';

type Ctx = {
  text: string;
  tokens: Token[];
  hits: Hits;
  times: Mention[];
  promises: PromiseInfo[];
  ins: Instruction[];
  sentAt: Date;
};

const ev = (c: Ctx, first: number, last: number): Evidence => {
  const start = c.tokens[first]!.start;
  const end = c.tokens[last]!.end;
  return { start, end, text: c.text.slice(start, end) };
};
/** Evidence of hits, overlapping ones merged. */
function hitEv(c: Ctx, hs: Hit[]): Evidence[] {
  const sorted = [...hs].sort((a, b) => a.first - b.first || b.last - a.last);
  const out: { first: number; last: number }[] = [];
  for (const h of sorted) {
    const top = out.at(-1);
    if (top && h.first <= top.last) top.last = Math.max(top.last, h.last);
    else out.push({ first: h.first, last: h.last });
  }
  return out.map((h) => ev(c, h.first, h.last));
}
const maxConf = (hs: Hit[], def = 0.8) => (hs.length ? Math.max(...hs.map((h) => h.conf)) : def);
const overlaps = (a: Hit, b: { first: number; last: number }) => a.first <= b.last && b.first <= a.last;

/** Flags that fire on what the reply says. */
function presenceFlags(c: Ctx, owned: boolean): Finding<Flag>[] {
  const out: Finding<Flag>[] = [];
  const add = (code: Flag, hs: Hit[], conf = maxConf(hs)) => hs.length && out.push({ code, confidence: conf, evidence: hitEv(c, hs) });
  add('self_praise', c.hits.self_praise!);
  const blame = owned ? [] : c.hits.blame!;
  add('minimizing_or_blame', [...c.hits.minimizing!, ...blame].sort((a, b) => a.first - b.first));
  add('rude', c.hits.rude!);
  add('boilerplate_apology', stockApology(c));
  add('vague_wait', vagueWait(c));
  return out;
}

function stockApology(c: Ctx): Hit[] {
  const hs = [...c.hits.stock_apology!];
  // «Приносим извинения.» / "We apologize." alone in its sentence is a stock formula too
  for (const h of c.hits.bare_apology!) {
    if (hs.some((x) => overlaps(x, h))) continue;
    const sent = c.tokens[h.first]!.sent;
    let n = 0;
    for (let i = h.first; i < c.tokens.length && c.tokens[i]!.sent === sent; i++) n++;
    let before = 0;
    for (let i = h.first - 1; i >= 0 && c.tokens[i]!.sent === sent; i--) before++;
    if (n - (h.last - h.first + 1) <= 2 && before <= 2) hs.push(h);
  }
  return hs;
}

function vagueWait(c: Ctx): Hit[] {
  const hs = [...c.hits.vague_wait!];
  // «ожидайте» / "please wait" with a concrete time in the same sentence is no vague wait
  for (const h of c.hits.wait_verb!) {
    const sent = c.tokens[h.first]!.sent;
    const from = c.tokens.findIndex((t) => t.sent === sent);
    let to = from;
    while (c.tokens[to + 1]?.sent === sent) to++;
    const a = c.tokens[from]!.start;
    const b = c.tokens[to]!.end;
    if (!c.times.some((m) => concrete(m) && m.start < b && m.end > a) && !hs.some((x) => overlaps(x, h))) hs.push(h);
  }
  return hs.sort((a, b) => a.first - b.first);
}

/** Does the reply own the fix (our commitment or action, «виноваты мы», "on us")? Then naming a third party is no blame. */
function ownsFix(c: Ctx): boolean {
  if (c.hits.ownership!.length) return true;
  return c.promises.some((p) => p.promise && p.agentive && (!p.generic || p.due !== null));
}

/** A concrete next step: our commitment with a concrete action or a time, or an instruction to the customer. */
function nextStep(c: Ctx): boolean {
  if (c.promises.some((p) => p.due !== null || (p.agentive && !p.generic))) return true;
  const blocked = [...c.hits.not_a_step!, ...c.hits.rude!, ...c.hits.vague_wait!, ...c.hits.minimizing!];
  const near = (h: Hit, x: Instruction) => c.tokens[h.first]!.sent === x.sent && h.first <= x.verb + 3 && x.verb - 2 <= h.last;
  return c.ins.some((x) => !blocked.some((h) => near(h, x)));
}

const USUALLY = new Set(['обычно', 'как правило', 'usually', 'typically', 'normally', 'generally']);

/**
 * A concrete future time for the next step or the fix: in a sentence with a commitment (ours or a
 * third party's), not in a general statement («обычно это занимает до 5 дней»).
 */
function hasDeadline(c: Ctx): boolean {
  const t0 = c.sentAt.getTime();
  const sents = new Set<number>();
  for (const p of c.promises) for (const t of c.tokens) if (t.start >= p.start && t.end <= p.end) sents.add(t.sent);
  return c.times.some((m) => {
    if (!concrete(m) || Date.parse(m.due!) <= t0) return false;
    const k = c.tokens.findIndex((t) => t.end > m.start);
    if (k < 0 || !sents.has(c.tokens[k]!.sent)) return false;
    const clause = c.tokens[k]!.clause;
    return !c.tokens.some((t) => t.clause === clause && USUALLY.has(t.w));
  });
}

function hasCause(c: Ctx): boolean {
  const notSents = new Set(c.hits.not_cause_sentence!.map((h) => c.tokens[h.first]!.sent));
  return c.hits.cause!.some((h) => !notSents.has(c.tokens[h.first]!.sent));
}

/** A workaround, another option, or a fallback step «если не поможет, …» that is more than "contact us". */
function hasAlternative(c: Ctx): boolean {
  if (c.hits.alternative!.length) return true;
  const contact = new Set(c.hits.contact_verb!.map((h) => c.tokens[h.first]!.sent));
  return c.hits.fallback_if!.some((h) => {
    const sent = c.tokens[h.first]!.sent;
    if (contact.has(sent)) return false;
    return c.promises.some((p) => p.start >= c.tokens[h.last]!.end && c.tokens.some((t) => t.start === p.start && t.sent === sent))
      || c.ins.some((x) => x.sent === sent);
  });
}

const absent = (code: Flag, conf: number, evidence: Evidence[] = []): Finding<Flag> => ({ code, confidence: conf, evidence });

/** Flags, promises (with due times) and suggestions for a reply draft. */
export function coachReply(reply: string, opts: CoachOptions = {}): ReplyAnalysis {
  const ranges = liveRanges(reply);
  const tokens = tokenize(reply, ranges);
  const live = ranges.map((r) => reply.slice(r.start, r.end)).join('\n');
  const lang: Lang = detectLang(live).lang;
  const ctx = opts.context ?? {};
  const sentAt = opts.sentAt ? new Date(opts.sentAt) : new Date();
  const timeZone = opts.timeZone ?? 'UTC';
  const times = tokens.length ? liveTimes(reply, ranges, { sentAt, timeZone, calendar: opts.calendar }) : [];
  const hits = matchGroups(tokens);
  const promises = findPromises(reply, tokens, times);
  const c: Ctx = { text: reply, tokens, hits, times, promises, ins: instructions(tokens), sentAt };

  const details = presenceFlags(c, ownsFix(c));

  if (opts.customerMessage) {
    let extra: string[] = [];
    try {
      extra = analyzeMessage(opts.customerMessage).tried_steps;
    } catch {
      // the message analyzer is optional here; our own step matching still runs
    }
    const rep = repeatedSteps(tokens, c.ins, customerSteps(opts.customerMessage, extra));
    if (rep.length) details.push({ code: 'asks_already_tried', confidence: 0.75, evidence: rep.map((x) => ev(c, x.first, x.last)) });
  }

  if ((ctx.our_fault || ctx.customer_asked_cause) && !hasCause(c)) details.push(absent('no_cause', 0.75));
  if (ctx.unresolved) {
    if (!hasDeadline(c)) {
      const vague = times.filter((m) => m.kind === 'vague' || m.kind === 'event').map((m) => ({ start: m.start, end: m.end, text: m.text }));
      details.push(absent('no_deadline', 0.8, vague));
    }
    if (!hasAlternative(c)) details.push(absent('no_alternative', 0.7));
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
