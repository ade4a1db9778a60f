// Features of a customer message for the learned signal model: stems of the live tokens (a stem in a
// negation scope gets "NOT_"), stem bigrams of one sentence, and what the rules found ("@g:" a pattern
// group matched, "@r:" a signal fired). Training and inference share this one function.
import lex from '../lexicons/negation.json' with { type: 'json' };
import { norm, type Token } from '../text.ts';

const NEGATORS = new Set(lex.negators.map(norm));
const BREAKERS = new Set(lex.scope_breakers.map(norm));
const WINDOW = lex.window;
export const NEG_WINDOW = WINDOW;
export const isNegator = (w: string) => NEGATORS.has(w);
export const isBreaker = (w: string) => BREAKERS.has(w);

/** The stem a token stands for in features: numbers collapse to "#". */
const unit = (t: Token) => (t.num ? '#' : t.st);

/**
 * Calls `fn(key, tok)` for every feature of the message (repeats included); `tok` is the first token
 * of the feature (bigrams span tok and tok + 1), -1 for rule features. Negation scope as scope.ts:
 * a negator up to `window` words before, same clause, no scope breaker between.
 */
export function eachFeature(toks: Token[], rules: readonly string[], fn: (key: string, tok: number) => void): void {
  let lastNeg = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = toks[i - 1];
    if (!prev || prev.clause !== t.clause) lastNeg = -1;
    const u = unit(t);
    fn(lastNeg >= 0 && i - lastNeg <= WINDOW ? 'NOT_' + u : u, i);
    if (BREAKERS.has(t.w)) lastNeg = -1;
    else if (NEGATORS.has(t.w)) lastNeg = i;
    const next = toks[i + 1];
    if (next && next.sent === t.sent) fn(u + ' ' + unit(next), i);
  }
  for (const r of rules) fn(r, -1);
}

/** The distinct feature keys of a message (for training). */
export function featureSet(toks: Token[], rules: readonly string[]): Set<string> {
  const out = new Set<string>();
  eachFeature(toks, rules, (k) => out.add(k));
  return out;
}

/** Function words: never shown as the evidence of a model finding (they carry weight, not meaning). */
export const FUNCTION_WORDS = new Set(
  `и в во на с со к ко по за из у о об от до а но же ли бы не ни то это что как так я мы вы он она они мне нам вам вас нас меня у уже еще ещё и все всё там тут где когда если или да нет для при про через
the a an and or of to in on at for from with by is are was were be been it its i we you he she they me us my our your this that these those as so if not no do did does have has had will would can could just`.split(/\s+/),
);
