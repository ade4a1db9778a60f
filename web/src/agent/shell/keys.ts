// Global shortcuts: `?` help, `/` search, `g` then a letter to go somewhere.
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';

/** True when a key press belongs to what the user is typing or to an open dialog, not to a shortcut. */
export function ignoreKey(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return true;
  const el = e.target as HTMLElement | null;
  if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.closest('[contenteditable="true"]'))) return true;
  return !!document.querySelector('dialog[open], [aria-modal="true"]');
}

export function useGlobalKeys(opts: { openHelp: () => void; focusSearch: () => void; lead: boolean }) {
  const navigate = useNavigate();
  const pendingG = useRef(0);
  const o = useRef(opts);
  o.current = opts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoreKey(e)) return;
      if (e.key === '?') {
        e.preventDefault();
        o.current.openHelp();
        return;
      }
      if (e.key === '/') {
        e.preventDefault();
        o.current.focusSearch();
        return;
      }
      if (Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        const to = { i: '/', n: '/notifications', p: '/me', l: o.current.lead ? '/lead' : null }[e.key];
        if (to) {
          e.preventDefault();
          void navigate({ to });
        }
        return;
      }
      if (e.key === 'g' && !e.shiftKey) pendingG.current = Date.now();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);
}
