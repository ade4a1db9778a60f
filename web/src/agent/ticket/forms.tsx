// Small helpers for the ticket forms: datetime-local values, error text, a busy/error state.
import { useState } from 'react';
import { ApiError } from '../../common/api.ts';

/** "2026-12-03T18:00" in the browser's zone, for <input type="datetime-local">. */
export function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export const inHours = (h: number) => localInput(new Date(Date.now() + h * 3_600_000));
export const toIso = (v: string) => new Date(v).toISOString();

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const errs = (e.body as { errors?: { path?: string; message?: string }[] } | null)?.errors;
    if (errs?.length) return errs.map((x) => `${x.path ?? ''} ${x.message ?? ''}`.trim()).join('; ');
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs an async action with busy and error state. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>, onError?: (e: unknown) => boolean) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      if (!onError?.(e)) setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
