// The conversation analyzer: pure functions, no I/O. analyzeMessage reads a customer message,
// coachReply reads an agent's reply before it is sent.
export { analyzeMessage } from './message.ts';
export { coachReply } from './coach.ts';
export { detectLang } from './lang.ts';
export * from './types.ts';
