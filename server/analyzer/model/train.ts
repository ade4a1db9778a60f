// `npm run train:analyzer [-- --files messages.dev.jsonl,messages.dev3.jsonl] [-- --out file.json] [-- --no-cv]`
//
// Trains the learned signal model (model.ts) on labelled customer messages and writes weights.json:
// 1. every message goes through the rules alone; features = live stems, NOT_ stems, bigrams, rule results;
// 2. per signal a logistic regression (SGD, L2, fixed seed: the same data gives the same file);
// 3. per signal the combination with the rules (off, rules OR p ≥ t, rules AND p ≥ t) is chosen on
//    5-fold out-of-fold probabilities: kept only if it raises F1 clearly; for threats only if precision
//    stays ≥ 0.95;
// 4. unless --no-cv, a nested 5-fold cross-validation prints rules-only vs rules+model per signal.
// Default files: every messages.dev*.jsonl in server/analyzer/eval.
import fs from 'node:fs';
import path from 'node:path';
import { rulePass, ruleFeatures } from '../message.ts';
import { SIGNALS, type Signal } from '../types.ts';
import { scoreLabels } from '../eval/score.ts';
import { featureSet } from './features.ts';
import { DEFAULT_WEIGHTS, vetoes, type Combine, type Weights } from './model.ts';
import { prng as rng } from '../../prng.ts';

/** `vetoed`: signals whose words the rules saw and deliberately dropped (negated, suppressed, …): the model may not add them. */
export type Example = { id: string; feats: string[]; rules: Set<Signal>; vetoed: Set<Signal>; gold: Set<Signal> };
export type Options = { epochs: number; rate: number; l2: number; minDf: number; seed: number; folds: number };
export const DEFAULTS: Options = { epochs: 60, rate: 0.5, l2: 0.001, minDf: 3, seed: 7, folds: 5 };
/** A combination must win this much F1 (out of fold) over the rules alone. */
const MIN_GAIN = 0.01;
const THREATS = new Set<Signal>(['threat_regulator', 'threat_public']);
const OR_T = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7];
/** Out-of-fold precision the model alone must keep at an "or" threshold (threats: THREAT_PRECISION), on at least OR_MIN messages. */
const OR_PRECISION = 0.95;
const THREAT_PRECISION = 0.97;
const OR_MIN = 8;
/** Weights smaller than this are not written (size; their sum rarely moves a probability). */
const PRUNE = 0.05;
const AND_T = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4];

const EVAL_DIR = path.join(import.meta.dirname, '../eval');

/** Which rule results become features: none, the pattern groups that matched, or groups and fired signals. */
export type RuleUse = 'none' | 'groups' | 'all';

export function loadExamples(files: string[], noRules: RuleUse = 'none'): Example[] {
  const out: Example[] = [];
  for (const f of files) {
    const file = path.isAbsolute(f) || f.includes('/') ? f : path.join(EVAL_DIR, f);
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      const it = JSON.parse(line) as { id: string; text: string; gold?: { signals?: Signal[] } };
      out.push(example(it.id, it.text, it.gold?.signals ?? [], noRules));
    }
  }
  return out;
}

export function example(id: string, text: string, gold: Signal[], use: RuleUse = 'none'): Example {
  const r = rulePass(text);
  const rf = use === 'none' ? [] : ruleFeatures(r).filter((f) => use === 'all' || f.startsWith('@g:'));
  const all = ruleFeatures(r);
  const vetoed = new Set(SIGNALS.filter((c) => vetoes(all, c) && !r.result.signals.includes(c)));
  return { id, feats: [...featureSet(r.toks, rf)].sort(), rules: new Set(r.result.signals), vetoed, gold: new Set(gold) };
}


function shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export type Trained = { labels: readonly Signal[]; vocab: string[]; w: Float64Array[]; b: number[] };

/** One logistic regression per signal, on features seen in ≥ minDf training messages. */
export function train(ex: Example[], labels: readonly Signal[], o: Options = DEFAULTS): Trained {
  const df = new Map<string, number>();
  for (const e of ex) for (const f of e.feats) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = [...df].filter(([, n]) => n >= o.minDf).map(([f]) => f).sort();
  const index = new Map(vocab.map((f, i) => [f, i]));
  const X = ex.map((e) => e.feats.map((f) => index.get(f)).filter((i): i is number => i !== undefined));
  const w: Float64Array[] = [];
  const b: number[] = [];
  for (const code of labels) {
    const rand = rng(o.seed);
    const wl = new Float64Array(vocab.length);
    let bl = 0;
    const y = ex.map((e) => (e.gold.has(code) ? 1 : 0));
    let order = ex.map((_, i) => i);
    for (let ep = 0; ep < o.epochs; ep++) {
      order = shuffle(order, rand);
      const lr = o.rate / (1 + ep * 0.2);
      for (const i of order) {
        const xi = X[i]!;
        let z = bl;
        for (const f of xi) z += wl[f]!;
        const g = 1 / (1 + Math.exp(-z)) - y[i]!;
        bl -= lr * g;
        for (const f of xi) wl[f]! -= lr * (g + o.l2 * wl[f]!);
      }
    }
    w.push(wl);
    b.push(bl);
  }
  return { labels, vocab, w, b };
}

/** Probabilities per example (rows) and signal (columns). */
export function probabilities(t: Trained, ex: Example[]): number[][] {
  const index = new Map(t.vocab.map((f, i) => [f, i]));
  return ex.map((e) => {
    const ids = e.feats.map((f) => index.get(f)).filter((i): i is number => i !== undefined);
    return t.labels.map((_, j) => {
      let z = t.b[j]!;
      for (const f of ids) z += t.w[j]![f]!;
      return 1 / (1 + Math.exp(-z));
    });
  });
}

function folds(n: number, k: number, seed: number): number[] {
  const order = shuffle([...Array(n).keys()], rng(seed * 31 + n));
  const f = new Array<number>(n);
  order.forEach((i, pos) => (f[i] = pos % k));
  return f;
}

/** Out-of-fold probabilities over `ex` (k-fold). */
export function outOfFold(ex: Example[], labels: readonly Signal[], o: Options = DEFAULTS): number[][] {
  const fold = folds(ex.length, o.folds, o.seed);
  const out: number[][] = new Array(ex.length);
  for (let k = 0; k < o.folds; k++) {
    const tr = ex.filter((_, i) => fold[i] !== k);
    const teIdx = ex.map((_, i) => i).filter((i) => fold[i] === k);
    const p = probabilities(train(tr, labels, o), teIdx.map((i) => ex[i]!));
    teIdx.forEach((i, r) => (out[i] = p[r]!));
  }
  return out;
}

type Count = { tp: number; fp: number; fn: number };
const f1 = (c: Count) => (c.tp + c.fp + c.fn ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 1);
const prec = (c: Count) => (c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1);

export function decide(c: Combine | undefined, rule: boolean, p: number, vetoed = false): boolean {
  if (!c) return rule;
  return c.mode === 'or' ? rule || (p >= c.t && !vetoed) : rule && p >= c.t;
}

function count(ex: Example[], code: Signal, pred: (e: Example, i: number) => boolean): Count {
  const c = { tp: 0, fp: 0, fn: 0 };
  ex.forEach((e, i) => {
    const g = e.gold.has(code);
    const p = pred(e, i);
    if (g && p) c.tp++;
    else if (p) c.fp++;
    else if (g) c.fn++;
  });
  return c;
}

/**
 * Per signal, from out-of-fold probabilities on the training data:
 * - "or": the lowest threshold (0.95 down to 0.7) at which the model alone stays precise (≥ 0.95,
 *   threats ≥ 0.97, at least 8 messages predicted), judged on the model alone because the rules are tuned on
 *   the training data and leave it no misses to catch; for threats the rules OR model must also keep
 *   precision ≥ 0.95;
 * - else "and": a rule finding needs p ≥ t, if that raises F1 by MIN_GAIN (two more right than wrong).
 */
export function chooseCombine(ex: Example[], labels: readonly Signal[], oof: number[][]): Partial<Record<Signal, Combine>> {
  const out: Partial<Record<Signal, Combine>> = {};
  labels.forEach((code, j) => {
    const threat = THREATS.has(code);
    let orT = 0;
    for (const t of OR_T) {
      const alone = count(ex, code, (e, i) => oof[i]![j]! >= t && !e.vetoed.has(code));
      const both = count(ex, code, (e, i) => e.rules.has(code) || (oof[i]![j]! >= t && !e.vetoed.has(code)));
      if (alone.tp + alone.fp < OR_MIN) continue;
      if (prec(alone) < (threat ? THREAT_PRECISION : OR_PRECISION) || (threat && prec(both) < 0.95)) break;
      orT = t;
    }
    if (orT) {
      out[code] = { mode: 'or', t: orT };
      return;
    }
    const base = count(ex, code, (e) => e.rules.has(code));
    let best: { c: Combine; f: number } | null = null;
    for (const t of AND_T) {
      const c = { mode: 'and' as const, t };
      const n = count(ex, code, (e, i) => decide(c, e.rules.has(code), oof[i]![j]!));
      if (n.tp - base.tp - (n.fp - base.fp) < 2) continue;
      const f = f1(n);
      if (f >= f1(base) + MIN_GAIN && (!best || f > best.f)) best = { c, f };
    }
    if (best) out[code] = best.c;
  });
  return out;
}

/** Nested k-fold CV: rules-only vs rules+model (combination chosen inside each training part). */
export function nestedCv(ex: Example[], labels: readonly Signal[], o: Options = DEFAULTS) {
  const fold = folds(ex.length, o.folds, o.seed + 1);
  const rulesPairs: { gold: string[]; pred: string[] }[] = [];
  const modelPairs: { gold: string[]; pred: string[] }[] = [];
  const chosen: Partial<Record<Signal, Combine>>[] = [];
  for (let k = 0; k < o.folds; k++) {
    const tr = ex.filter((_, i) => fold[i] !== k);
    const te = ex.filter((_, i) => fold[i] === k);
    const comb = chooseCombine(tr, labels, outOfFold(tr, labels, o));
    chosen.push(comb);
    const p = probabilities(train(tr, labels, o), te);
    te.forEach((e, i) => {
      const gold = [...e.gold];
      rulesPairs.push({ gold, pred: [...e.rules] });
      modelPairs.push({ gold, pred: SIGNALS.filter((s) => decide(comb[s], e.rules.has(s), labels.includes(s) ? p[i]![labels.indexOf(s)]! : 0, e.vetoed.has(s))) });
    });
  }
  return { rules: scoreLabels(SIGNALS, rulesPairs), model: scoreLabels(SIGNALS, modelPairs), chosen };
}

/** The weights file for `ex`: combination from out-of-fold probabilities, weights trained on all of ex. */
export function fit(ex: Example[], o: Options = DEFAULTS, about: Record<string, unknown> = {}, forced?: Partial<Record<Signal, Combine>>): Weights {
  const labels = SIGNALS;
  const comb = forced ?? chooseCombine(ex, labels, outOfFold(ex, labels, o));
  const t = train(ex, labels, o);
  const weights: Weights['weights'] = {};
  const bias: Weights['bias'] = {};
  t.labels.forEach((code, j) => {
    if (!comb[code]) return;
    const wl: Record<string, number> = {};
    t.vocab.forEach((f, i) => {
      const v = Math.round(t.w[j]![i]! * 1e3) / 1e3;
      if (Math.abs(v) >= PRUNE) wl[f] = v;
    });
    weights[code] = wl;
    bias[code] = Math.round(t.b[j]! * 1e4) / 1e4;
  });
  return { version: 1, about: { ...about, options: o, messages: ex.length }, combine: comb, bias, weights };
}

function main() {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const files = opt('files')?.split(',') ?? fs.readdirSync(EVAL_DIR).filter((f) => /^messages\.dev\d*\.jsonl$/.test(f)).sort();
  const out = path.resolve(opt('out') ?? DEFAULT_WEIGHTS);
  const noRules = (opt('rules') ?? 'none') as RuleUse;
  const o: Options = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof Options)[]) if (opt(k)) o[k] = Number(opt(k));
  const ex = loadExamples(files, noRules);
  console.log(`training on ${ex.length} messages from ${files.join(', ')}`);
  if (!argv.includes('--no-cv')) {
    const cv = nestedCv(ex, SIGNALS, o);
    const fmt = (x: number | null) => (x === null ? '  n/a' : x.toFixed(3));
    console.log(`\nnested ${o.folds}-fold CV        rules P/R/F1          rules+model P/R/F1`);
    for (const s of SIGNALS) {
      const a = cv.rules.labels[s]!;
      const b = cv.model.labels[s]!;
      console.log(`${s.padEnd(20)} ${fmt(a.precision)} ${fmt(a.recall)} ${fmt(a.f1)}     ${fmt(b.precision)} ${fmt(b.recall)} ${fmt(b.f1)}`);
    }
    console.log(`macro-F1: rules ${fmt(cv.rules.macroF1)}, rules+model ${fmt(cv.model.macroF1)}`);
    console.log('combinations chosen per fold:', cv.chosen.map((c) => Object.entries(c).map(([k, v]) => `${k}:${v!.mode}${v!.t}`).join(' ') || '—').join(' | '));
  }
  if (argv.includes('--diag')) {
    const oof = outOfFold(ex, SIGNALS, o);
    for (const [j, s] of SIGNALS.entries()) {
      const m = count(ex, s, (_, i) => oof[i]![j]! >= 0.5);
      const add = [0.9, 0.8, 0.7, 0.6, 0.5].map((t) => { const n = count(ex, s, (e, i) => e.rules.has(s) || oof[i]![j]! >= t); return `${t}:+${n.tp}/${n.fp}`; });
      console.log(`${s.padEnd(20)} model alone P ${prec(m).toFixed(2)} F1 ${f1(m).toFixed(2)}   rules OR p≥t tp/fp ${add.join(' ')}`);
    }
  }
  const test = opt('test');
  if (test) {
    // diagnostics on a file the model is not trained on: what rules OR / AND model would change
    const te = loadExamples(test.split(','), noRules);
    const p = probabilities(train(ex, SIGNALS, o), te);
    for (const [j, s] of SIGNALS.entries()) {
      const base = count(te, s, (e) => e.rules.has(s));
      const or = [0.9, 0.7, 0.5, 0.3, 0.2].map((t) => { const n = count(te, s, (e, i) => e.rules.has(s) || p[i]![j]! >= t); return `${t}:+${n.tp - base.tp}/+${n.fp - base.fp}`; });
      const and = [0.05, 0.1, 0.2].map((t) => { const n = count(te, s, (e, i) => e.rules.has(s) && p[i]![j]! >= t); return `${t}:-${base.tp - n.tp}/-${base.fp - n.fp}`; });
      console.log(`${s.padEnd(20)} rules tp ${base.tp} fp ${base.fp} fn ${base.fn}  OR tp/fp ${or.join(' ')}  AND lost tp/fp ${and.join(' ')}`);
    }
  }
  const forced = opt('combine');
  const w = fit(ex, o, { files, ruleFeatures: noRules }, forced ? Object.fromEntries(forced.split(',').map((x) => { const [k, m, t] = x.split(':'); return [k, { mode: m as 'or' | 'and', t: Number(t) }]; })) : undefined);
  fs.writeFileSync(out, JSON.stringify(w) + '\n');
  const n = Object.values(w.weights).reduce((a, x) => a + Object.keys(x!).length, 0);
  console.log(`\ncombination: ${Object.entries(w.combine).map(([k, v]) => `${k} ${v!.mode} ${v!.t}`).join(', ') || 'none (model off)'}`);
  console.log(`written: ${path.relative(process.cwd(), out)} (${n} weights, ${(fs.statSync(out).size / 1024).toFixed(0)} KB)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
