// From what a person typed to a tsquery string that is safe to hand to to_tsquery().
// Only runs of Unicode letters and digits survive, so no tsquery operator (& | ! ( ) : * ' <->)
// can come from the user; the string is still passed as a bind parameter, never interpolated.

export const MAX_WORDS = 10;

export type ParsedQuery = {
  /** every word must match; the last one is a prefix ("перезагру" finds "перезагрузил") */
  all: string;
  /** any word; used to pick and highlight a snippet when no single text holds every word */
  any: string;
};

export function parseSearchQuery(input: string): ParsedQuery | null {
  const words = (input.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
  if (!words.length) return null;
  const terms = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w));
  return { all: terms.join(' & '), any: terms.join(' | ') };
}

/** "SL-10427" typed as the whole query also finds that ticket by its number. */
export function ticketNumberIn(input: string, prefix: string): string | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9]{0,7})-([1-9][0-9]{0,17})\s*$/.exec(input);
  return m && m[1].toUpperCase() === prefix ? m[2] : null;
}

/** ts_headline already works on escaped text; this keeps any stray angle bracket out too. */
export function safeSnippet(s: string): string {
  return s
    .split(/(<\/?mark>)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}
