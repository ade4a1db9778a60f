// Escalation L1 -> L2 -> L3, automatic rules, third party, snooze. CONTRACT STUB — helper E implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { TicketEvent } from '../keeping/events.ts';

/** Evaluates the automatic escalation rules for the ticket (each rule fires once per ticket). */
export async function onTicketEvent(_deps: Deps, _db: Db, _ev: TicketEvent): Promise<void> {}

/** Sweeper sources: third-party follow-ups and snoozes that came due. */
export async function sweepFollowUps(_deps: Deps, _db: Db, _now: Date, _limit: number): Promise<number> { return 0; }
export async function sweepSnoozes(_deps: Deps, _db: Db, _now: Date, _limit: number): Promise<number> { return 0; }
