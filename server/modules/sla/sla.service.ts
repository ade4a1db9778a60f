// SLA: policies, per-ticket state (ticket_sla), pauses, alert plans. CONTRACT STUB — helper B implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { TicketEvent } from '../keeping/events.ts';

/** Keeps ticket_sla in step with the ticket: creates the row on 'created', starts/meets/pauses clocks, replans alerts. */
export async function onTicketEvent(_deps: Deps, _db: Db, _ev: TicketEvent): Promise<void> {}

/** Sweeper source: fires due SLA alerts (warnings, breaches) set-based; returns how many fired. */
export async function sweepSlaAlerts(_deps: Deps, _db: Db, _now: Date, _limit: number): Promise<number> { return 0; }
