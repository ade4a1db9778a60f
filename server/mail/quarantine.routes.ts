// Inbound mails for admins: list (quarantine = ?stage=quarantined), one mail, its raw source, retry, release.
import { z } from 'zod';
import { IdParams, Page } from '../../api/common.ts';
import { InboundMail, InboundQuery } from '../../api/mail.ts';
import type { Deps } from '../deps.ts';
import { isoReq, type App } from '../http/types.ts';
import * as q from './quarantine.service.ts';

const tags = ['mail'];
type Row = Awaited<ReturnType<typeof q.getInbound>>;

function present(r: Omit<Row, 'receipts'> & { receipts?: Row['receipts'] }): z.infer<typeof InboundMail> {
  return {
    id: r.id, channelId: r.channel_id, path: r.path, sha256: r.sha256, size: r.size, messageId: r.message_id, from: r.from_address,
    subject: r.subject, stage: r.stage, reasonCode: r.reason_code, reason: r.reason, ticketId: r.ticket_id, ticketMessageId: r.ticket_message_id,
    duplicateOf: r.duplicate_of, attempts: r.attempts, receivedAt: isoReq(r.received_at), updatedAt: isoReq(r.updated_at),
    ...(r.receipts ? { receipts: r.receipts.map((x) => ({ path: x.path, pathRef: x.path_ref, receivedAt: isoReq(x.received_at) })) } : {}),
  };
}

const Restarted = z.object({ id: z.string(), stage: z.literal('received') });

export function quarantineRoutes(app: App, deps: Deps) {
  app.get('/api/v1/mail/received', {
    schema: { tags, summary: 'Inbound mails, newest first; ?stage=quarantined is the quarantine', querystring: InboundQuery, response: { 200: Page(InboundMail) } },
  }, async (req) => {
    const r = await q.listInbound(deps, req.actor, req.query);
    return { items: r.items.map(present), nextCursor: r.nextCursor };
  });

  app.get('/api/v1/mail/received/:id', {
    schema: { tags, summary: 'One inbound mail: stage, reason, every path it came by', params: IdParams, response: { 200: InboundMail } },
  }, async (req) => present(await q.getInbound(deps, req.actor, req.params.id)));

  app.get('/api/v1/mail/received/:id/source', {
    schema: { tags, summary: 'The raw source exactly as received (a download)', params: IdParams },
  }, async (req, reply) => {
    const raw = await q.rawInbound(deps, req.actor, req.params.id);
    return reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="mail-${req.params.id}.eml"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(raw);
  });

  app.post('/api/v1/mail/received/:id/retry', {
    schema: { tags, summary: 'Run a quarantined or ignored mail through the pipeline again', params: IdParams, response: { 202: Restarted } },
  }, async (req, reply) => reply.code(202).send(await q.retryInbound(deps, req.actor, req.params.id)));

  app.post('/api/v1/mail/received/:id/release', {
    schema: { tags, summary: 'Deliver a quarantined mail despite its reason (loop checks skipped; unreadable mail arrives with its source attached)', params: IdParams, response: { 202: Restarted } },
  }, async (req, reply) => reply.code(202).send(await q.releaseInbound(deps, req.actor, req.params.id)));
}
