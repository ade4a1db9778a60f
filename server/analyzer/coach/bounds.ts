// Index helpers so that every coach rule stays linear on long texts.
import type { Token } from '../text.ts';

/** First and last token index of each token's sentence and clause. */
export type Bounds = { sentFirst: Int32Array; sentLast: Int32Array; clauseFirst: Int32Array; clauseLast: Int32Array };

export function bounds(tokens: Token[]): Bounds {
  const n = tokens.length;
  const b: Bounds = { sentFirst: new Int32Array(n), sentLast: new Int32Array(n), clauseFirst: new Int32Array(n), clauseLast: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    const p = tokens[i - 1];
    b.sentFirst[i] = p && p.sent === t.sent ? b.sentFirst[i - 1]! : i;
    b.clauseFirst[i] = p && p.clause === t.clause ? b.clauseFirst[i - 1]! : i;
  }
  for (let i = n - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const x = tokens[i + 1];
    b.sentLast[i] = x && x.sent === t.sent ? b.sentLast[i + 1]! : i;
    b.clauseLast[i] = x && x.clause === t.clause ? b.clauseLast[i + 1]! : i;
  }
  return b;
}

/** Index of the first item whose `end` is after `offset` (items sorted, not overlapping), or items.length. */
export function firstEndingAfter(items: { end: number }[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.end > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Items (sorted by offsets, not overlapping) that overlap [start, end). */
export function within<T extends { start: number; end: number }>(items: T[], start: number, end: number): T[] {
  const out: T[] = [];
  for (let k = firstEndingAfter(items, start); k < items.length && items[k]!.start < end; k++) out.push(items[k]!);
  return out;
}
