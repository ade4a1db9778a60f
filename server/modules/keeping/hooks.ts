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
import { REPEAT_DAYS } from '../priority/score.ts';
import { sql } from 'kysely';
import { tellCustomerReply } from '../notifications/customer-reply.ts';

export type { TicketEvent } from './events.ts';

export async function afterTicketChange(deps0: Deps, db: Db, ev: TicketEvent): Promise<void> {
  // deps.db is the change's transaction too: a hook holding a connection must never wait for a
  // second one (under load every connection would be held by a hook: the pool starves)
  const deps = db === deps0.db ? deps0 : { ...deps0, db };
  await slaOnEvent(deps, db, ev);
  await promisesOnEvent(deps, db, ev);
  await escalationOnEvent(deps, db, ev);
  if (ev.kind === 'message' && ev.author === 'customer' && ev.public && !ev.auto) await tellCustomerReply(deps, db, ev.ticketId, ev.messageId);
  // a new ticket makes its requester's other recent open tickets repeat contacts too
  await refreshPriority(deps, db, ev.kind === 'created' ? [ev.ticketId, ...(await recentSiblings(db, ev.ticketId))] : [ev.ticketId]);
}

/** The requester's other unsolved tickets of the repeat-contact window that are not repeat contacts yet
 *  (index tickets_requester; a customer writing for the 50th time costs no more than the 3rd). */
async function recentSiblings(db: Db, ticketId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    select s.id from tickets t join tickets s on s.requester_id = t.requester_id
    where t.id = ${ticketId} and s.id <> t.id and s.status < 'solved'
      and s.updated_at > now() - make_interval(days => ${REPEAT_DAYS})
      and not s.priority_parts @> '[{"code": "repeat_contact"}]'
    order by s.updated_at desc limit 10`.execute(db);
  return r.rows.map((x) => x.id);
}
