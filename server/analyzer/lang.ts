import type { Token } from './text.ts';
import type { Lang } from './types.ts';

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 160;

/**
 * Language of a text by its letters: Cyrillic vs Latin. URLs, e-mail addresses and file names are not
 * counted. langs lists both when the minority has ≥ 20% of the letters.
 */
export function detectLang(text: string): { lang: Lang; langs: Lang[] } {
  let cyr = 0;
  let lat = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    let j = i;
    let c1 = 0;
    let l1 = 0;
    let skip = false;
    while (j < n && !isSpace(text.charCodeAt(j))) {
      const c = text.charCodeAt(j);
      if ((c >= 0x410 && c <= 0x44f) || c === 0x401 || c === 0x451) c1++;
      else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) l1++;
      else if (c === 64 /* @ */ || (c === 47 && text.charCodeAt(j - 1) === 47) /* // */) skip = true;
      j++;
    }
    if (!skip && j - i >= 4) {
      const w = text.slice(i, Math.min(j, i + 4)).toLowerCase();
      if (w === 'www.' || w === 'http') skip = true;
    }
    if (!skip) {
      cyr += c1;
      lat += l1;
    }
    i = j;
  }
  const lang: Lang = cyr >= lat && cyr > 0 ? 'ru' : lat > 0 ? 'en' : 'ru';
  const total = cyr + lat;
  const minority = Math.min(cyr, lat);
  const langs: Lang[] = total && minority / total >= 0.2 ? ['ru', 'en'] : [lang];
  return { lang, langs };
}

const URLISH = new Set(['@', '/', ':', '.', '_', '=', '&', '?', '#', '%']);

/** detectLang over tokens (cheaper when the text is tokenized anyway); parts of URLs and e-mails are skipped. */
export function detectLangTokens(text: string, toks: Token[]): { lang: Lang; langs: Lang[] } {
  let cyr = 0;
  let lat = 0;
  for (const t of toks) {
    const c = t.w.charCodeAt(0);
    const isCyr = c >= 0x430 && c <= 0x44f;
    const isLat = c >= 97 && c <= 122;
    if (!isCyr && !isLat) continue;
    const before = text[t.start - 1];
    const after = text[t.end];
    if ((before && URLISH.has(before) && before !== '.' && before !== '?') || (after === '@') || (before === '.' && after === '.') || (after && (after === '/' || after === ':') && text[t.end + 1] === '/')) continue;
    if (before === '.' && /[a-z]/.test(text[t.start - 2] ?? '')) continue; // example.com
    if (after === '.' && /[a-z]/.test(text[t.end + 1] ?? '')) continue;
    if (isCyr) cyr += t.w.length;
    else lat += t.w.length;
  }
  const lang: Lang = cyr >= lat && cyr > 0 ? 'ru' : lat > 0 ? 'en' : 'ru';
  const total = cyr + lat;
  const langs: Lang[] = total && Math.min(cyr, lat) / total >= 0.2 ? ['ru', 'en'] : [lang];
  return { lang, langs };
}
