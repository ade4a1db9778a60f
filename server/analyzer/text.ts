// Text → tokens for the analyzer: live (non-quoted) ranges, words with stems, sentence and clause
// numbers. Every token keeps its UTF-16 offsets into the original text so evidence can point at it.
import snowball from 'snowball-stemmers';

const ru = snowball.newStemmer('russian');
const en = snowball.newStemmer('english');
const cache = new Map<string, string>();
const CACHE_MAX = 200_000;

/** Lower-cased word with ё→е and ’→' (how words are compared everywhere in the analyzer). */
export function norm(word: string): string {
  let w = word.toLowerCase();
  if (w.includes('ё')) w = w.replace(/ё/g, 'е');
  if (w.includes('’') || w.includes('`')) w = w.replace(/[’`]/g, "'");
  return w;
}

export function isCyrillic(word: string): boolean {
  const c = word.charCodeAt(0);
  return c >= 0x400 && c <= 0x4ff;
}

/** Snowball stem of a normalized word (Russian or English by its first letter), cached. */
export function stem(w: string): string {
  let s = cache.get(w);
  if (s !== undefined) return s;
  const c = w.charCodeAt(0);
  if (c >= 48 && c <= 57) s = w;
  else if (w.length > 40) s = w; // not a word; stemming it would only cost time
  else s = isCyrillic(w) ? ru.stem(w) : en.stem(w.replace(/'s$/, ''));
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(w, s);
  return s;
}

export type Token = {
  start: number;
  end: number;
  /** normalized surface */
  w: string;
  /** stem */
  st: string;
  /** sentence number; matches never cross sentences */
  sent: number;
  /** clause number (commas, dashes, «но», "but" split clauses); negation stays inside one */
  clause: number;
  /** written in capitals (≥ 2 letters) */
  caps: boolean;
  num: boolean;
  /** the shared per-word record (same object for every token of this word as written): a slot other modules cache per-word results in */
  info?: WordInfo;
};

export type Range = { start: number; end: number };

const QUOTE_HEAD = [
  /^-{2,}\s*(original message|исходное сообщение|forwarded message|пересылаемое сообщение|пересланное сообщение|переслано)/i,
  /^_{5,}\s*$/,
  /^(from|от|sent|отправлено):\s.*(@|\d{4})/i,
  /(wrote|пишет|написал|написала|написал\(а\)|писал|писала|писал\(а\)|писали|schrieb):\s*$/i,
  /^\s*-----/,
  /^begin forwarded message/i,
  /^\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,120}@[^\s<>]{1,100}>"?\s*:\s*$/,
];
const SIG_DASH = /^-- ?$/;

/**
 * The parts of a message the customer wrote now: lines quoted with ">" are skipped; everything after a
 * reply/forward header («… пишет:», "On … wrote:", -----Original Message-----) or a "-- " signature
 * line is cut.
 */
export function liveRanges(text: string): Range[] {
  const out: Range[] = [];
  let pos = 0;
  let runStart = 0;
  const n = text.length;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    const line = text.slice(pos, Math.min(nl, pos + 400)).replace(/\r$/, '');
    const t = line.trimStart();
    if (!t) {
      pos = nl + 1;
      continue;
    }
    if (t.startsWith('>')) {
      if (pos > runStart) out.push({ start: runStart, end: pos });
      runStart = nl + 1;
    } else if (SIG_DASH.test(line) || (t.length < 400 && QUOTE_HEAD.some((re) => re.test(t)))) {
      // a header may wrap: "On Fri, 20 Nov 2026 at 10:00, Ivan <x@y.ru>\nwrote:" — cut at the earlier line too
      let cut = pos;
      if (/^(wrote|пишет|написал)/i.test(t) && out.length + (pos > runStart ? 1 : 0) > 0) {
        const prev = text.lastIndexOf('\n', pos - 2);
        const prevLine = text.slice(prev + 1, pos);
        if (/^(on|в|\d|пн|вт|ср|чт|пт|сб|вс|mon|tue|wed|thu|fri|sat|sun)/i.test(prevLine.trim())) cut = prev + 1;
      }
      if (cut > runStart) out.push({ start: runStart, end: cut });
      return merge(out);
    }
    pos = nl + 1;
  }
  if (n > runStart) out.push({ start: runStart, end: n });
  return merge(out);
}

function merge(rs: Range[]): Range[] {
  return rs.filter((r) => r.end > r.start);
}

const CLAUSE_WORDS = new Set(['но', 'однако', 'зато', 'but', 'however', 'although', 'though', 'хотя']);

/** Per distinct written word; `pat` and `steps` are cache slots of patterns.ts and tried-steps.ts. */
export type WordInfo = { w: string; st: string; caps: boolean; num: boolean; pat?: unknown; steps?: number; mdl?: unknown };
const words = new Map<string, WordInfo>();

/** Normalized form, stem, caps and number flags of a word as written, cached. */
function wordInfo(raw: string): WordInfo {
  // long numbers (amounts, ids, phone numbers) rarely repeat: not cached, so they do not crowd the cache
  const c0 = raw.charCodeAt(0);
  const longNum = c0 >= 48 && c0 <= 57 && raw.length > 4 && /^[0-9][0-9\-.,:/]*$/.test(raw);
  let e = longNum ? undefined : words.get(raw);
  if (e) return e;
  const w = norm(raw);
  const letters = raw === w ? '' : raw.replace(/[^\p{L}]/gu, '');
  e = {
    w,
    st: stem(w),
    caps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
    num: w.charCodeAt(0) >= 48 && w.charCodeAt(0) <= 57,
  };
  if (words.size >= CACHE_MAX) words.clear();
  if (raw.length <= 40 && !longNum) words.set(raw, e);
  return e;
}

const isWs = (c: number) => c === 32 || c === 9 || c === 13 || c === 10 || c === 12 || c === 11 || c === 160 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff || c === 0x2028 || c === 0x2029 || c === 0x1680;

/** What the text between two words does: 2 = ends a sentence ([.!?…] or a blank line), 1 = ends a clause. */
function gapKind(s: string, from: number, to: number): number {
  let kind = 0;
  let nl = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 || c === 33 || c === 63 || c === 0x2026) kind |= 2;
    else if (c === 10) {
      if (nl) kind |= 2;
      nl = true;
      kind |= 1;
      continue;
    } else if (c === 44 || c === 59 || c === 58 || c === 40 || c === 41 || c === 0x2014 || c === 0x2013 || c === 34 || c === 0xab || c === 0xbb) kind |= 1;
    else if (c === 45 && i > from && i + 1 < to && isWs(s.charCodeAt(i - 1)) && isWs(s.charCodeAt(i + 1))) kind |= 1;
    if (!isWs(c)) nl = false;
  }
  return kind;
}

/** Tokens of the live ranges, with sentence and clause numbers. */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** Length in code units of the word character at i (letters and digits of any script), or 0. */
function wordCharLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ? 1 : 0;
  if ((c >= 0x410 && c <= 0x44f) || c === 0x401 || c === 0x451) return 1;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = s.codePointAt(i)!;
    return cp > 0xffff && WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
  }
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  return WORD_CHAR.test(s[i]!) ? 1 : 0;
}

/** End of the word starting at i: word characters, joined by single - ' ’ (same as /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*​/u). */
function wordEnd(s: string, i: number): number {
  for (;;) {
    let l: number;
    while ((l = wordCharLen(s, i))) i += l;
    const c = s.charCodeAt(i);
    if ((c === 45 || c === 39 || c === 0x2019) && (l = wordCharLen(s, i + 1))) {
      i += 1 + l;
      continue;
    }
    return i;
  }
}

// A direct-mapped table in front of wordInfo: a word is hashed and compared in place, so a known word
// costs no substring and no map lookup
const SLOTS = 1 << 14;
const slotKey: (string | undefined)[] = new Array(SLOTS);
const slotVal: (WordInfo | undefined)[] = new Array(SLOTS);

function wordAt(s: string, a: number, b: number): WordInfo {
  const n = b - a;
  if (n > 24) return wordInfo(s.slice(a, b));
  let h = n;
  for (let k = a; k < b; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  const idx = (h ^ (h >>> 15)) & (SLOTS - 1);
  const key = slotKey[idx];
  if (key !== undefined && key.length === n) {
    let k = 0;
    while (k < n && key.charCodeAt(k) === s.charCodeAt(a + k)) k++;
    if (k === n) return slotVal[idx]!;
  }
  const raw = s.slice(a, b);
  const info = wordInfo(raw);
  // long numbers are not kept (wordInfo does not cache them either)
  if (words.get(raw) === info) {
    slotKey[idx] = raw;
    slotVal[idx] = info;
  }
  return info;
}

export function tokenize(text: string, ranges: Range[] = [{ start: 0, end: text.length }]): Token[] {
  const out: Token[] = [];
  let sent = 0;
  let clause = 0;
  for (const r of ranges) {
    sent++;
    clause++;
    const part = text.slice(r.start, r.end);
    const n = part.length;
    let last = 0;
    let i = 0;
    while (i < n) {
      if (!wordCharLen(part, i)) {
        i++;
        continue;
      }
      const at = i;
      i = wordEnd(part, i);
      const word = wordAt(part, at, i);
      // the text between the words (a lone space, the usual case, changes nothing)
      if (at > last && !(at - last === 1 && part.charCodeAt(last) === 32)) {
        const k = gapKind(part, last, at);
        // a dot inside a word is no sentence end: 10.30, vc.ru, banki.ru
        if (k & 2 && !(at - last === 1 && part.charCodeAt(last) === 46 && /[\p{L}\p{N}]/u.test(part[at - 2] ?? '') && (word.num || /^\p{Ll}/u.test(part[at]!)))) {
          sent++;
          clause++;
        } else if (k & 1) clause++;
      }
      last = i;
      if (CLAUSE_WORDS.has(word.w)) clause++;
      out.push({
        start: r.start + at,
        end: r.start + i,
        w: word.w,
        st: word.st,
        sent,
        clause,
        caps: word.caps,
        num: word.num,
        info: word,
      });
    }
  }
  return out;
}
