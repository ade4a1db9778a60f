// The learned signal model: one logistic regression per signal over features.ts, trained by train.ts
// on the labelled development messages, combined with the rules:
//   mode "or":  the signal fires when the rules found it or the model's probability ≥ t
//   mode "and": a rule finding is kept only when the model's probability ≥ t
// Weights: weights.json next to this file, loaded once at module load. The model is ON by default: on
// three sets the rules were not tuned on it raised macro-F1 (dev4 0.893→0.909, dev3 against the rules
// of before 0.788→0.801, held-out 0.888→0.911), see README.md. SLOVO_ANALYZER_MODEL=off: rules only;
// =<file.json>: other weights. It adds a signal only to messages of ≥ MIN_TOKENS_TO_ADD words.
import fs from 'node:fs';
import path from 'node:path';
import type { Token } from '../text.ts';
import type { Evidence, Finding, MessageAnalysis, Signal } from '../types.ts';
import { FUNCTION_WORDS, isBreaker, isNegator, NEG_WINDOW } from './features.ts';

export type Combine = { mode: 'or' | 'and'; t: number };
export type Weights = {
  version: 1;
  about?: unknown;
  combine: Partial<Record<Signal, Combine>>;
  bias: Partial<Record<Signal, number>>;
  weights: Partial<Record<Signal, Record<string, number>>>;
};

type Entry = { w: Float64Array; stamp: number; tok: number; span: number };
export type Model = {
  labels: Signal[]; combine: Combine[]; bias: Float64Array; map: Map<string, Entry>;
  /** the same entries split for lookups without building key strings: stem, NOT_stem, bigram first → second, rule keys */
  uni: Map<string, Entry>; neg: Map<string, Entry>; bi: Map<string, Map<string, Entry>>; rule: Map<string, Entry>;
};

export const DEFAULT_WEIGHTS = path.join(import.meta.dirname, 'weights.json');

/** Builds the lookup form of trained weights: one Map entry per feature holds its weight for every combined signal. */
export function buildModel(w: Weights): Model | null {
  const labels = (Object.keys(w.combine) as Signal[]).filter((l) => w.combine[l] && w.weights[l]);
  if (!labels.length) return null;
  const map = new Map<string, Entry>();
  labels.forEach((l, j) => {
    for (const [k, v] of Object.entries(w.weights[l]!)) {
      let e = map.get(k);
      if (!e) map.set(k, (e = { w: new Float64Array(labels.length), stamp: 0, tok: -1, span: k.includes(' ') ? 2 : 1 }));
      e.w[j] = v;
    }
  });
  const uni = new Map<string, Entry>();
  const neg = new Map<string, Entry>();
  const bi = new Map<string, Map<string, Entry>>();
  const rule = new Map<string, Entry>();
  for (const [k, e] of map) {
    const sp = k.indexOf(' ');
    if (k.startsWith('@')) rule.set(k, e);
    else if (sp > 0) {
      const a = k.slice(0, sp);
      let inner = bi.get(a);
      if (!inner) bi.set(a, (inner = new Map()));
      inner.set(k.slice(sp + 1), e);
    } else if (k.startsWith('NOT_')) neg.set(k.slice(4), e);
    else uni.set(k, e);
  }
  return { labels, combine: labels.map((l) => w.combine[l]!), bias: Float64Array.from(labels.map((l) => w.bias[l] ?? 0)), map, uni, neg, bi, rule };
}

/** Whether weights.json is used when SLOVO_ANALYZER_MODEL is not set. */
export const ON_BY_DEFAULT = true;

function loadDefault(): Model | null {
  const env = process.env.SLOVO_ANALYZER_MODEL ?? (ON_BY_DEFAULT ? 'on' : 'off');
  if (env === 'off' || env === '0' || env === '') return null;
  const file = env === 'on' || env === '1' ? DEFAULT_WEIGHTS : path.resolve(env);
  if (!fs.existsSync(file)) return null;
  return buildModel(JSON.parse(fs.readFileSync(file, 'utf8')) as Weights);
}

let current: Model | null = loadDefault();
/** The model analyzeMessage uses (null = rules only). */
export const activeModel = () => current;
/** Replaces the model (tests, experiments); returns the previous one. */
export function setModel(m: Model | null): Model | null {
  const old = current;
  current = m;
  return old;
}

let stamp = 0;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

type WordEntries = { m: Model; uni: Entry | undefined; neg: Entry | undefined; bi: Map<string, Entry> | undefined };

/** A word's entries, kept on its shared word record (tokens of the same word reuse them). */
function cached(m: Model, t: Token, u: string): WordEntries {
  const info = t.info;
  const old = info?.mdl as WordEntries | undefined;
  if (old && old.m === m) return old;
  const e: WordEntries = { m, uni: m.uni.get(u), neg: m.neg.get(u), bi: m.bi.get(u) };
  if (info) info.mdl = e;
  return e;
}

/** Probabilities of the model's signals, and the features found (each once, with its first token). */
export function predict(m: Model, toks: Token[], rules: readonly string[]): { p: Float64Array; hits: Entry[] } {
  const s = ++stamp;
  const z = Float64Array.from(m.bias);
  const hits: Entry[] = [];
  const add = (e: Entry | undefined, tok: number) => {
    if (e === undefined || e.stamp === s) return;
    e.stamp = s;
    e.tok = tok;
    hits.push(e);
    for (let j = 0; j < z.length; j++) z[j]! += e.w[j]!;
  };
  // the features of features.ts eachFeature, looked up without building key strings
  let lastNeg = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = toks[i - 1];
    if (!prev || prev.clause !== t.clause) lastNeg = -1;
    const u = t.num ? '#' : t.st;
    const c = cached(m, t, u);
    add(lastNeg >= 0 && i - lastNeg <= NEG_WINDOW ? c.neg : c.uni, i);
    if (isBreaker(t.w)) lastNeg = -1;
    else if (isNegator(t.w)) lastNeg = i;
    const next = toks[i + 1];
    if (next && next.sent === t.sent && c.bi) add(c.bi.get(next.num ? '#' : next.st), i);
  }
  for (const r of rules) add(m.rule.get(r), -1);
  for (let j = 0; j < z.length; j++) z[j] = sigmoid(z[j]!);
  return { p: z, hits };
}

/** Evidence of a model-only finding: the words with the largest positive contributions (up to 3). */
function evidence(text: string, toks: Token[], hits: Entry[], j: number): Evidence[] {
  const meaningful = (e: Entry) => {
    for (let k = e.tok; k < e.tok + e.span && k < toks.length; k++) if (!FUNCTION_WORDS.has(toks[k]!.w) && !toks[k]!.num) return true;
    return false;
  };
  const top = hits.filter((e) => e.tok >= 0 && e.w[j]! > 0 && meaningful(e)).sort((a, b) => b.w[j]! - a.w[j]! || a.tok - b.tok).slice(0, 3);
  const spans = top.map((e) => ({ start: toks[e.tok]!.start, end: toks[Math.min(e.tok + e.span - 1, toks.length - 1)]!.end })).sort((a, b) => a.start - b.start);
  const out: Evidence[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      if (s.end > last.end) last.end = s.end;
    } else out.push({ ...s, text: '' });
  }
  for (const e of out) e.text = text.slice(e.start, e.end);
  return out;
}

/**
 * The rules saw this signal's words and dropped them on purpose (negation, a suppressor, given-up
 * intent, a joke, a small count…): their "no" stands, the model may not add the signal.
 */
export function vetoes(rules: readonly string[], code: Signal): boolean {
  return rules.includes('@g:main:' + code) || rules.includes('@g:supp:' + code);
}

/** Fewer words than this give a bag of words too little to go on: the model adds nothing to them. */
export const MIN_TOKENS_TO_ADD = 15;

/** Rules result + model → the final result (a new object; the rules' one is not changed). */
export function combine(m: Model, text: string, toks: Token[], rules: readonly string[], res: MessageAnalysis): MessageAnalysis {
  if (!toks.length) return res;
  const mayAdd = toks.length >= MIN_TOKENS_TO_ADD;
  const { p, hits } = predict(m, toks, rules);
  let details = res.details;
  let steps = res.tried_steps;
  let changed = false;
  for (let j = 0; j < m.labels.length; j++) {
    const code = m.labels[j]!;
    const c = m.combine[j]!;
    const has = res.signals.includes(code);
    if (c.mode === 'and' && has && p[j]! < c.t) {
      details = details.filter((d) => d.code !== code);
      if (code === 'tried_steps') steps = [];
      changed = true;
    } else if (c.mode === 'or' && mayAdd && code !== 'tried_steps' && !has && p[j]! >= c.t && !vetoes(rules, code)) {
      // tried_steps is never added alone: the signal means the steps were found (the list is the rules' job)
      const ev = evidence(text, toks, hits, j);
      if (!ev.length) continue;
      const f: Finding<Signal> = { code, confidence: Math.round(Math.min(0.99, p[j]!) * 100) / 100, evidence: ev };
      details = [...details, f];
      changed = true;
    }
  }
  if (!changed) return res;
  details.sort((a, b) => (a.code < b.code ? -1 : 1));
  return { ...res, signals: details.map((d) => d.code), tried_steps: steps, details };
}
