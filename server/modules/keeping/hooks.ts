// Keeping the word: every change to a ticket passes through afterTicketChange, in the
// transaction that made it (or right after, on the one-statement create path; the sweeper
// catches up tickets a crash left without their SLA row). Order matters: SLA and promises
// first, then automatic escalation rules, then the priority score that reads them all.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { onTicketEvent as slaOnEvent } from '../sla/sla.service.ts';
import { onTicketEvent as promisesOnEvent } from '../promises/promises.service.ts';
import { onTicketEvent as escalationOnEvent } from '../escalation/escalation.service.ts';
import { refreshPriority } from '../priority/priority.service.ts';
import type { TicketEvent } from './events.ts';

export type { TicketEvent } from './events.ts';

export async function afterTicketChange(deps: Deps, db: Db, ev: TicketEvent): Promise<void> {
  await slaOnEvent(deps, db, ev);
  await promisesOnEvent(deps, db, ev);
  await escalationOnEvent(deps, db, ev);
  await refreshPriority(deps, db, [ev.ticketId]);
}
