// Live updates: GET /api/v1/stream (Server-Sent Events) and ticket presence (collision detection).
import { z } from 'zod';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Actor } from '../../actor.ts';
import { actorKey } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { SESSION_COOKIE } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { actorFromSession, actorFromToken } from '../auth/auth.service.ts';
import { findTicket } from '../tickets/tickets.service.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { LiveHub, liveTimings, type Subscriber } from './live.hub.ts';

const tags = ['live'];

export const StreamQuery = z.object({
  /** close the stream after this many seconds (0: at once, after the retry hint); default: open until the server stops */
  max: z.coerce.number().int().min(0).max(86_400).optional(),
});
export const PresenceBody = z.object({ state: z.enum(['viewing', 'replying', 'left']) });
export const PresenceResult = z.object({
  ticketId: z.string(),
  number: z.string(),
  /** the caller (the others never include them) */
  userId: z.string(),
  /** the others present on the ticket now (this process' view; entries expire 30 s after their last refresh) */
  present: z.array(z.object({ userId: z.string(), name: z.string(), state: z.enum(['viewing', 'replying']) })),
  ttlSeconds: z.number().int(),
});

export function liveRoutes(app: App, deps: Deps) {
  const hub = new LiveHub(deps);
  // streams end before the server closes, so `slovo serve` stops at once
  app.addHook('preClose', async () => { await hub.close(); });

  app.get('/api/v1/stream', {
    schema: {
      tags,
      summary: 'Live updates as Server-Sent Events (text/event-stream): ticket.created, ticket.updated, message.created, presence. ' +
        'Ids, numbers and kinds only (read the ticket for its content); a heartbeat comment every 15 s. Staff only.',
      querystring: StreamQuery,
      produces: ['text/event-stream'],
    },
  }, async (req, reply) => {
    authorize(req.actor, 'ticket.read');
    await hub.listening();
    const recheck = credentialCheck(deps, req.headers.authorization, req.cookies[SESSION_COOKIE]);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
      connection: 'keep-alive',
    });
    res.write(`retry: 3000\n: connected\n\n`);
    const now = Date.now();
    let timer: NodeJS.Timeout | null = null;
    const sub: Subscriber = {
      actor: req.actor,
      recheck,
      checkedAt: now,
      beatAt: now,
      write: (chunk) => { if (!res.writableEnded) res.write(chunk); },
      buffered: () => res.writableLength,
      close: () => {
        hub.subscribers.delete(sub);
        if (timer) clearTimeout(timer);
        if (!res.writableEnded) res.end();
      },
    };
    res.on('close', () => sub.close());
    if (req.query.max === 0) return sub.close();
    hub.subscribers.add(sub);
    if (req.query.max) timer = setTimeout(() => sub.close(), req.query.max * 1000);
  });

  app.post('/api/v1/tickets/:ref/presence', {
    config: { rateLimit: { max: 120, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req) => (req.actor ? actorKey(req.actor) : req.ip) } },
    schema: {
      tags,
      summary: 'Tell the other agents you view or reply to this ticket (refresh every 10 s; "left" when done). Returns who else is there.',
      params: TicketRefParams,
      body: PresenceBody,
      response: { 200: PresenceResult },
    },
  }, async (req) => {
    // a write: read-only tokens may not announce anything
    authorize(req.actor, 'ticket.note');
    const actor = req.actor;
    const t = await findTicket(deps.db, deps, actor, req.params.ref);
    await hub.start();
    const u = await deps.db.selectFrom('users').select('name').where('id', '=', actor.id).executeTakeFirstOrThrow();
    const number = ticketRef(deps.config, t.number);
    await hub.announcePresence({ ticketId: t.id, number, userId: actor.id, name: u.name, state: req.body.state });
    return { ticketId: t.id, number, userId: actor.id, present: hub.presentOn(t.id, actor.id), ttlSeconds: Math.round(liveTimings.presenceTtlMs / 1000) };
  });
}

/** How a stream re-reads its caller later: the same token or session cookie. */
function credentialCheck(deps: Deps, authorization: string | undefined, cookie: string | undefined): () => Promise<Actor | null> {
  const bearer = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (bearer) return () => actorFromToken(deps, bearer);
  if (cookie) return async () => (await actorFromSession(deps, cookie))?.actor ?? null;
  return async () => null;
}
