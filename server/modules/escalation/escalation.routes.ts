// Escalation handoff and history, automatic rules, third party, snooze.
import { z } from 'zod';
import { IdParams, Ok } from '../../../api/common.ts';
import {
  CreateRuleBody, DeescalateBody, EscalateBody, Escalation, EscalationDraft, EscalationResult, EscalationRule, SnoozeBody,
  ThirdPartyBody, TicketKeeping, UpdateRuleBody,
} from '../../../api/escalation.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import * as handoff from './handoff.service.ts';
import { presentEscalation, presentKeeping } from './move.ts';
import * as rules from './rules.service.ts';
import * as third from './third-party.service.ts';

const tags = ['escalation'];

export function escalationRoutes(app: App, deps: Deps) {
  const result = (r: Awaited<ReturnType<typeof handoff.escalate>>) => ({
    escalation: presentEscalation(r.escalation), ticket: presentKeeping(r.ticket), messageId: r.messageId,
  });

  app.get('/api/v1/tickets/:ref/escalation-draft', {
    schema: {
      tags, summary: "The handoff form prefilled: summary, the customer's tried steps, the next level's groups, attachments",
      params: TicketRefParams, response: { 200: EscalationDraft },
    },
  }, async (req) => handoff.draft(deps, req.actor, req.params.ref));

  app.post('/api/v1/tickets/:ref/escalate', {
    schema: {
      tags, summary: 'Escalate to a higher level with a handoff (summary, tried, needed, attachments), optionally telling the customer a new time frame (a promise); Idempotency-Key supported',
      params: TicketRefParams, body: EscalateBody, response: { 201: EscalationResult },
    },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => result(await handoff.escalate(d, req.actor, req.params.ref, req.body))));

  app.post('/api/v1/tickets/:ref/deescalate', {
    schema: { tags, summary: 'Hand the ticket back to a lower level, with a note', params: TicketRefParams, body: DeescalateBody, response: { 201: EscalationResult } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => result(await handoff.deescalate(d, req.actor, req.params.ref, req.body))));

  app.get('/api/v1/tickets/:ref/escalations', {
    schema: { tags, summary: 'Escalations and de-escalations of the ticket, oldest first', params: TicketRefParams, response: { 200: z.object({ items: z.array(Escalation) }) } },
  }, async (req) => ({ items: (await handoff.history(deps, req.actor, req.params.ref)).map(presentEscalation) }));

  app.get('/api/v1/escalation-rules', {
    schema: { tags, summary: 'Automatic escalation rules', response: { 200: z.object({ items: z.array(EscalationRule) }) } },
  }, async (req) => ({ items: (await rules.listRules(deps, req.actor)).map(rules.presentRule) }));

  app.post('/api/v1/escalation-rules', {
    schema: { tags, summary: 'Add an automatic escalation rule (fires once per ticket)', body: CreateRuleBody, response: { 201: EscalationRule } },
  }, async (req, reply) => {
    reply.code(201);
    return rules.presentRule(await rules.createRule(deps, req.actor, req.body));
  });

  app.patch('/api/v1/escalation-rules/:id', {
    schema: { tags, summary: 'Change an automatic escalation rule', params: IdParams, body: UpdateRuleBody, response: { 200: EscalationRule } },
  }, async (req) => rules.presentRule(await rules.updateRule(deps, req.actor, req.params.id, req.body)));

  app.delete('/api/v1/escalation-rules/:id', {
    schema: { tags, summary: 'Delete an automatic escalation rule', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await rules.deleteRule(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.put('/api/v1/tickets/:ref/third-party', {
    schema: {
      tags, summary: 'Waiting on a third party: its name and an optional follow-up date (status pending_third_party)',
      params: TicketRefParams, body: ThirdPartyBody, response: { 200: TicketKeeping },
    },
  }, async (req) => presentKeeping(await third.setThirdParty(deps, req.actor, req.params.ref, req.body)));

  app.delete('/api/v1/tickets/:ref/third-party', {
    schema: { tags, summary: 'No longer waiting on a third party (status back to open)', params: TicketRefParams, response: { 200: TicketKeeping } },
  }, async (req) => presentKeeping(await third.clearThirdParty(deps, req.actor, req.params.ref)));

  app.post('/api/v1/tickets/:ref/snooze', {
    schema: { tags, summary: 'Snooze the ticket until a time (the assignee is reminded then)', params: TicketRefParams, body: SnoozeBody, response: { 200: TicketKeeping } },
  }, async (req) => presentKeeping(await third.snooze(deps, req.actor, req.params.ref, req.body)));

  app.delete('/api/v1/tickets/:ref/snooze', {
    schema: { tags, summary: 'Wake a snoozed ticket now', params: TicketRefParams, response: { 200: TicketKeeping } },
  }, async (req) => presentKeeping(await third.unsnooze(deps, req.actor, req.params.ref)));
}
