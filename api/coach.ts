// POST /api/v1/coach: the reply coach on a draft, before it is sent (no writes).
import { z } from 'zod';
import { CoachPromise, Flag, finding } from './analysis.ts';
import { Id } from './common.ts';
import { Status } from './tickets.ts';

export const CoachContext = z.object({
  unresolved: z.boolean(),
  ourFault: z.boolean(),
  customerAskedCause: z.boolean(),
});

export const CoachBody = z.object({
  ticket: z.string().max(40), // id or number (SL-10427)
  text: z.string().max(200_000),
  /** default: HTML when the text contains tags */
  format: z.enum(['html', 'text']).optional(),
  /** the status the agent is about to set with the reply (default: the ticket's, "new" becomes "open") */
  status: Status.optional(),
  context: CoachContext.partial().optional(),
  /** the language of the suggestions (default: the agent's profile locale) */
  locale: z.enum(['ru', 'en']).optional(),
});

export const CoachResult = z.object({
  lang: z.enum(['ru', 'en']),
  flags: z.array(Flag),
  promises: z.array(CoachPromise),
  suggestions: z.array(z.object({ code: Flag, text: z.string() })),
  details: z.array(finding(Flag)),
  context: CoachContext,
  customerMessageId: Id.nullable(),
});

