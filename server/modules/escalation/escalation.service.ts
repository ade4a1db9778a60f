// Escalation L1 -> L2 -> L3, automatic rules, third party, snooze: the entry points the keeping hooks
// and the sweeper call. The work lives in handoff.service.ts, rules.service.ts, third-party.service.ts.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { TicketEvent } from '../keeping/events.ts';
import { evaluateRules } from './rules.service.ts';

export { evaluateRules } from './rules.service.ts';
export { sweepFollowUps, sweepSnoozes } from './third-party.service.ts';

/** Evaluates the automatic escalation rules for the ticket (each rule fires once per ticket). */
export async function onTicketEvent(deps: Deps, db: Db, ev: TicketEvent): Promise<void> {
  await evaluateRules(deps, db, [ev.ticketId], ev.at);
}
