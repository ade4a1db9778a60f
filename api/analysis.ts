// The conversation analyzer in the API: a customer message's signals and the reply coach.
// The label lists are the analyzer's own (server/analyzer/types.ts), so they cannot drift.
import { z } from 'zod';
import { FLAGS, SIGNALS } from '../server/analyzer/types.ts';

export const Signal = z.enum(SIGNALS);
export const Flag = z.enum(FLAGS);

export const Evidence = z.object({ start: z.number().int(), end: z.number().int(), text: z.string() });
export const finding = <C extends z.ZodType>(code: C) => z.object({ code, confidence: z.number(), evidence: z.array(Evidence) });

/** On customer messages (staff only; never in the portal). Offsets are into bodyText. */
export const MessageAnalysis = z.object({
  lang: z.enum(['ru', 'en']),
  signals: z.array(Signal),
  triedSteps: z.array(z.string()),
  details: z.array(finding(Signal)),
});

export const CoachPromise = z.object({
  text: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  due: z.string().nullable(), // ISO 8601 in the ticket's zone, or null when no time was given
  confidence: z.number(),
});

/** What the coach said about a public reply when it was sent (staff only). */
export const MessageCoach = z.object({
  flags: z.array(Flag),
  promises: z.array(CoachPromise),
  overridden: z.array(Flag),
  acknowledged: z.boolean(),
});
