import { z } from 'zod';
import { Page, PageQuery } from '../../../api/common.ts';
import { PortalCreateTicketBody, PortalField, PortalMessage, PortalProfile, PortalReplyBody, PortalTicket } from '../../../api/portal.ts';
import { Attachment, TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { portalFields } from './portal-fields.ts';
import { presentPortalField, presentPortalMessage, presentPortalTicket, presentProfile } from './portal.presenter.ts';
import { presentAttachment } from '../tickets/messages.presenter.ts';
import { uploadMine } from './portal.attachments.ts';
import * as portal from './portal.service.ts';

const tags = ['portal'];

export function portalRoutes(app: App, deps: Deps) {
  app.get('/api/v1/portal/me', {
    schema: { tags, summary: 'The signed-in customer', response: { 200: PortalProfile } },
  }, async (req) => presentProfile(await portal.myProfile(deps, req.actor)));

  app.get('/api/v1/portal/fields', {
    schema: { tags, summary: 'Custom fields customers see; editable ones are filled in when opening a request', response: { 200: z.object({ items: z.array(PortalField) }) } },
  }, async (req) => ({ items: (await portalFields(deps.db, req.actor)).map(presentPortalField) }));

  app.get('/api/v1/portal/tickets', {
    schema: { tags, summary: 'My requests, latest activity first', querystring: PageQuery, response: { 200: Page(PortalTicket) } },
  }, async (req) => {
    const r = await portal.myTickets(deps, req.actor, req.query);
    const view = await portal.portalView(deps, req.actor);
    return { items: r.items.map((t) => presentPortalTicket(deps.config, view, t)), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/portal/tickets', {
    schema: { tags, summary: 'Open a new request (Idempotency-Key supported)', body: PortalCreateTicketBody, response: { 201: PortalTicket } },
  }, async (req, reply) => {
    return idempotent(deps, req, reply, 201, async (d) => {
      const t = await portal.createMyTicket(d, req.actor, req.body);
      return presentPortalTicket(deps.config, await portal.portalView(d, req.actor), t);
    });
  });

  app.get('/api/v1/portal/tickets/:ref', {
    schema: { tags, summary: 'One of my requests, by id or number', params: TicketRefParams, response: { 200: PortalTicket } },
  }, async (req) => {
    const t = await portal.myTicket(deps, req.actor, req.params.ref);
    return presentPortalTicket(deps.config, await portal.portalView(deps, req.actor), t);
  });

  app.get('/api/v1/portal/tickets/:ref/messages', {
    schema: { tags, summary: 'The public conversation of my request, oldest first', params: TicketRefParams, querystring: PageQuery, response: { 200: Page(PortalMessage) } },
  }, async (req) => {
    const r = await portal.myMessages(deps, req.actor, req.params.ref, req.query);
    return { items: r.items.map(presentPortalMessage), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/portal/tickets/:ref/messages', {
    schema: { tags, summary: 'Reply to my request; reopens it when it waited for me or was solved (Idempotency-Key supported)', params: TicketRefParams, body: PortalReplyBody, response: { 201: PortalMessage } },
  }, async (req, reply) => {
    return idempotent(deps, req, reply, 201, async (d) => presentPortalMessage(await portal.replyToMyTicket(d, req.actor, req.params.ref, req.body)));
  });

  app.register(async (sub) => {
    // the body is the file itself, whatever its type (as POST /api/v1/attachments for agents)
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.config.SLOVO_ATTACHMENT_MAX_BYTES + 1 }, (_req, body, done) => done(null, body));
    sub.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>().post('/api/v1/portal/attachments', {
      schema: {
        tags, summary: 'Upload a file (raw body; Content-Type is the file type); send it by id with a new request or a reply',
        querystring: z.object({ filename: z.string().min(1).max(255) }),
        response: { 201: Attachment },
      },
    }, async (req, reply) => {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const input = { filename: req.query.filename, contentType: req.headers['content-type'] ?? 'application/octet-stream', data };
      return idempotent(deps, req, reply, 201, async (d) => presentAttachment(await uploadMine(d, req.actor, input)));
    });
  });
}
