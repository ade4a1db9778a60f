// Promise ledger. CONTRACT STUB — helper C implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { UserActor } from '../../actor.ts';
import type { PromiseKind } from '../../db/types.ts';
import type { TicketEvent } from '../keeping/events.ts';

export type NewPromise = {
  text: string; dueAt: string | Date; kind?: PromiseKind; ownerId?: string | null; visibleToCustomer?: boolean;
};

/** Auto-keeps open promises on a public agent reply (per kind), links "you promised" claims. */
export async function onTicketEvent(_deps: Deps, _db: Db, _ev: TicketEvent): Promise<void> {}

/** Creates promises in the caller's transaction (source 'reply' with messageId, 'manual', or 'escalation'). */
export async function createPromises(
  _deps: Deps, _db: Db, _actor: UserActor, _ticketId: string, _items: NewPromise[],
  _src: { source: 'reply' | 'manual' | 'escalation'; messageId?: string | null },
): Promise<{ id: string }[]> { return []; }

/** Sweeper source: reminders and breaks of due promises; returns how many alerts fired. */
export async function sweepPromiseAlerts(_deps: Deps, _db: Db, _now: Date, _limit: number): Promise<number> { return 0; }
