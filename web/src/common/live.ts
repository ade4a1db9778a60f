// Live updates over Server-Sent Events (GET /api/v1/stream). Owner: live. One EventSource per browser
// (one tab connects and relays to the others), shared by every hook; it opens with the first
// listener and closes a while after the last one.
//   useLive((e) => ..., deps)  — every event of GET /api/v1/stream the user may see:
//     { type: 'ticket.created' | 'ticket.updated' | 'message.created', ticketId, number, ... }
//     { type: 'presence', ticketId, number, userId, name, state: 'viewing' | 'replying' | 'left' }
//     number is the ticket's number as the API shows it ("SL-10427").
//   usePresence(ticketRef, state) — tells others this user views / replies to the ticket;
//     returns the other agents present on it: { userId, name, state }[]
//   useLiveInvalidation() — refetches TanStack queries that a live event makes stale.
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { csrfToken, post } from './api.ts';

export type LiveEvent =
  | { type: 'ticket.created' | 'ticket.updated' | 'message.created'; ticketId: string; number: string; at: string; kind?: string; messageId?: string | null; author?: string }
  | { type: 'presence'; ticketId: string; number: string; userId: string; name: string; state: 'viewing' | 'replying' | 'left'; at: string };
export type Present = { userId: string; name: string; state: 'viewing' | 'replying' };
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'down';

const TYPES = ['ticket.created', 'ticket.updated', 'message.created', 'presence'] as const;
const STREAM = '/api/v1/stream';

// ---- the shared connection ----
// Tabs of one browser share one stream: the tab holding the Web Lock "slovo-live" opens the
// EventSource and relays its events to the other tabs over a BroadcastChannel (HTTP/1.1 allows
// 6 connections per host: a stream in every tab would starve the seventh). When that tab closes,
// another takes the lock and connects. Without these APIs every tab has its own stream.
const handlers = new Set<(e: LiveEvent) => void>();
const reconnectHandlers = new Set<() => void>();
const statusListeners = new Set<() => void>();
let source: EventSource | null = null;
let status: LiveStatus = 'idle';
let wasDown = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let retryMs = 2000;
let wanted = false;
let channel: BroadcastChannel | null = null;
let lockAbort: AbortController | null = null;
let releaseLock: (() => void) | null = null; // set while this tab is the one connected
type Relay = { kind: 'event'; data: string } | { kind: 'status'; status: LiveStatus } | { kind: 'reconnected' } | { kind: 'hello' };
const shareable = () => typeof BroadcastChannel !== 'undefined' && typeof navigator !== 'undefined' && !!navigator.locks;

function relay(r: Relay) {
  if (releaseLock && channel) channel.postMessage(r);
}

function setStatus(s: LiveStatus) {
  if (s !== 'idle') relay({ kind: 'status', status: s });
  if (s === status) return;
  status = s;
  for (const f of statusListeners) f();
}

function reconnected() {
  for (const f of [...reconnectHandlers]) f();
}

function dispatch(raw: string) {
  let e: LiveEvent;
  try {
    e = JSON.parse(raw) as LiveEvent;
  } catch {
    return;
  }
  for (const h of [...handlers]) {
    try {
      h(e);
    } catch (err) {
      console.warn('live handler failed', err);
    }
  }
}

/** The EventSource itself (in the connected tab, or in every tab without sharing). */
function connect() {
  if (source || typeof EventSource === 'undefined') return;
  setStatus('connecting');
  const es = new EventSource(STREAM);
  source = es;
  for (const t of TYPES) {
    es.addEventListener(t, (m) => {
      const data = (m as MessageEvent<string>).data;
      relay({ kind: 'event', data });
      dispatch(data);
    });
  }
  es.onopen = () => {
    retryMs = 2000;
    setStatus('open');
    // events while we were away are lost: whoever cares reloads
    if (wasDown) {
      relay({ kind: 'reconnected' });
      reconnected();
    }
    wasDown = false;
  };
  es.onerror = () => {
    wasDown = true;
    if (es.readyState === EventSource.CLOSED) {
      // refused (signed out, server restarting): the browser gives up, we retry with backoff
      es.close();
      source = null;
      setStatus('down');
      if (!retryTimer && wanted) {
        retryTimer = setTimeout(() => { retryTimer = null; if (wanted) connect(); }, retryMs);
        retryMs = Math.min(retryMs * 2, 60_000);
      }
    } else setStatus('connecting'); // the browser reconnects by itself (retry hint)
  };
}

function open() {
  if (wanted) return;
  wanted = true;
  if (!shareable()) return connect();
  const ch = new BroadcastChannel('slovo-live');
  channel = ch;
  ch.onmessage = (m: MessageEvent<Relay>) => {
    const r = m.data;
    if (releaseLock) {
      if (r.kind === 'hello') ch.postMessage({ kind: 'status', status } satisfies Relay); // a new tab asks how things are
      return;
    }
    if (r.kind === 'event') dispatch(r.data);
    else if (r.kind === 'status') setStatus(r.status);
    else if (r.kind === 'reconnected') reconnected();
  };
  setStatus('connecting');
  ch.postMessage({ kind: 'hello' } satisfies Relay);
  const abort = new AbortController();
  lockAbort = abort;
  navigator.locks
    .request('slovo-live', { signal: abort.signal }, () => new Promise<void>((resolve) => {
      releaseLock = resolve;
      // taking over from another tab: what happened in between is unknown
      if (status === 'open') wasDown = true;
      connect();
    }))
    .catch(() => {}); // aborted: this tab stopped listening before its turn
}

function close() {
  wanted = false;
  source?.close();
  source = null;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  releaseLock?.();
  releaseLock = null;
  lockAbort?.abort();
  lockAbort = null;
  channel?.close();
  channel = null;
  setStatus('idle');
}

/** Adds a listener; returns its removal. The stream opens with the first and closes 10 s after the last. */
export function subscribe(h: (e: LiveEvent) => void): () => void {
  handlers.add(h);
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  open();
  return () => {
    handlers.delete(h);
    if (!handlers.size && !idleTimer) idleTimer = setTimeout(() => { idleTimer = null; if (!handlers.size) close(); }, 10_000);
  };
}

/** Calls handler for every live event while the component is mounted. */
export function useLive(handler: (e: LiveEvent) => void, deps: unknown[] = []): void {
  const ref = useRef(handler);
  ref.current = handler;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => subscribe((e) => ref.current(e)), deps);
}

/** Called when the stream comes back after a break (events in between were missed). */
export function useLiveReconnect(fn: () => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const f = () => ref.current();
    reconnectHandlers.add(f);
    return () => { reconnectHandlers.delete(f); };
  }, []);
}

/** The connection state (for a small indicator). */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (f) => { statusListeners.add(f); return () => { statusListeners.delete(f); }; },
    () => status,
    () => 'idle',
  );
}

// ---- cache invalidation ----
/** Query key roots that show many tickets (lists, counts, lead views, notifications). */
export const LIVE_LIST_ROOTS = ['tickets', 'views', 'lead', 'notifications', 'promises', 'search'];

/** Marks stale what an event changes: the ticket's own queries and the lists. Bursts are batched (1 s). */
export function invalidateForLive(qc: QueryClient, e: LiveEvent): void {
  if (e.type === 'presence') return;
  pending.add(e.ticketId);
  pending.add(e.number);
  if (batch) return;
  batch = setTimeout(() => {
    const refs = new Set(pending);
    pending.clear();
    batch = null;
    void qc.invalidateQueries({
      predicate: (q) => {
        const [root, second] = q.queryKey as unknown[];
        return (root === 'ticket' && refs.has(String(second))) || LIVE_LIST_ROOTS.includes(String(root));
      },
    });
  }, 1000);
}
const pending = new Set<string>();
let batch: ReturnType<typeof setTimeout> | null = null;

/** Keeps the app's queries fresh from live events; after a break, refetches everything active. */
export function useLiveInvalidation(): void {
  const qc = useQueryClient();
  useLive((e) => invalidateForLive(qc, e), [qc]);
  useLiveReconnect(() => void qc.invalidateQueries());
}

// ---- presence ----
type Slot = { states: Map<number, 'viewing' | 'replying'>; timer: ReturnType<typeof setInterval> | null; sent: string | null };
const slots = new Map<string, Slot>();
let slotSeq = 0;
const REFRESH_MS = 10_000;
const EXPIRE_MS = 35_000;

type PresenceResult = { ticketId: string; number: string; userId: string; present: Present[] };
const presenceListeners = new Set<(ref: string, r: PresenceResult) => void>();

function slotState(s: Slot): 'viewing' | 'replying' | 'left' {
  if (!s.states.size) return 'left';
  return [...s.states.values()].includes('replying') ? 'replying' : 'viewing';
}

function announce(ref: string, force = false) {
  const s = slots.get(ref);
  const state = s ? slotState(s) : 'left';
  if (s && !force && s.sent === state) return;
  if (s) s.sent = state;
  post<PresenceResult>(`/api/v1/tickets/${encodeURIComponent(ref)}/presence`, { state })
    .then((r) => { for (const f of presenceListeners) f(ref, r); })
    .catch(() => {}); // presence is best effort
}

// leaving the page (reload, another site, closing the tab) unmounts nothing: say "left" on the way out
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    const token = csrfToken();
    for (const ref of slots.keys()) {
      void fetch(`/api/v1/tickets/${encodeURIComponent(ref)}/presence`, {
        method: 'POST', keepalive: true, credentials: 'same-origin', body: JSON.stringify({ state: 'left' }),
        headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
      }).catch(() => {});
    }
  });
}

/**
 * Tells the others that this user views / replies to the ticket (refreshed every 10 s, "left" on
 * unmount) and returns the other agents present on it. Several components of one ticket share it.
 */
export function usePresence(ticketRef: string, state: 'viewing' | 'replying'): Present[] {
  const [others, setOthers] = useState<Map<string, Present & { seen: number }>>(new Map());
  const ids = useRef<{ ticketId?: string; number?: string; me?: string }>({});
  const key = useRef(++slotSeq);

  // this component's wish joins the ticket's slot
  useEffect(() => {
    let s = slots.get(ticketRef);
    if (!s) {
      s = { states: new Map(), timer: null, sent: null };
      slots.set(ticketRef, s);
      s.timer = setInterval(() => announce(ticketRef, true), REFRESH_MS);
    }
    s.states.set(key.current, state);
    announce(ticketRef);
  }, [ticketRef, state]);
  useEffect(() => {
    const k = key.current;
    return () => {
      const s = slots.get(ticketRef);
      if (!s) return;
      s.states.delete(k);
      if (!s.states.size) {
        if (s.timer) clearInterval(s.timer);
        slots.delete(ticketRef);
        announce(ticketRef);
      } else announce(ticketRef);
    };
  }, [ticketRef]);

  // who else is there: from our own announcements' answers and from presence events
  useEffect(() => {
    ids.current = {};
    setOthers(new Map());
    const onResult = (ref: string, r: PresenceResult) => {
      if (ref !== ticketRef) return;
      ids.current = { ticketId: r.ticketId, number: r.number, me: r.userId };
      setOthers((prev) => {
        const next = new Map<string, Present & { seen: number }>();
        const now = Date.now();
        for (const p of r.present) next.set(p.userId, { ...p, seen: now });
        // an event may have arrived after the server answered
        for (const [id, p] of prev) if (!next.has(id) && now - p.seen < 2000) next.set(id, p);
        return same(prev, next) ? prev : next;
      });
    };
    presenceListeners.add(onResult);
    const unsub = subscribe((e) => {
      if (e.type !== 'presence') return;
      const { ticketId, number, me } = ids.current;
      const mine = e.ticketId === ticketId || e.number === number || e.ticketId === ticketRef || e.number === ticketRef;
      if (!mine || e.userId === me) return;
      setOthers((prev) => {
        const next = new Map(prev);
        if (e.state === 'left') next.delete(e.userId);
        else next.set(e.userId, { userId: e.userId, name: e.name, state: e.state, seen: Date.now() });
        return next;
      });
    });
    const sweep = setInterval(() => {
      const now = Date.now();
      setOthers((prev) => {
        const next = new Map([...prev].filter(([, p]) => now - p.seen < EXPIRE_MS));
        return next.size === prev.size ? prev : next;
      });
    }, 5000);
    return () => {
      presenceListeners.delete(onResult);
      unsub();
      clearInterval(sweep);
    };
  }, [ticketRef]);

  return useMemo(() => [...others.values()].map(({ userId, name, state: st }) => ({ userId, name, state: st })), [others]);
}

function same(a: Map<string, Present>, b: Map<string, Present>) {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.state !== v.state || w.name !== v.name) return false;
  }
  return true;
}

/**
 * Who is on which ticket, from presence events only (this user announces nothing): for overviews
 * like the lead page. Fills within one refresh period (10 s); entries expire like usePresence's.
 */
export function usePresenceWatch(): Map<string, Present[]> {
  const [all, setAll] = useState<Map<string, Map<string, Present & { seen: number }>>>(new Map());
  useEffect(() => {
    const unsub = subscribe((e) => {
      if (e.type !== 'presence') return;
      setAll((prev) => {
        const next = new Map(prev);
        const m = new Map(next.get(e.ticketId) ?? []);
        if (e.state === 'left') m.delete(e.userId);
        else m.set(e.userId, { userId: e.userId, name: e.name, state: e.state, seen: Date.now() });
        if (m.size) next.set(e.ticketId, m);
        else next.delete(e.ticketId);
        return next;
      });
    });
    const sweep = setInterval(() => {
      const now = Date.now();
      setAll((prev) => {
        let changed = false;
        const next = new Map<string, Map<string, Present & { seen: number }>>();
        for (const [id, m] of prev) {
          const kept = new Map([...m].filter(([, p]) => now - p.seen < EXPIRE_MS));
          if (kept.size !== m.size) changed = true;
          if (kept.size) next.set(id, kept);
        }
        return changed ? next : prev;
      });
    }, 5000);
    return () => { unsub(); clearInterval(sweep); };
  }, []);
  return useMemo(() => new Map([...all].map(([id, m]) => [id, [...m.values()].map(({ userId, name, state }) => ({ userId, name, state }))])), [all]);
}
