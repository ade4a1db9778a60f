// Negation scope: a negator shortly before a match, in the same clause, cancels it
// («не собираюсь жаловаться», "not going to sue"). The word lists are in lexicons/negation.json.
import lex from './lexicons/negation.json' with { type: 'json' };
import { norm, type Token } from './text.ts';

const NEGATORS = new Set(lex.negators.map(norm));
const BREAKERS = new Set(lex.scope_breakers.map(norm));

/** Is the match starting at token `first` negated? Looks back `window` tokens within the clause. */
export function negated(tokens: Token[], first: number, window = lex.window): boolean {
  const clause = tokens[first]!.clause;
  for (let k = first - 1; k >= 0 && k >= first - window; k--) {
    const t = tokens[k]!;
    if (t.clause !== clause || BREAKERS.has(t.w)) return false;
    if (NEGATORS.has(t.w)) return true;
  }
  return false;
}
