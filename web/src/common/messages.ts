// Dictionaries: every area of the web apps registers its own { ru, en } with defineMessages,
// in a file of its own (`<area>/messages.ts`), so areas never edit one shared file.
// A value is a string with {name} placeholders, or plural forms { one, few, many, other }.
export type Lang = 'ru' | 'en';
export const LANGS: Lang[] = ['ru', 'en'];
export type Plural = { one: string; few?: string; many?: string; other: string };
export type Dict = Record<string, string | Plural>;

const registry: Record<Lang, Dict> = { ru: {}, en: {} };
const areas = new Map<string, { ru: Dict; en: Dict }>();

export function defineMessages<R extends Dict>(area: string, m: { ru: R; en: { [K in keyof R]: R[K] } }) {
  areas.set(area, m);
  Object.assign(registry.ru, m.ru);
  Object.assign(registry.en, m.en);
  return m;
}

export function definedAreas() {
  return areas;
}

const rules: Record<Lang, Intl.PluralRules> = { ru: new Intl.PluralRules('ru'), en: new Intl.PluralRules('en') };

/** Translate a key; missing keys show as the key itself (visible in the UI and caught by the test). */
export function translate(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  let v = registry[lang][key] ?? registry.en[key] ?? key;
  if (typeof v !== 'string') {
    const n = Number(vars.n ?? vars.count ?? 0);
    const form = rules[lang].select(n) as keyof Plural;
    v = v[form] ?? v.other;
  }
  return v.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function detectLang(pref?: string | null): Lang {
  if (pref === 'ru' || pref === 'en') return pref;
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('slovo.lang') : null;
  if (saved === 'ru' || saved === 'en') return saved;
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'ru';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'ru';
}
