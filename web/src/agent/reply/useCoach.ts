// The reply coach on the draft: POST /api/v1/coach on typing pauses (debounced), the latest
// answer kept; flush() coaches the current text at once (before sending).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { CoachResult as CoachResultSchema } from '../../../../api/coach.ts';
import { post } from '../../common/api.ts';

export type CoachResult = z.infer<typeof CoachResultSchema>;
export type CoachState = { result: CoachResult | null; forText: string | null; pending: boolean; failed: boolean };

export const COACH_DEBOUNCE_MS = 400;

/** locale: the UI language, for the suggestions' texts. */
export function useCoach(ticketRef: string, text: string, format: 'html' | 'text', status: string, enabled: boolean, locale: 'ru' | 'en') {
  const [state, setState] = useState<CoachState>({ result: null, forText: null, pending: false, failed: false });
  const seq = useRef(0);
  const latest = useRef(state);
  latest.current = state;

  const run = useCallback(async (t: string): Promise<CoachResult | null> => {
    const my = ++seq.current;
    setState((s) => ({ ...s, pending: true }));
    try {
      const body = { ticket: ticketRef, text: t, format, locale, ...(status ? { status } : {}) };
      const r = await post<CoachResult>('/api/v1/coach', body);
      if (my === seq.current) setState({ result: r, forText: t, pending: false, failed: false });
      return r;
    } catch {
      if (my === seq.current) setState({ result: null, forText: t, pending: false, failed: true });
      return null;
    }
  }, [ticketRef, format, status, locale]);

  const blank = !text.trim();
  useEffect(() => {
    if (!enabled || blank) {
      seq.current++;
      setState({ result: null, forText: null, pending: false, failed: false });
      return;
    }
    const timer = setTimeout(() => void run(text), COACH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [enabled, blank, text, run]);

  /** The coach's answer for exactly this text (asks now when the last answer is older). */
  const flush = useCallback(async (t: string): Promise<CoachResult | null> => {
    if (!enabled || !t.trim()) return null;
    const s = latest.current;
    if (s.forText === t && !s.pending && !s.failed) return s.result;
    return run(t);
  }, [enabled, run]);

  return { ...state, flush };
}
