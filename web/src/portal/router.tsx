// A tiny router on the History API for the few portal pages under /portal/.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export type Route =
  | { name: 'home' }
  | { name: 'login'; token: string | null }
  | { name: 'ticket'; ref: string }
  | { name: 'new' }
  | { name: 'notFound' };

/** Which portal page a URL is. */
export function matchRoute(pathname: string, search: string): Route {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/portal' || p === '') return { name: 'home' };
  if (p === '/portal/login') return { name: 'login', token: new URLSearchParams(search).get('token') };
  if (p === '/portal/new') return { name: 'new' };
  const m = /^\/portal\/tickets\/([^/]+)$/.exec(p);
  if (m) return { name: 'ticket', ref: decodeURIComponent(m[1]) };
  return { name: 'notFound' };
}

export function useRoute(): Route {
  const loc = useSyncExternalStore(subscribe, snapshot);
  const q = loc.indexOf('?');
  return matchRoute(q < 0 ? loc : loc.slice(0, q), q < 0 ? '' : loc.slice(q));
}

export const ticketPath = (number: string) => `/portal/tickets/${encodeURIComponent(number)}`;

/** An ordinary link that navigates in the page (modified clicks open as usual). */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
