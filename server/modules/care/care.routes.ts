// Care memory: flags on customers and organizations, their history, and a ticket's banner.
import type { z } from 'zod';
import { CareFlag, CareList, CreateCareBody, EndCareBody } from '../../../api/care.ts';
import { IdParams } from '../../../api/common.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { iso, isoReq } from '../../http/types.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import * as care from './care.service.ts';

const tags = ['care'];

export function presentCare(deps: Deps, f: care.CareRow, now = new Date()): z.infer<typeof CareFlag> {
  return {
    id: f.id,
    scope: f.customer_id ? 'customer' : 'organization',
    customerId: f.customer_id,
    organizationId: f.organization_id,
    reason: f.reason,
    until: isoReq(f.until),
    points: f.points,
    ticket: f.ticket_id && f.ticket_number ? { id: f.ticket_id, number: ticketRef(deps.config, f.ticket_number) } : null,
    createdBy: f.created_by ? { id: f.created_by, name: f.created_by_name ?? '' } : null,
    createdAt: isoReq(f.created_at),
    active: !f.ended_at && f.until.getTime() > now.getTime(),
    endedAt: iso(f.ended_at),
    endedBy: f.ended_by ? { id: f.ended_by, name: f.ended_by_name ?? '' } : null,
    endReason: f.end_reason,
    endNote: f.end_note,
  };
}

export function careRoutes(app: App, deps: Deps) {
  const list = (rows: care.CareRow[]) => ({ items: rows.map((r) => presentCare(deps, r)) });
  for (const [scope, path] of [['customer', 'customers'], ['organization', 'organizations']] as const) {
    app.post(`/api/v1/${path}/:id/care`, {
      schema: {
        tags, summary: `Set a care flag on the ${scope} (reason, until or days, the incident ticket): raises the priority of their tickets and shows as a banner on each; Idempotency-Key supported`,
        params: IdParams, body: CreateCareBody, response: { 201: CareFlag },
      },
    }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentCare(d, await care.createCare(d, req.actor, scope, req.params.id, req.body))));

    app.get(`/api/v1/${path}/:id/care`, {
      schema: { tags, summary: `Care flags of the ${scope}, newest first, active and ended (history)`, params: IdParams, response: { 200: CareList } },
    }, async (req) => list(await care.listCare(deps, req.actor, scope, req.params.id)));
  }

  app.post('/api/v1/care/:id/end', {
    schema: { tags, summary: 'End a care flag before its time (kept in the history)', params: IdParams, body: EndCareBody, response: { 200: CareFlag } },
  }, async (req) => presentCare(deps, await care.endCare(deps, req.actor, req.params.id, req.body.note)));

  app.get('/api/v1/tickets/:ref/care', {
    schema: { tags, summary: "The care banner of a ticket: active flags of its customer and organization (reason, until, who set it, from which ticket)", params: TicketRefParams, response: { 200: CareList } },
  }, async (req) => list(await care.ticketCare(deps, req.actor, req.params.ref)));
}
