// Small helpers shared by the portal pages.
import { useEffect, useRef } from 'react';
import { ApiError } from '../shared/api.ts';

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
