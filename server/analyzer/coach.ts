import type { CoachOptions, ReplyAnalysis } from './types.ts';

/** Flags, promises (with due times) and suggestions for a reply draft. (stub: being written) */
export function coachReply(reply: string, _opts: CoachOptions = {}): ReplyAnalysis {
  return { lang: /[а-яё]/i.test(reply) ? 'ru' : 'en', flags: [], promises: [], details: [], suggestions: [] };
}
