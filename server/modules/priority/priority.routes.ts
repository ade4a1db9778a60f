// Priority score: a ticket's explanation and the weights (settings key 'priority_weights').
import { PriorityExplanation, PriorityWeightsOverrides, PriorityWeightsResponse } from '../../../api/priority.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import * as priority from './priority.service.ts';

const tags = ['priority'];

export function priorityRoutes(app: App, deps: Deps) {
  app.get('/api/v1/tickets/:ref/priority', {
    schema: { tags, summary: 'Why the ticket has its priority score: the parts (e.g. "+20 trial customer") it is the sum of, clamped to 0..100', params: TicketRefParams, response: { 200: PriorityExplanation } },
  }, async (req) => priority.ticketPriority(deps, req.actor, req.params.ref));

  app.get('/api/v1/settings/priority-weights', {
    schema: { tags, summary: 'Points of each priority part: in effect, defaults, and the stored overrides', response: { 200: PriorityWeightsResponse } },
  }, async (req) => priority.getWeights(deps, req.actor));

  app.put('/api/v1/settings/priority-weights', {
    schema: {
      tags, summary: 'Replace the overrides of the default points (admin; {} restores the defaults); every unsolved ticket is recomputed in the background',
      body: PriorityWeightsOverrides, response: { 202: PriorityWeightsResponse },
    },
  }, async (req, reply) => {
    const r = await priority.putWeights(deps, req.actor, req.body);
    reply.code(202);
    return r;
  });
}
