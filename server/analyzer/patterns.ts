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
type Step = { atoms: Atom[]; test?: (t: Token) => boolean } | { gap: number };

/** One test for a step's alternatives: stems and exact words by set, prefixes by their first 3 letters. */
function stepTest(atoms: Atom[]): (t: Token) => boolean {
  if (atoms.length === 1) {
    const a = atoms[0]!;
    return (t) => hit(a, t);
  }
  const stems = new Set<string>();
  const exact = new Set<string>();
  const prefixes = new Map<string, string[]>();
  let num = false;
  for (const a of atoms) {
    if (a.kind === 'num') num = true;
    else if (a.kind === 'stem') stems.add(a.v);
    else if (a.kind === 'exact') exact.add(a.v);
    else {
      const k = a.v.slice(0, 3);
      const l = prefixes.get(k);
      if (l) l.push(a.v);
      else prefixes.set(k, [a.v]);
    }
  }
  const test = (t: Token) => {
    if (num && t.num) return true;
    if (stems.has(t.st) || exact.has(t.w)) return true;
    if (!prefixes.size || t.w.length < 3) return false;
    const l = prefixes.get(t.w.slice(0, 3));
    if (l) for (const v of l) if (t.w.startsWith(v)) return true;
    return false;
  };
  // the answer depends on the word only (stem, number flag follow from it): remember it per word
  const memo = new Map<string, boolean>();
  return (t) => {
    let r = memo.get(t.w);
    if (r === undefined) {
      r = test(t);
      if (memo.size >= 4096) memo.clear();
      memo.set(t.w, r);
    }
    return r;
  };
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
      steps.push({ atoms, test: stepTest(atoms) });
    }
  }
  if (!steps.length || 'gap' in steps[0]! || 'gap' in steps[steps.length - 1]!) throw new Error(`bad pattern "${source}"`);
  const o: { conf?: number; negatable?: boolean } = typeof spec === 'string' ? {} : spec;
  return { source, steps, conf: o.conf ?? defConf, negatable: o.negatable ?? true, tag };
}

function hit(a: Atom, t: Token): boolean {
  switch (a.kind) {
    case 'stem':
      return t.st === a.v;
    case 'exact':
      return t.w === a.v;
    case 'prefix':
      return t.w.startsWith(a.v);
    case 'num':
      return t.num;
  }
}

/** A set of patterns indexed by their first word, so a text is scanned once. */
export class PatternSet {
  private byStem = new Map<string, Pattern[]>();
  private byExact = new Map<string, Pattern[]>();
  private byPrefix = new Map<string, Pattern[]>(); // key: first 3 letters of the prefix
  private byNum: Pattern[] = [];
  readonly patterns: Pattern[] = [];

  add(p: Pattern): this {
    this.memo.clear();
    this.patterns.push(p);
    // a pattern opening with a function word («в», «не», "the") is indexed by its second word, which is rarer
    const s0 = p.steps[0] as { atoms: Atom[] };
    const s1 = p.steps[1];
    p.anchor = s1 && 'atoms' in s1 && s0.atoms.every((a) => (a.kind === 'exact' || a.kind === 'stem') && COMMON.has(a.v)) ? 1 : 0;
    const first = p.steps[p.anchor] as { atoms: Atom[] };
    for (const a of first.atoms) {
      if (a.kind === 'num') this.byNum.push(p);
      else {
        const map = a.kind === 'stem' ? this.byStem : a.kind === 'exact' ? this.byExact : this.byPrefix;
        const key = a.kind === 'prefix' ? a.v.slice(0, 3) : a.v;
        const list = map.get(key);
        if (list) {
          if (!list.includes(p)) list.push(p);
        } else map.set(key, [p]);
      }
    }
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
    let anchored = false;
    for (let i = from; i < to; i++) {
      const t = tokens[i]!;
      const cands = this.candidates(t);
      if (!cands) continue;
      for (const p of cands) {
        let start = i;
        if (p.anchor) {
          // the match starts one word earlier, with the function word
          start = i - 1;
          if (start < from || tokens[start]!.sent !== t.sent) continue;
          anchored = true;
        }
        const last = matchFrom(p, tokens, start, to);
        if (last >= 0) out.push({ pattern: p, first: start, last });
      }
    }
    if (anchored) out.sort((a, b) => a.first - b.first);
    return out;
  }

  // candidates depend on the word only; remembered per word (cleared when the set changes or grows big)
  private memo = new Map<string, Pattern[] | null>();

  private candidates(t: Token): Pattern[] | null {
    let r = this.memo.get(t.w);
    if (r === undefined) {
      r = this.lookup(t);
      if (this.memo.size >= 50_000) this.memo.clear();
      this.memo.set(t.w, r);
    }
    return r;
  }

  private lookup(t: Token): Pattern[] | null {
    const a = this.byStem.get(t.st);
    const b = this.byExact.get(t.w);
    const c = t.w.length >= 3 ? this.byPrefix.get(t.w.slice(0, 3)) : undefined;
    const d = t.num && this.byNum.length ? this.byNum : undefined;
    if (!a && !b && !c && !d) return null;
    // union without a Set (mark each pattern with this call's stamp), keeping only patterns whose
    // indexed word really matches this word (a shared 3-letter prefix is not enough)
    const stamp = ++STAMP;
    const out: Pattern[] = [];
    for (const l of [a, b, c, d]) {
      if (!l) continue;
      for (const p of l) {
        if (p.mark === stamp) continue;
        p.mark = stamp;
        const st = p.steps[p.anchor ?? 0] as { atoms: Atom[]; test?: (t: Token) => boolean };
        if (st.test ? st.test(t) : st.atoms.some((x) => hit(x, t))) out.push(p);
      }
    }
    return out.length ? out : null;
  }
}

let STAMP = 0;

/** Frequent function words: a pattern opening with one of them is indexed by its next word. */
const COMMON = new Set(
  'в во на не ни у с со к ко по за и а я мы вы ты он она они до от из о об для как что если это уже the a an to i my our your in on of is it we you by for at as be was are this that if not no'
    .split(' ')
    .flatMap((w) => [w, stem(w)]),
);

/** Index of the last token of the match starting at i, or -1. */
function matchFrom(p: Pattern, tokens: Token[], i: number, to: number): number {
  const steps = p.steps;
  const sent = tokens[i]!.sent;
  if (p.gapless === undefined) p.gapless = steps.every((s) => !('gap' in s));
  if (!p.gapless) return go(steps, tokens, sent, to, 0, i);
  // no gaps: one word per step, checked in a loop
  if (i + steps.length > to) return -1;
  for (let k = 0; k < steps.length; k++) {
    const t = tokens[i + k]!;
    if (t.sent !== sent) return -1;
    const s = steps[k] as { atoms: Atom[]; test?: (t: Token) => boolean };
    if (s.test ? !s.test(t) : !s.atoms.some((a) => hit(a, t))) return -1;
  }
  return i + steps.length - 1;
}

function stepHit(s: { atoms: Atom[]; test?: (t: Token) => boolean }, t: Token): boolean {
  if (s.test) return s.test(t);
  for (const a of s.atoms) if (hit(a, t)) return true;
  return false;
}

function go(steps: Step[], tokens: Token[], sent: number, to: number, step: number, at: number): number {
  for (;;) {
    if (step === steps.length) return at - 1;
    const s = steps[step]!;
    if ('gap' in s) {
      const nx = steps[step + 1]!;
      if ('gap' in nx) {
        // two gaps in a row: try each length
        for (let k = 0; k <= s.gap; k++) {
          const r = go(steps, tokens, sent, to, step + 1, at + k);
          if (r >= 0) return r;
        }
        return -1;
      }
      // the shortest gap after which the next word fits and the rest matches
      for (let k = 0; k <= s.gap; k++) {
        const j = at + k;
        if (j >= to) return -1;
        const t = tokens[j]!;
        if (t.sent !== sent) return -1;
        if (!stepHit(nx, t)) continue;
        const r = go(steps, tokens, sent, to, step + 2, j + 1);
        if (r >= 0) return r;
      }
      return -1;
    }
    if (at >= to) return -1;
    const t = tokens[at]!;
    if (t.sent !== sent || !stepHit(s, t)) return -1;
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
