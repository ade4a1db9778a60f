// Links between tickets: related, duplicate_of, parent_of. Stored once, shown from either side:
// "A duplicate_of B" reads "B duplicated_by A"; "A parent_of B" reads "B child_of A".
import { sql } from 'kysely';
import type { z } from 'zod';
import { isId } from '../../../api/common.ts';
import type { LinkBody, TicketLink } from '../../../api/tickets.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { LinkKind, TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { isoReq } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { findBodyTicket } from './merge.service.ts';
import { ticketRef } from './ticket-number.ts';
import { actorCols, findTicket } from './tickets.service.ts';

type Seen = z.infer<typeof TicketLink>['kind'];
type LinkRow = { id: string; ticket_id: string; other_ticket_id: string; kind: LinkKind; created_at: Date };
type Other = { id: string; number: string; subject: string; status: TicketStatus };

const PARENT_LOCK = 7_301_952_101; // serializes parent_of changes so cycle checks hold
const MAX_DEPTH = 1000;

/** The link kind as seen from ticket `me`. */
export function seenFrom(me: string, l: Pick<LinkRow, 'ticket_id' | 'kind'>): Seen {
  if (l.ticket_id === me || l.kind === 'related') return l.kind;
  return l.kind === 'duplicate_of' ? 'duplicated_by' : 'child_of';
}

function present(deps: Deps, me: string, l: LinkRow, o: Other) {
  return {
    id: l.id,
    kind: seenFrom(me, l),
    ticket: { id: o.id, number: ticketRef(deps.config, o.number), subject: o.subject, status: o.status },
    createdAt: isoReq(l.created_at),
  };
}

export async function listLinks(deps: Deps, actor: Actor, ref: string, q: { limit: number; cursor?: string }) {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const c = decodeCursor(q.cursor, 1) as string[] | null;
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid');
  let query = deps.db
    .selectFrom('ticket_links as l')
    .innerJoin('tickets as o', (j) => j.on(sql<boolean>`o.id = case when l.ticket_id = ${t.id} then l.other_ticket_id else l.ticket_id end`))
    .select(['l.id', 'l.ticket_id', 'l.other_ticket_id', 'l.kind', 'l.created_at', 'o.id as o_id', 'o.number', 'o.subject', 'o.status'])
    .where((eb) => eb.or([eb('l.ticket_id', '=', t.id), eb('l.other_ticket_id', '=', t.id)]))
    .orderBy('l.id')
    .limit(q.limit + 1);
  if (c) query = query.where('l.id', '>', String(c[0]));
  const r = page(await query.execute(), q.limit, (l) => [l.id]);
  return { items: r.items.map((l) => present(deps, t.id, l, { id: l.o_id, number: l.number, subject: l.subject, status: l.status })), nextCursor: r.nextCursor };
}

/** True when `ancestor` is `id` or above it in the parent chain. */
async function isAncestor(db: Db, ancestor: string, id: string): Promise<boolean> {
  if (ancestor === id) return true;
  const r = await sql<{ found: boolean }>`
    with recursive up (id, depth) as (
      select ticket_id, 1 from ticket_links where other_ticket_id = ${id} and kind = 'parent_of'
      union all
      select l.ticket_id, up.depth + 1 from ticket_links l join up on l.other_ticket_id = up.id
      where l.kind = 'parent_of' and up.depth < ${MAX_DEPTH}
    )
    select exists (select 1 from up where id = ${ancestor}) as found`.execute(db);
  return r.rows[0].found;
}

export async function createLink(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof LinkBody>) {
  authorize(actor, 'ticket.update');
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref);
    const o = await findBodyTicket(trx, deps, actor, input.otherRef, '/otherRef');
    if (t.id === o.id) throw new AppError('invalid_state', 'a ticket cannot be linked to itself');
    const [from, to, kind]: [string, string, LinkKind] = input.kind === 'child_of' ? [o.id, t.id, 'parent_of'] : [t.id, o.id, input.kind];
    if (kind === 'parent_of') {
      await sql`select pg_advisory_xact_lock(${PARENT_LOCK})`.execute(trx);
      const parent = await trx.selectFrom('ticket_links').select('ticket_id').where('other_ticket_id', '=', to).where('kind', '=', 'parent_of').executeTakeFirst();
      if (parent && parent.ticket_id === from) throw new AppError('already_exists', 'these tickets are already linked this way');
      if (parent) throw new AppError('invalid_state', 'the child ticket already has a parent; unlink it first');
      if (await isAncestor(trx, to, from)) throw new AppError('invalid_state', 'this link would make a parent cycle');
    }
    const dup = await trx
      .selectFrom('ticket_links')
      .select('id')
      .where('kind', '=', kind)
      .where((eb) => eb.or([
        eb.and([eb('ticket_id', '=', from), eb('other_ticket_id', '=', to)]),
        eb.and([eb('ticket_id', '=', to), eb('other_ticket_id', '=', from)]),
      ]))
      .executeTakeFirst();
    if (dup) throw new AppError('already_exists', 'these tickets are already linked this way');
    const now = new Date();
    // A concurrent twin would trip the unique pair index: do nothing and report it.
    const link = await trx.insertInto('ticket_links')
      .values({ ticket_id: from, other_ticket_id: to, kind, created_by: actor.id === '0' ? null : actor.id, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!link) throw new AppError('already_exists', 'these tickets are already linked this way');
    await linkEvents(trx, deps, actor, 'linked', link, t, o, now);
    return present(deps, t.id, link, o);
  });
}

async function linkEvents(trx: Db, deps: Deps, actor: UserActor, kind: 'linked' | 'unlinked', l: LinkRow, a: Other, b: Other, now: Date) {
  const ev = (me: Other, other: Other) => ({
    ticket_id: me.id, ...actorCols(actor), kind, created_at: now,
    data: JSON.stringify({ linkId: l.id, kind: seenFrom(me.id, l), ticketId: other.id, number: ticketRef(deps.config, other.number) }),
  });
  await trx.insertInto('ticket_events').values([ev(a, b), ev(b, a)]).execute();
}

export async function deleteLink(deps: Deps, actor: Actor, ref: string, linkId: string) {
  authorize(actor, 'ticket.update');
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref);
    const link = await trx
      .deleteFrom('ticket_links')
      .where('id', '=', linkId)
      .where((eb) => eb.or([eb('ticket_id', '=', t.id), eb('other_ticket_id', '=', t.id)]))
      .returningAll()
      .executeTakeFirst();
    if (!link) throw notFound('link');
    const otherId = link.ticket_id === t.id ? link.other_ticket_id : link.ticket_id;
    const o = await trx.selectFrom('tickets').select(['id', 'number', 'subject', 'status']).where('id', '=', otherId).executeTakeFirstOrThrow();
    await linkEvents(trx, deps, actor, 'unlinked', link, t, o, new Date());
  });
}
