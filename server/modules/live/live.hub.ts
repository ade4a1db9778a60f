// Live updates inside one process: one LISTEN connection (reconnects with backoff), the open
// event streams of this process, and who is present on which ticket. Other processes hear the
// same notifications (PostgreSQL NOTIFY), so every stream sees every change wherever it was made.
import pg from 'pg';
import type { Actor } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { ticketRef } from '../tickets/ticket-number.ts';

export const CHANNEL = 'slovo_live';
/** Tunables; tests shorten them. */
export const liveTimings = {
  heartbeatMs: 15_000,
  /** a stream re-checks its session or token at most this often (revoked: the stream ends) */
  recheckMs: 60_000,
  presenceTtlMs: 30_000,
  /** a client that lets this much pile up unread is dropped (it reconnects and reloads) */
  maxBufferedBytes: 1 << 20,
};

export type PresenceState = 'viewing' | 'replying' | 'left';
export type LiveEvent =
  | { type: 'ticket.created' | 'ticket.updated'; ticketId: string; number: string; kind: string; at: string }
  | { type: 'message.created'; ticketId: string; number: string; messageId: string | null; kind: 'reply' | 'note'; author: string; at: string }
  | { type: 'presence'; ticketId: string; number: string; userId: string; name: string; state: PresenceState; at: string };

export type Subscriber = {
  actor: Actor;
  /** re-reads the caller from its session or token; null when it is gone */
  recheck: () => Promise<Actor | null>;
  checkedAt: number;
  beatAt: number;
  write: (chunk: string) => void;
  buffered: () => number;
  close: () => void;
};

type Row = { i: string; t: string; n: string; k: string; a: string; u: string | null; m: string | null; mk: string | null; at: string };
type PresenceNote = { p: { t: string; n: string; u: string; name: string; s: PresenceState; at: string } };
type Present = { userId: string; name: string; state: 'viewing' | 'replying'; until: number };

/** Who may receive an event: staff who may read tickets (internal notes included: ticket.read covers them). */
export function mayReceive(actor: Actor, _e: LiveEvent): boolean {
  return can(actor, 'ticket.read');
}

export function toEvents(deps: Pick<Deps, 'config'>, rows: Row[]): LiveEvent[] {
  const out: LiveEvent[] = [];
  const updated = new Set<string>();
  for (const r of rows) {
    const number = ticketRef(deps.config, r.n);
    const at = new Date(r.at).toISOString();
    if (r.k === 'created') out.push({ type: 'ticket.created', ticketId: r.t, number, kind: r.k, at });
    else if (r.k === 'message_added') {
      out.push({ type: 'message.created', ticketId: r.t, number, messageId: r.m, kind: r.mk === 'note' ? 'note' : 'reply', author: r.a, at });
    } else if (!updated.has(r.t)) {
      // one update per ticket per statement is enough to refresh it
      updated.add(r.t);
      out.push({ type: 'ticket.updated', ticketId: r.t, number, kind: r.k, at });
    }
  }
  return out;
}

export class LiveHub {
  readonly subscribers = new Set<Subscriber>();
  private readonly presence = new Map<string, Map<string, Present & { number: string }>>();
  private client: pg.Client | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;
  private backoff = 500;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private seq = 0;

  constructor(private readonly deps: Deps) {}

  /** Connects the LISTEN client once; resolves when listening. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('live updates are stopped'));
    if (!this.ready) {
      this.ready = this.connect();
      this.ready.catch(() => { this.ready = null; });
      if (!this.timers.length) this.timers.push(setInterval(() => this.tick(), Math.min(liveTimings.heartbeatMs, 5_000)).unref());
    }
    return this.ready;
  }

  /** For streams: started and listening right now (after a lost connection: 503 until it is back). */
  async listening(): Promise<void> {
    await this.start();
    if (!this.client) throw new AppError('unavailable', 'live updates are reconnecting; retry in a few seconds');
  }

  private async connect(): Promise<void> {
    const opts = (this.deps.pool as unknown as { options: pg.ClientConfig }).options;
    const c = new pg.Client({ ...opts, application_name: 'slovo-live' });
    c.on('notification', (n) => { if (n.channel === CHANNEL && n.payload) this.onPayload(n.payload); });
    const lost = (err?: Error) => {
      if (this.client !== c) return;
      this.client = null;
      c.removeAllListeners('end');
      c.end().catch(() => {});
      if (this.closed) return;
      this.deps.log.warn({ err: err?.message }, 'live: LISTEN connection lost; reconnecting');
      // changes made while we were away are not replayed: streams end, clients reconnect and reload
      for (const s of [...this.subscribers]) s.close();
      this.scheduleReconnect();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    await c.query(`listen ${CHANNEL}`);
    if (this.closed) {
      await c.end().catch(() => {});
      return;
    }
    this.client = c;
    this.backoff = 500;
  }

  private scheduleReconnect() {
    if (this.retryTimer || this.closed) return;
    const wait = this.backoff;
    this.backoff = Math.min(this.backoff * 2, 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch((err) => {
        this.deps.log.warn({ err: (err as Error).message }, 'live: reconnect failed');
        this.scheduleReconnect();
      });
    }, wait);
    this.retryTimer.unref();
  }

  private onPayload(payload: string) {
    let msg: { e?: Row[] } & Partial<PresenceNote>;
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    if (msg.e) this.broadcast(toEvents(this.deps, msg.e));
    else if (msg.p) {
      const p = msg.p;
      this.setPresence(p.t, p.n, p.u, p.name, p.s);
      this.broadcast([{ type: 'presence', ticketId: p.t, number: p.n, userId: p.u, name: p.name, state: p.s, at: p.at }]);
    }
  }

  private setPresence(ticketId: string, number: string, userId: string, name: string, state: PresenceState) {
    let m = this.presence.get(ticketId);
    if (state === 'left') {
      m?.delete(userId);
      if (m && !m.size) this.presence.delete(ticketId);
      return;
    }
    if (!m) this.presence.set(ticketId, (m = new Map()));
    m.set(userId, { userId, name, state, number, until: Date.now() + liveTimings.presenceTtlMs });
  }

  /** Others present on a ticket (as this process heard it). */
  presentOn(ticketId: string, exceptUserId?: string) {
    const now = Date.now();
    return [...(this.presence.get(ticketId)?.values() ?? [])]
      .filter((p) => p.until > now && p.userId !== exceptUserId)
      .map((p) => ({ userId: p.userId, name: p.name, state: p.state }));
  }

  /** Tells every process (and so every stream) through NOTIFY. */
  async announcePresence(p: { ticketId: string; number: string; userId: string; name: string; state: PresenceState }) {
    const note: PresenceNote = { p: { t: p.ticketId, n: p.number, u: p.userId, name: p.name.slice(0, 200), s: p.state, at: new Date().toISOString() } };
    await this.deps.pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(note)]);
  }

  broadcast(events: LiveEvent[]) {
    if (!events.length) return;
    const now = Date.now();
    for (const s of this.subscribers) {
      if (now - s.checkedAt > liveTimings.recheckMs) {
        // re-check first; this batch waits for it (rare: once a minute per stream at most)
        void this.recheck(s).then((ok) => { if (ok) this.deliver(s, events); });
      } else this.deliver(s, events);
    }
  }

  private deliver(s: Subscriber, events: LiveEvent[]) {
    let chunk = '';
    for (const e of events) if (mayReceive(s.actor, e)) chunk += `id: ${++this.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
    if (!chunk) return;
    if (s.buffered() > liveTimings.maxBufferedBytes) return s.close();
    s.write(chunk);
  }

  private async recheck(s: Subscriber): Promise<boolean> {
    s.checkedAt = Date.now();
    const actor = await s.recheck().catch(() => s.actor); // a database hiccup keeps the stream
    if (!actor || !can(actor, 'ticket.read')) {
      s.close();
      return false;
    }
    s.actor = actor;
    return true;
  }

  /** Heartbeats, session re-checks of quiet streams, presence expiry. */
  private tick() {
    const now = Date.now();
    for (const s of this.subscribers) {
      if (now - s.checkedAt > liveTimings.recheckMs) void this.recheck(s);
      if (now - s.beatAt >= liveTimings.heartbeatMs - 100) {
        s.beatAt = now;
        s.write(': heartbeat\n\n');
      }
    }
    const expired: LiveEvent[] = [];
    for (const [ticketId, m] of this.presence) {
      for (const p of m.values()) {
        if (p.until > now) continue;
        m.delete(p.userId);
        expired.push({ type: 'presence', ticketId, number: p.number, userId: p.userId, name: p.name, state: 'left', at: new Date(now).toISOString() });
      }
      if (!m.size) this.presence.delete(ticketId);
    }
    // every process expires its own copy: no NOTIFY needed
    this.broadcast(expired);
  }

  /** Ends every stream and the LISTEN connection (Fastify preClose: the server can stop at once). */
  async close() {
    this.closed = true;
    for (const s of [...this.subscribers]) s.close();
    for (const t of this.timers) clearInterval(t);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => {});
    }
  }
}
