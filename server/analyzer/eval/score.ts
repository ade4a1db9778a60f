// Scoring for the analyzer evaluation (used by run.ts): per-label counts, tried-step matching,
// promise span matching. Pure functions.

export type GoldPromise = { text: string; due: string | null };

// ---- per-label counts ----

export type Counts = { tp: number; fp: number; fn: number };
export type LabelScore = { support: number; predicted: number; precision: number | null; recall: number | null; f1: number | null };

export const r3 = (x: number) => Math.round(x * 1000) / 1000;
export const ratio = (a: number, b: number) => (b ? r3(a / b) : null);

function score(c: Counts): LabelScore {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = c.tp + c.fp + c.fn === 0 ? null : r3((2 * c.tp) / (2 * c.tp + c.fp + c.fn));
  return { support: c.tp + c.fn, predicted: c.tp + c.fp, precision, recall, f1 };
}

export function scoreLabels(codes: readonly string[], pairs: { gold: string[]; pred: string[] }[]) {
  const counts = Object.fromEntries(codes.map((c) => [c, { tp: 0, fp: 0, fn: 0 }])) as Record<string, Counts>;
  let exact = 0;
  for (const { gold, pred } of pairs) {
    const g = new Set(gold);
    const p = new Set(pred);
    for (const c of codes) {
      if (g.has(c) && p.has(c)) counts[c].tp++;
      else if (p.has(c)) counts[c].fp++;
      else if (g.has(c)) counts[c].fn++;
    }
    if (g.size === p.size && [...g].every((c) => p.has(c))) exact++;
  }
  const labels = Object.fromEntries(codes.map((c) => [c, score(counts[c])])) as Record<string, LabelScore>;
  const f1s = Object.values(labels).map((l) => l.f1).filter((f): f is number => f !== null);
  return { labels, macroF1: f1s.length ? r3(f1s.reduce((a, b) => a + b, 0) / f1s.length) : null, exactMatch: ratio(exact, pairs.length) };
}

// ---- tried steps ----

const STOP = new Set(`the a an my our your his her it its all and or to of on in at for with from again also then just
и в во на с со к ко по за из у о об от до все всё его ее её их мой моя мое моё мои свой свою свои ещё еще уже снова опять раз тоже потом даже
tried try trying checked check did done made проверил проверила проверили проверял проверяла пробовал пробовала пробовали попробовал попробовала попробовали сделал сделала сделали делал делала`.split(/\s+/));

export function stems(step: string): Set<string> {
  const words = step.toLowerCase().replace(/ё/g, 'е').match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w) => w.length >= 3 && !STOP.has(w)).map((w) => w.slice(0, 5)));
}

/** How many gold steps a predicted step matches (one-to-one, greedy in gold order). */
export function matchSteps(gold: string[], pred: string[]): number {
  const used = new Set<number>();
  let matched = 0;
  for (const g of gold) {
    const gs = stems(g);
    const j = pred.findIndex((p, k) => !used.has(k) && [...stems(p)].some((s) => gs.has(s)));
    if (j >= 0) {
      used.add(j);
      matched++;
    }
  }
  return matched;
}

// ---- promises ----

export type Span = { start: number; end: number; due: string | null; text: string };

export function goldSpans(text: string, promises: GoldPromise[]): Span[] {
  const from = new Map<string, number>();
  const out: Span[] = [];
  for (const p of promises) {
    let at = text.indexOf(p.text, from.get(p.text) ?? 0);
    if (at < 0) at = text.indexOf(p.text);
    if (at < 0) {
      console.error(`eval: promise text not in reply: ${p.text.slice(0, 60)}`);
      continue;
    }
    from.set(p.text, at + 1);
    out.push({ start: at, end: at + p.text.length, due: p.due, text: p.text });
  }
  return out;
}

export const overlap = (a: Span, b: Span) => Math.min(a.end, b.end) - Math.max(a.start, b.start);
export const sameDue = (a: string | null, b: string | null) => (a === null || b === null ? a === b : Date.parse(a) === Date.parse(b));

/** One-to-one matching by largest overlap. */
export function matchPromises(gold: Span[], pred: Span[]): [Span, Span][] {
  const cands: [number, number, number][] = [];
  gold.forEach((g, i) => pred.forEach((p, j) => {
    const o = overlap(g, p);
    if (o > 0) cands.push([o, i, j]);
  }));
  cands.sort((a, b) => b[0] - a[0]);
  const gi = new Set<number>();
  const pj = new Set<number>();
  const out: [Span, Span][] = [];
  for (const [, i, j] of cands) {
    if (gi.has(i) || pj.has(j)) continue;
    gi.add(i);
    pj.add(j);
    out.push([gold[i], pred[j]]);
  }
  return out;
}
