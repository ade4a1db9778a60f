// The reply coach: flags, promises and suggestions for a draft reply, before it is sent.
import { CoachBody, CoachResult } from '../../../api/coach.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { coachDraft } from './coach.service.ts';

const tags = ['coach'];

export function coachRoutes(app: App, deps: Deps) {
  app.post('/api/v1/coach', {
    schema: {
      tags,
      summary: 'Coach a draft reply on a ticket: flags, promises with due times, suggestions (reads only; call it on typing pauses)',
      body: CoachBody,
      response: { 200: CoachResult },
    },
  }, async (req) => coachDraft(deps, req.actor, req.body));
}
