// Tokenizer for time expressions: words (lowercased, ё→е), digit runs and single punctuation marks,
// with UTF-16 offsets. One pass, no regular expressions; tokens are kept in flat arrays (a 1 MB text
// has up to a million tokens, and objects for them cost more than the parsing).

export const W = 0; // word
export const N = 1; // number (digit run)
export const P = 2; // punctuation mark
export const NONE = 3; // out of range

const SP = 1; // whitespace before the token
const NL = 2; // a line break before the token
const CAP = 4; // first letter uppercase in the original

export class Toks {
  n = 0;
  /** W, N or P */
  k: Uint8Array;
  /** normalized text: lowercase, ё→е; digits as written */
  s: string[] = [];
  /** digit value for numbers (NaN when longer than 6 digits) */
  v: Float64Array;
  start: Int32Array;
  end: Int32Array;
  f: Uint8Array;
  constructor(cap: number) {
    this.k = new Uint8Array(cap);
    this.v = new Float64Array(cap);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.f = new Uint8Array(cap);
  }
  kind(i: number): number {
    return i >= 0 && i < this.n ? this.k[i] : NONE;
  }
  /** the normalized text of token i ('' out of range) */
  str(i: number): string {
    return i >= 0 && i < this.n ? this.s[i] : '';
  }
  /** whitespace before token i */
  sp(i: number): boolean {
    return i >= 0 && i < this.n && (this.f[i] & SP) !== 0;
  }
  /** a line break before token i */
  nl(i: number): boolean {
    return i >= 0 && i < this.n && (this.f[i] & NL) !== 0;
  }
  cap(i: number): boolean {
    return i >= 0 && i < this.n && (this.f[i] & CAP) !== 0;
  }
}

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

// lookup tables are filled up front: a sparse array written at high indices turns into a slow dictionary
const PUNCT: string[] = new Array<string>(0x3000).fill('');
/** marks the grammar reads: times, dates, ranges, lists, parentheses, units (1 = significant, by char code) */
const SIGNIFICANT = new Uint8Array(0x10000);
for (const ch of ":.-–—/,()%$₽€+'’") SIGNIFICANT[ch.charCodeAt(0)] = 1;
/** digit strings up to 4 digits, by length and value ("01" and "1" differ) */
const NUMS: string[] = new Array<string>(40000).fill('');

/** one buffer reused by every call (the analyzer is synchronous); grown as needed */
let shared = new Toks(1024);

/** the tokens of text; the result is valid until the next call */
export function tokenize(text: string): Toks {
  const n = text.length;
  const cap = shared.k.length;
  // grow as needed; give back the memory of a huge text once texts are small again
  if (cap < n) shared = new Toks(Math.max(n, cap * 2));
  else if (cap > 1 << 16 && n < cap >> 4) shared = new Toks(Math.max(1024, n * 2));
  const t = shared;
  // t.s keeps its old entries past t.n (overwritten as needed; shrinking and regrowing it costs more)
  let flags = SP | NL;
  let i = 0;
  let m = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      flags |= c === 10 || c === 13 ? SP | NL : SP;
      i++;
      continue;
    }
    let j = i + 1;
    if (c >= 48 && c <= 57) {
      let v = c - 48;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < 48 || d > 57) break;
        v = v * 10 + d - 48;
        j++;
      }
      t.k[m] = N;
      const len = j - i;
      t.s[m] = len <= 4 ? NUMS[(len - 1) * 10000 + v] || (NUMS[(len - 1) * 10000 + v] = text.slice(i, j)) : text.slice(i, j);
      t.v[m] = j - i > 6 ? NaN : v;
    } else if (isLetter(c)) {
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isLetter(d)) j++;
        else if ((d === 39 || d === 0x2019) && j + 1 < n && isLetter(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
      const raw = text.slice(i, j);
      const s = norm(raw);
      t.k[m] = W;
      t.s[m] = s;
      t.v[m] = NaN;
      if (raw.charCodeAt(0) !== s.charCodeAt(0)) flags |= CAP;
    } else {
      // marks the grammar never looks at («!», «?», quotes, emoji…) are one token per run
      if (!SIGNIFICANT[c]) {
        while (j < n) {
          const d = text.charCodeAt(j);
          if (SIGNIFICANT[d] || isSpace(d) || isLetter(d) || (d >= 48 && d <= 57)) break;
          j++;
        }
      }
      t.k[m] = P;
      t.s[m] = c < 0x3000 ? PUNCT[c] || (PUNCT[c] = text[i]!) : text[i]!;
      t.v[m] = NaN;
    }
    t.start[m] = i;
    t.end[m] = j;
    t.f[m] = flags;
    m++;
    flags = 0;
    i = j;
  }
  t.n = m;
  return t;
}
