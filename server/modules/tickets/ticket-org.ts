// Open tickets follow their requester's organization. Such a move is a ticket change like any
// other: version and updated_at go up and each moved ticket gets an "updated" event.
import { sql } from 'kysely';
import type { UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';

/** Moves the open tickets of `requesterIds` to `orgId`; with onlyUnset, only those without an organization. */
export async function moveOpenTickets(db: Db, actor: UserActor, requesterIds: string[], orgId: string | null, onlyUnset = false): Promise<void> {
  if (!requesterIds.length) return;
  const now = new Date();
  const actorId = actor.id === '0' ? null : actor.id;
  await sql`
    with o as (
      select id, organization_id as old from tickets
      where requester_id = any(${requesterIds}::bigint[]) and status < 'solved'
        and organization_id is distinct from ${orgId}::bigint ${onlyUnset ? sql`and organization_id is null` : sql``}
      for update
    ), moved as (
      update tickets t set organization_id = ${orgId}::bigint, version = t.version + 1, updated_at = ${now}::timestamptz
      from o where t.id = o.id
      returning t.id, o.old
    )
    insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
    select id, 'agent', ${actorId}::bigint, 'updated',
           jsonb_build_object('changes', jsonb_build_object('organizationId', jsonb_build_array(old::text, ${orgId}::text))), ${now}::timestamptz
    from moved`.execute(db);
}
