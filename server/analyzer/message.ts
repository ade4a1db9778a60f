import type { MessageAnalysis } from './types.ts';

export type MessageOptions = { sentAt?: Date | string };

/** Triage signals, tried steps and evidence for one customer message. (stub: being written) */
export function analyzeMessage(text: string, _opts: MessageOptions = {}): MessageAnalysis {
  return { lang: /[а-яё]/i.test(text) ? 'ru' : 'en', langs: [], signals: [], tried_steps: [], details: [] };
}
