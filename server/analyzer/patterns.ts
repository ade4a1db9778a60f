// Word patterns from the lexicon files, matched over tokens.
//
// A pattern is words separated by spaces; each word is one of:
//   word      same stem as the word (Snowball, Russian or English by its letters): «суд» matches «суда», «судом»
//   word*     the token starts with this (at least 3 letters): «перезагруз*»
//   =word     exactly this token: «=не», "=no"
//   #num      a number
//   a|b|c     any of the above
//   ~N        up to N other tokens (N ≤ 6) of the same sentence
// A match never crosses a sentence. Example: "подам|обращусь|пойду ~2 суд|прокуратур*".
import { norm, stem, type Token } from './text.ts';

type Atom = { kind: 'stem' | 'prefix' | 'exact'; v: string } | { kind: 'num' };
/** A word step: `id` indexes the global step registry, so a word's matching steps are looked up once per word. */
type WordStep = { atoms: Atom[]; id: number };
type Step = WordStep | { gap: number };

// ---- step registry: which steps a word satisfies, found by index (stem, exact word, each prefix)
const STEP_BY_STEM = new Map<string, number[]>();
const STEP_BY_EXACT = new Map<string, number[]>();
const STEP_BY_PREFIX = new Map<string, number[]>();
const STEP_NUM: number[] = [];
let PREFIX_MIN = 99;
let PREFIX_MAX = 0;
let STEP_COUNT = 0;
/** digits with - . , : / between them («851211-90», «17.05.2026») */
const NUMERIC = /^[0-9][0-9\-.,:/]*$/;
/** longest numeric exact/stem key; whether some prefix key is numeric */
let DIGIT_KEY_MAX = 0;
let DIGIT_PREFIX = false;
/** bumped when a step is registered: cached word entries computed before are stale */
let GEN = 0;

function indexAdd(map: Map<string, number[]>, key: string, id: number) {
  const l = map.get(key);
  if (!l) map.set(key, [id]);
  else if (l[l.length - 1] !== id) l.push(id);
}

function registerStep(atoms: Atom[]): WordStep {
  const id = STEP_COUNT++;
  GEN++;
  for (const a of atoms) {
    if (a.kind !== 'num' && NUMERIC.test(a.v)) {
      if (a.kind === 'prefix') DIGIT_PREFIX = true;
      else DIGIT_KEY_MAX = Math.max(DIGIT_KEY_MAX, a.v.length);
    }
    if (a.kind === 'num') {
      if (STEP_NUM[STEP_NUM.length - 1] !== id) STEP_NUM.push(id);
    } else if (a.kind === 'stem') indexAdd(STEP_BY_STEM, a.v, id);
    else if (a.kind === 'exact') indexAdd(STEP_BY_EXACT, a.v, id);
    else {
      indexAdd(STEP_BY_PREFIX, a.v, id);
      if (a.v.length < PREFIX_MIN) PREFIX_MIN = a.v.length;
      if (a.v.length > PREFIX_MAX) PREFIX_MAX = a.v.length;
    }
  }
  return { atoms, id };
}

/** Per distinct word: the steps it satisfies and, per pattern set, its candidate patterns. */
type WordEntry = { gen: number; steps: Set<number>; cands: (Pattern[] | null | undefined)[] };
const EMPTY = new Set<number>();
const WORDS = new Map<string, WordEntry>();
/** a long number no digit key can match: every such number satisfies exactly the #num steps */
let NUM_ENTRY: WordEntry | undefined;

function wordEntry(t: Token): WordEntry {
  const info = t.info;
  let e = (info ? info.pat : WORDS.get(t.w)) as WordEntry | undefined;
  if (e !== undefined && e.gen === GEN) return e;
  if (t.num && !DIGIT_PREFIX && t.w.length > DIGIT_KEY_MAX && NUMERIC.test(t.w)) {
    if (NUM_ENTRY === undefined || NUM_ENTRY.gen !== GEN) NUM_ENTRY = { gen: GEN, steps: STEP_NUM.length ? new Set(STEP_NUM) : EMPTY, cands: [] };
    if (info) info.pat = NUM_ENTRY;
    return NUM_ENTRY;
  }
  let steps: Set<number> | null = null;
  const add = (l: number[] | undefined) => {
    if (!l) return;
    steps ??= new Set();
    for (const id of l) steps.add(id);
  };
  add(STEP_BY_STEM.get(t.st));
  add(STEP_BY_EXACT.get(t.w));
  if (t.num) add(STEP_NUM.length ? STEP_NUM : undefined);
  const w = t.w;
  for (let n = PREFIX_MIN, top = Math.min(PREFIX_MAX, w.length); n <= top; n++) add(STEP_BY_PREFIX.get(w.slice(0, n)));
  e = { gen: GEN, steps: steps ?? EMPTY, cands: [] };
  if (info) info.pat = e;
  else {
    if (WORDS.size >= 100_000) WORDS.clear();
    if (w.length <= 60) WORDS.set(w, e);
  }
  return e;
}

/** Step sets of tokens [from, to), one word lookup each. */
function stepSets(tokens: Token[], from: number, to: number): Set<number>[] {
  const out: Set<number>[] = new Array(to);
  for (let i = from; i < to; i++) out[i] = wordEntry(tokens[i]!).steps;
  return out;
}

export type PatternSpec = string | { p: string; conf?: number; negatable?: boolean; note?: string };

export type Pattern = {
  source: string;
  steps: Step[];
  conf: number;
  /** a negator before the match (same clause) cancels it; default true */
  negatable: boolean;
  /** index into the owner list (which code / rule it belongs to) */
  tag: number;
  /** scratch for PatternSet (de-duplication stamp) */
  mark?: number;
  /** index of the step the set indexes this pattern by (0, or 1 after a function word) */
  anchor?: number;
  /** no ~N steps (matched by a plain loop) */
  gapless?: boolean;
};

export type Match = { pattern: Pattern; first: number; last: number };

function atom(word: string): Atom {
  if (word === '#num') return { kind: 'num' };
  if (word.startsWith('=')) return { kind: 'exact', v: norm(word.slice(1)) };
  if (word.endsWith('*')) {
    const v = norm(word.slice(0, -1));
    if (v.length < 3) throw new Error(`prefix too short: ${word}`);
    return { kind: 'prefix', v };
  }
  return { kind: 'stem', v: stem(norm(word)) };
}

export function compile(spec: PatternSpec, tag: number, defConf = 0.85): Pattern {
  const source = typeof spec === 'string' ? spec : spec.p;
  const steps: Step[] = [];
  for (const part of source.trim().split(/\s+/)) {
    const gap = /^~(\d)$/.exec(part);
    if (gap) {
      const n = Number(gap[1]);
      if (n < 1 || n > 6) throw new Error(`gap out of range in "${source}"`);
      steps.push({ gap: n });
    } else {
      const atoms = part.split('|').filter(Boolean).map(atom);
      steps.push(registerStep(atoms));
    }
  }
  if (!steps.length || 'gap' in steps[0]! || 'gap' in steps[steps.length - 1]!) throw new Error(`bad pattern "${source}"`);
  const o: { conf?: number; negatable?: boolean } = typeof spec === 'string' ? {} : spec;
  return { source, steps, conf: o.conf ?? defConf, negatable: o.negatable ?? true, tag };
}

let SET_COUNT = 0;

/** A set of patterns indexed by their first word, so a text is scanned once. */
export class PatternSet {
  private byStep = new Map<number, Pattern[]>(); // anchor step id → patterns
  private readonly serial = SET_COUNT++;
  readonly patterns: Pattern[] = [];

  add(p: Pattern): this {
    this.patterns.push(p);
    // a pattern opening with a function word («в», «не», "the") is indexed by its second word, which is rarer
    const s0 = p.steps[0] as WordStep;
    const s1 = p.steps[1];
    p.anchor = s1 && 'atoms' in s1 && s0.atoms.every((a) => (a.kind === 'exact' || a.kind === 'stem') && COMMON.has(a.v)) ? 1 : 0;
    p.gapless = p.steps.every((x) => !('gap' in x));
    const id = (p.steps[p.anchor] as WordStep).id;
    const l = this.byStep.get(id);
    if (l) l.push(p);
    else this.byStep.set(id, [p]);
    GEN++; // candidate lists cached per word are stale
    return this;
  }

  static of(specs: PatternSpec[], tag = 0, conf?: number): PatternSet {
    const s = new PatternSet();
    for (const sp of specs) s.add(compile(sp, tag, conf));
    return s;
  }

  /** Every match (the shortest for each pattern and start), in token order. */
  matchAll(tokens: Token[], from = 0, to = tokens.length): Match[] {
    const out: Match[] = [];
    const sets = stepSets(tokens, from, to);
    let anchored = false;
    for (let i = from; i < to; i++) {
      const t = tokens[i]!;
      const cands = this.candidates(t, sets[i]!);
      if (cands === null) continue;
      for (let c = 0; c < cands.length; c++) {
        const p = cands[c]!;
        let start = i;
        if (p.anchor) {
          // the match starts one word earlier, with the function word
          start = i - 1;
          if (start < from || tokens[start]!.sent !== t.sent || !sets[start]!.has((p.steps[0] as WordStep).id)) continue;
          anchored = true;
        }
        const last = matchFrom(p, tokens, sets, start, to);
        if (last >= 0) out.push({ pattern: p, first: start, last });
      }
    }
    if (anchored) out.sort((a, b) => a.first - b.first);
    return out;
  }

  /** Patterns whose indexed word matches this word (remembered per word). */
  private candidates(t: Token, steps: Set<number>): Pattern[] | null {
    const e = wordEntry(t);
    let r = e.cands[this.serial];
    if (r === undefined) {
      r = null;
      if (steps.size) {
        const out: Pattern[] = [];
        // keep the set's order of patterns (as the old index did: stem, exact, prefix, number lists)
        for (const id of steps) {
          const l = this.byStep.get(id);
          if (l) for (const p of l) out.push(p);
        }
        if (out.length) r = out;
      }
      e.cands[this.serial] = r;
    }
    return r;
  }
}

/** Frequent function words: a pattern opening with one of them is indexed by its next word. */
const COMMON = new Set(
  'в во на не ни у с со к ко по за и а я мы вы ты он она они до от из о об для как что если это уже the a an to i my our your in on of is it we you by for at as be was are this that if not no'
    .split(' ')
    .flatMap((w) => [w, stem(w)]),
);

/** Index of the last token of the match starting at i, or -1. */
function matchFrom(p: Pattern, tokens: Token[], sets: Set<number>[], i: number, to: number): number {
  const steps = p.steps;
  const sent = tokens[i]!.sent;
  if (!p.gapless) return go(steps, tokens, sets, sent, to, 0, i);
  // no gaps: one word per step, checked in a loop
  const n = steps.length;
  if (i + n > to) return -1;
  for (let k = 0; k < n; k++) {
    if (tokens[i + k]!.sent !== sent || !sets[i + k]!.has((steps[k] as WordStep).id)) return -1;
  }
  return i + n - 1;
}

function go(steps: Step[], tokens: Token[], sets: Set<number>[], sent: number, to: number, step: number, at: number): number {
  for (;;) {
    if (step === steps.length) return at - 1;
    const s = steps[step]!;
    if ('gap' in s) {
      const nx = steps[step + 1]!;
      if ('gap' in nx) {
        // two gaps in a row: try each length
        for (let k = 0; k <= s.gap; k++) {
          const r = go(steps, tokens, sets, sent, to, step + 1, at + k);
          if (r >= 0) return r;
        }
        return -1;
      }
      // the shortest gap after which the next word fits and the rest matches
      for (let k = 0; k <= s.gap; k++) {
        const j = at + k;
        if (j >= to) return -1;
        if (tokens[j]!.sent !== sent) return -1;
        if (!sets[j]!.has(nx.id)) continue;
        const r = go(steps, tokens, sets, sent, to, step + 2, j + 1);
        if (r >= 0) return r;
      }
      return -1;
    }
    if (at >= to) return -1;
    if (tokens[at]!.sent !== sent || !sets[at]!.has(s.id)) return -1;
    step++;
    at++;
  }
}

/** Lexicon file helper: a map of code → pattern list compiled into one set, tag = index of the code. */
export function compileCodes<C extends string>(codes: readonly C[], lists: Partial<Record<C, PatternSpec[]>>, conf?: number): PatternSet {
  const set = new PatternSet();
  codes.forEach((code, tag) => {
    for (const sp of lists[code] ?? []) set.add(compile(sp, tag, conf));
  });
  return set;
}
