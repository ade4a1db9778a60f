// The coach's word lists (lexicons/coach.json), compiled once into one pattern set.
// Matches come back per group; negated matches and matches inside a "<group>_not" match are dropped.
import lex from '../lexicons/coach.json' with { type: 'json' };
import { compileCodes, type Match, type PatternSpec } from '../patterns.ts';
import { negated } from '../scope.ts';
import type { Token } from '../text.ts';

const lists = Object.fromEntries(Object.entries(lex).filter(([k]) => !k.startsWith('_'))) as Record<string, PatternSpec[]>;
export const GROUPS = Object.keys(lists);
const SET = compileCodes(GROUPS, lists);

export type Hit = { first: number; last: number; conf: number; source: string };
export type Hits = Record<string, Hit[]>;

/** Every group's matches in the tokens. */
export function matchGroups(tokens: Token[]): Hits {
  const raw: Record<string, Match[]> = {};
  for (const m of SET.matchAll(tokens)) (raw[GROUPS[m.pattern.tag]!] ??= []).push(m);
  const out: Hits = {};
  for (const g of GROUPS) {
    if (g.endsWith('_not')) continue;
    const not = raw[`${g}_not`] ?? [];
    const hits: Hit[] = [];
    for (const m of raw[g] ?? []) {
      if (m.pattern.negatable && negated(tokens, m.first)) continue;
      if (not.some((n) => n.first <= m.first && n.last >= m.last)) continue;
      hits.push({ first: m.first, last: m.last, conf: m.pattern.conf, source: m.pattern.source });
    }
    out[g] = hits;
  }
  return out;
}
