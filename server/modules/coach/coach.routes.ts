// The reply coach: flags, promises and suggestions for a draft reply, before it is sent.
import { CoachBody, CoachResult } from '../../../api/coach.ts';
import { actorKey } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { coachDraft } from './coach.service.ts';

const tags = ['coach'];

export function coachRoutes(app: App, deps: Deps) {
  app.post('/api/v1/coach', {
    // typing pauses of a busy agent stay far below this; a runaway client does not
    config: { rateLimit: { max: 240, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req) => (req.actor ? actorKey(req.actor) : req.ip) } },
    schema: {
      tags,
      summary: 'Coach a draft reply on a ticket: flags, promises with due times, suggestions (reads only; call it on typing pauses)',
      body: CoachBody,
      response: { 200: CoachResult },
    },
  }, async (req) => coachDraft(deps, req.actor, req.body));
}
