import type { Lang } from './types.ts';

/** Language of a text by its letters: Cyrillic vs Latin. langs lists both when the minority has ≥ 20%. */
export function detectLang(text: string): { lang: Lang; langs: Lang[] } {
  let cyr = 0;
  let lat = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x410 && c <= 0x44f) || c === 0x401 || c === 0x451) cyr++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) lat++;
  }
  const lang: Lang = cyr >= lat && cyr > 0 ? 'ru' : lat > 0 ? 'en' : 'ru';
  const total = cyr + lat;
  const minority = Math.min(cyr, lat);
  const langs: Lang[] = total && minority / total >= 0.2 ? ['ru', 'en'] : [lang];
  return { lang, langs };
}
