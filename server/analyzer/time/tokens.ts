// Tokenizer for time expressions: words (lowercased, ё→е), digit runs and single punctuation marks,
// with UTF-16 offsets. One pass, no regular expressions.

export const W = 0; // word
export const N = 1; // number (digit run)
export const P = 2; // punctuation mark

export type Tok = {
  k: 0 | 1 | 2;
  /** normalized text: lowercase, ё→е */
  s: string;
  /** digit value for numbers (NaN when longer than 6 digits) */
  v: number;
  start: number;
  end: number;
  /** whitespace before the token */
  sp: boolean;
  /** a line break before the token */
  nl: boolean;
  /** first letter is uppercase in the original */
  cap: boolean;
};

function isLetter(c: number): boolean {
  if (c < 65) return false;
  if (c <= 90) return true;
  if (c >= 97 && c <= 122) return true;
  if (c >= 0x400 && c <= 0x4ff) return true;
  if (c >= 0xc0 && c <= 0x24f) return c !== 0xd7 && c !== 0xf7;
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 12 || c === 11;
}

/** normalized forms of words seen before: repeated words share one string and skip lowercasing */
const NORM = new Map<string, string>();

function norm(raw: string): string {
  let s = NORM.get(raw);
  if (s !== undefined) return s;
  s = raw.toLowerCase();
  if (s.indexOf('ё') >= 0) s = s.replace(/ё/g, 'е');
  if (s.indexOf('’') >= 0) s = s.replace(/’/g, "'");
  if (NORM.size > 20000) NORM.clear();
  NORM.set(raw, s);
  return s;
}

const PUNCT: string[] = [];

export function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let sp = true;
  let nl = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      sp = true;
      if (c === 10 || c === 13) nl = true;
      i++;
      continue;
    }
    let j = i + 1;
    if (c >= 48 && c <= 57) {
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < 48 || d > 57) break;
        j++;
      }
      const s = text.slice(i, j);
      out.push({ k: N, s, v: j - i > 6 ? NaN : +s, start: i, end: j, sp, nl, cap: false });
    } else if (isLetter(c)) {
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isLetter(d)) j++;
        else if ((d === 39 || d === 0x2019) && j + 1 < n && isLetter(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
      const raw = text.slice(i, j);
      const s = norm(raw);
      out.push({ k: W, s, v: NaN, start: i, end: j, sp, nl, cap: raw.charCodeAt(0) !== s.charCodeAt(0) });
    } else {
      out.push({ k: P, s: c < 0x3000 ? (PUNCT[c] ??= text[i]) : text[i], v: NaN, start: i, end: j, sp, nl, cap: false });
    }
    sp = false;
    nl = false;
    i = j;
  }
  return out;
}
