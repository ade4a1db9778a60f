// React side of i18n: the current language in context, t(), and date formatting.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { detectLang, translate, type Lang } from './messages.ts';

type Ctx = { lang: Lang; setLang: (l: Lang) => void };
const I18n = createContext<Ctx>({ lang: 'ru', setLang: () => {} });

export function I18nProvider({ initial, children }: { initial?: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? detectLang());
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('slovo.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  document.documentElement.lang = lang;
  const v = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <I18n.Provider value={v}>{children}</I18n.Provider>;
}

export function useLang() {
  return useContext(I18n);
}

export function useT() {
  const { lang } = useContext(I18n);
  return useCallback((key: string, vars?: Record<string, string | number>) => translate(lang, key, vars), [lang]);
}

/** Date and time in the reader's language (and time zone, when given). */
export function formatDateTime(iso: string | null | undefined, lang: Lang, timeZone?: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "in 3 h" / "5 min ago" in the reader's language. */
export function formatRelative(iso: string | null | undefined, lang: Lang, now = Date.now()): string {
  if (!iso) return '';
  const diff = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}
