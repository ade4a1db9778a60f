// Small helpers shared by the portal pages.
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../common/api.ts';

/** Moves focus to the page heading when a page opens (screen readers announce the new page). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message || e.code;
  return e instanceof Error ? e.message : String(e);
}

/** A fresh Idempotency-Key per form (a retried send never makes two tickets or messages). */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** The tab title follows the page (screen readers and history show it). */
export function useTitle(title: string | null) {
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);
}

/** A text field whose value survives a reload or a new sign-in (kept in localStorage until sent). */
export function useDraft(key: string): [string, (v: string) => void] {
  const storageKey = `slovo.portal.draft.${key}`;
  const [value, setValue] = useState(() => {
    try {
      return localStorage.getItem(storageKey) ?? '';
    } catch {
      return '';
    }
  });
  const set = (v: string) => {
    setValue(v);
    try {
      if (v) localStorage.setItem(storageKey, v);
      else localStorage.removeItem(storageKey);
    } catch { /* storage full or blocked: the draft only lives in memory */ }
  };
  return [value, set];
}
