// SLA policies, a ticket's SLA state, the SLA report.
import { z } from 'zod';
import { IdParams, Ok } from '../../../api/common.ts';
import { CreateSlaPolicyBody, SlaPolicy, SlaReport, SlaReportQuery, TicketSla, UpdateSlaPolicyBody } from '../../../api/sla.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import * as policies from './sla.policies.ts';
import { presentPolicy } from './sla.policies.ts';
import { slaReport, ticketSla } from './sla.report.ts';

const tags = ['sla'];
const NOT_RETRO = 'Tickets already running on a policy keep their due times (new targets apply to clocks started later and to re-matched tickets)';

export function slaRoutes(app: App, deps: Deps) {
  app.get('/api/v1/sla-policies', {
    schema: { tags, summary: 'SLA policies in match order (the first active one whose conditions hold wins)', response: { 200: z.object({ items: z.array(SlaPolicy) }) } },
  }, async (req) => ({ items: (await policies.listPolicies(deps, req.actor)).map(presentPolicy) }));

  app.get('/api/v1/sla-policies/:id', {
    schema: { tags, summary: 'One SLA policy', params: IdParams, response: { 200: SlaPolicy } },
  }, async (req) => presentPolicy(await policies.getPolicy(deps, req.actor, req.params.id)));

  app.post('/api/v1/sla-policies', {
    schema: { tags, summary: 'Create an SLA policy (matches new tickets and re-matched ones); Idempotency-Key supported', body: CreateSlaPolicyBody, response: { 201: SlaPolicy } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentPolicy(await policies.createPolicy(d, req.actor, req.body))));

  app.patch('/api/v1/sla-policies/:id', {
    schema: { tags, summary: `Change an SLA policy or its position. ${NOT_RETRO}`, params: IdParams, body: UpdateSlaPolicyBody, response: { 200: SlaPolicy } },
  }, async (req) => presentPolicy(await policies.updatePolicy(deps, req.actor, req.params.id, req.body)));

  app.delete('/api/v1/sla-policies/:id', {
    schema: { tags, summary: 'Delete an SLA policy: it never matches again; tickets running on it keep it to the end', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await policies.deletePolicy(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.get('/api/v1/tickets/:ref/sla', {
    schema: { tags, summary: "The ticket's SLA: policy, calendar, per metric due / met / breached / business minutes left, pauses and waits", params: TicketRefParams, response: { 200: TicketSla } },
  }, async (req) => ticketSla(deps, req.actor, req.params.ref));

  app.get('/api/v1/reports/sla', {
    schema: { tags, summary: 'SLA report for tickets created in [from, to): met / breached / running per metric, breach rate, waiting times', querystring: SlaReportQuery, response: { 200: SlaReport } },
  }, async (req) => slaReport(deps, req.actor, req.query));
}
