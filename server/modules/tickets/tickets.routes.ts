import { Page, PageQuery } from '../../../api/common.ts';
import { AddMessageBody, BulkUpdateBody, BulkUpdateResult, CreateTicketBody, ListTicketsQuery, Message, Ticket, TicketEvent, TicketRefParams, UpdateTicketBody } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { isoReq } from '../../http/types.ts';
import { presentMessage } from './messages.presenter.ts';
import * as messages from './messages.service.ts';
import { presentTicket } from './tickets.presenter.ts';
import * as tickets from './tickets.service.ts';

const tags = ['tickets'];

function parseIfMatch(h: string | undefined): number | undefined {
  if (h === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(h.trim());
  if (!m) throw new AppError('validation_failed', 'If-Match must be the ticket ETag, e.g. "3"');
  return Number(m[1]);
}

export function ticketRoutes(app: App, deps: Deps) {
  app.get('/api/v1/tickets', {
    schema: { tags, summary: 'List tickets with filters, keyset-paginated', querystring: ListTicketsQuery, response: { 200: Page(Ticket) } },
  }, async (req) => {
    const r = await tickets.listTickets(deps, req.actor, req.query);
    return { items: r.items.map((t) => presentTicket(deps.config, t)), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/tickets', {
    schema: { tags, summary: 'Create a ticket with its first message (Idempotency-Key supported)', body: CreateTicketBody, response: { 201: Ticket } },
  }, async (req, reply) => {
    const out = await idempotent(deps, req, reply, 201, async (d) => presentTicket(deps.config, await tickets.createTicket(d, req.actor, req.body)));
    reply.header('etag', `"${out.version}"`);
    return out;
  });

  app.get('/api/v1/tickets/:ref', {
    schema: { tags, summary: 'A ticket by id or number (SL-10427); ETag is its version', params: TicketRefParams, response: { 200: Ticket } },
  }, async (req, reply) => {
    const t = await tickets.getTicket(deps, req.actor, req.params.ref);
    reply.header('etag', `"${t.version}"`);
    return presentTicket(deps.config, t);
  });

  app.post('/api/v1/tickets/bulk', {
    schema: {
      tags, summary: `One change for up to 100 tickets, each with the version you saw; answered per ticket (a stale version is 412 for that ticket only)`,
      body: BulkUpdateBody, response: { 200: BulkUpdateResult },
    },
  }, async (req) => ({
    items: (await tickets.bulkUpdate(deps, req.actor, req.body.items, req.body.set)).map((r) => ('ticket' in r
      ? { ref: r.ref, ok: true as const, ticket: presentTicket(deps.config, r.ticket) }
      : { ref: r.ref, ok: false as const, status: r.error.status, code: r.error.code, detail: r.error.message })),
  }));

  app.patch('/api/v1/tickets/:ref', {
    schema: { tags, summary: 'Update a ticket; needs If-Match (or "version") to avoid overwriting a colleague', params: TicketRefParams, body: UpdateTicketBody, response: { 200: Ticket } },
  }, async (req, reply) => {
    const t = await tickets.updateTicket(deps, req.actor, req.params.ref, req.body, parseIfMatch(req.headers['if-match']));
    reply.header('etag', `"${t.version}"`);
    return presentTicket(deps.config, t);
  });

  app.get('/api/v1/tickets/:ref/messages', {
    schema: { tags, summary: 'Messages of a ticket, oldest first', params: TicketRefParams, querystring: PageQuery, response: { 200: Page(Message) } },
  }, async (req) => {
    const r = await messages.listMessages(deps, req.actor, req.params.ref, req.query);
    return { items: r.items.map(presentMessage), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/tickets/:ref/messages', {
    schema: { tags, summary: 'Reply publicly or add an internal note (Idempotency-Key supported)', params: TicketRefParams, body: AddMessageBody, response: { 201: Message } },
  }, async (req, reply) => {
    return idempotent(deps, req, reply, 201, async (d) => presentMessage({ ...(await messages.addMessage(d, req.actor, req.params.ref, req.body)), author_name: null }));
  });

  app.get('/api/v1/tickets/:ref/events', {
    schema: { tags, summary: 'The ticket history: who changed what, when (append-only)', params: TicketRefParams, querystring: PageQuery, response: { 200: Page(TicketEvent) } },
  }, async (req) => {
    const r = await tickets.listEvents(deps, req.actor, req.params.ref, req.query);
    return {
      items: r.items.map((e) => ({ id: e.id, kind: e.kind, actor: { type: e.actor_type, id: e.actor_id }, data: e.data, createdAt: isoReq(e.created_at) })),
      nextCursor: r.nextCursor,
    };
  });
}

