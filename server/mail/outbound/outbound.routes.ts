// Outbound mail routes: a ticket's mails and their state; requeue a failed mail.
import { IdParams, Page } from '../../../api/common.ts';
import { OutboxMail, OutboxMailWithTicket, OutboxQuery, TicketMailList } from '../../../api/mail-outbound.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { listOutbox, retryOutbox, ticketMails } from './outbound.service.ts';
import { closeTransports } from './sender.ts';

export function outboundRoutes(app: App, deps: Deps) {
  app.addHook('onClose', () => closeTransports()); // pooled SMTP connections end with the server, after mails in flight

  app.get('/api/v1/tickets/:ref/mail', {
    schema: {
      tags: ['tickets'], summary: 'Mails sent (or being sent) about this ticket: status, attempts, last error, Message-ID',
      params: TicketRefParams, response: { 200: TicketMailList },
    },
  }, async (req) => ticketMails(deps, req.actor, req.params.ref));

  app.get('/api/v1/mail/outbox', {
    schema: { tags: ['mail'], summary: 'Outgoing mails, newest first (e.g. ?status=failed)', querystring: OutboxQuery, response: { 200: Page(OutboxMailWithTicket) } },
  }, async (req) => listOutbox(deps, req.actor, req.query));

  app.post('/api/v1/mail/outbox/:id/retry', {
    schema: { tags: ['mail'], summary: 'Send a failed mail again (attempts start over)', params: IdParams, response: { 200: OutboxMail } },
  }, async (req) => retryOutbox(deps, req.actor, req.params.id));
}
