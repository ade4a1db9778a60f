// Sweeper source: fires due SLA alerts. Per pass: an index-only find of due rows, ONE statement
// that pops each row's plan head (re-checking next_alert_at <= now, so a re-run or a second
// sweeper fires nothing twice), marks breaches and writes their 'sla_breached' events, one
// statement for the recipients, one notify() for all. No per-row queries.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { SlaMetric } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { notify, type Notice } from '../notifications/notify.ts';
import { queuePriorityRefresh } from '../priority/queue.ts';

export type Fired = { ticket_id: string; metric: SlaMetric; level: number; due_at: Date | null };

/** The due rows, oldest first: an index-only scan of ticket_sla_next_alert. */
export async function dueTickets(db: Db, now: Date, limit: number): Promise<string[]> {
  const r = await sql<{ ticket_id: string }>`
    select ticket_id from ticket_sla where next_alert_at <= ${now} order by next_alert_at limit ${limit}`.execute(db);
  return r.rows.map((x) => x.ticket_id);
}

/** Pops the head alert of each due row; level 100 sets the metric's breach (at its due time) and writes the event. */
export async function popAlerts(db: Db, ids: string[], now: Date): Promise<Fired[]> {
  const r = await sql<Fired>`
    with l as (
      select ticket_id, alert_plan->0 as head from ticket_sla
      where ticket_id = any(${ids}::bigint[]) and next_alert_at <= ${now}
      for update skip locked
    ), u as (
      update ticket_sla s set
        alert_plan = s.alert_plan - 0,
        next_alert_at = (s.alert_plan->1->>'at')::timestamptz,
        first_response_breached_at = case when l.head->>'metric' = 'first_response' and l.head->>'level' = '100'
          then coalesce(s.first_response_breached_at, (l.head->>'at')::timestamptz) else s.first_response_breached_at end,
        next_response_breached_at = case when l.head->>'metric' = 'next_response' and l.head->>'level' = '100'
          then (l.head->>'at')::timestamptz else s.next_response_breached_at end,
        next_response_breaches = s.next_response_breaches + case when l.head->>'metric' = 'next_response' and l.head->>'level' = '100' then 1 else 0 end,
        resolution_breached_at = case when l.head->>'metric' = 'resolution' and l.head->>'level' = '100'
          then coalesce(s.resolution_breached_at, (l.head->>'at')::timestamptz) else s.resolution_breached_at end,
        updated_at = ${now}
      from l where s.ticket_id = l.ticket_id
      returning s.ticket_id, l.head->>'metric' as metric, (l.head->>'level')::int as level,
        case l.head->>'metric' when 'first_response' then s.first_response_due_at when 'next_response' then s.next_response_due_at
          else s.resolution_due_at end as due_at
    ), e as (
      insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
      select ticket_id, 'system', null, 'sla_breached', jsonb_build_object('metric', metric, 'dueAt', due_at), ${now}
      from u where level = 100
    )
    select ticket_id::text, metric, level, due_at from u`.execute(db);
  return r.rows;
}

/** Recipients of every fired alert in one statement: a warning goes to the assignee (unassigned:
 *  the group's members); a breach to the assignee, the group's members and its leads (no active
 *  lead in the group, or no group: all active leads and admins). Active users only. */
async function audience(db: Db, fired: Fired[]): Promise<Map<string, string[]>> {
  const r = await sql<{ ticket_id: string; breach: boolean; user_id: string }>`
    with f as (select distinct * from unnest(${fired.map((f) => f.ticket_id)}::bigint[], ${fired.map((f) => f.level === 100)}::boolean[]) as f(ticket_id, breach)),
    t as (select f.ticket_id, f.breach, t.assignee_id, t.group_id from f join tickets t on t.id = f.ticket_id),
    x as (
      select ticket_id, breach, assignee_id as user_id from t where assignee_id is not null
      union
      select t.ticket_id, t.breach, gm.user_id from t join group_members gm on gm.group_id = t.group_id where t.breach or t.assignee_id is null
      union
      select t.ticket_id, t.breach, u.id from t join users u on u.active and u.role in ('lead', 'admin')
      where t.breach and not exists (
        select 1 from group_members gm join users v on v.id = gm.user_id and v.active and v.role = 'lead' where gm.group_id = t.group_id)
    )
    select x.ticket_id::text, x.breach, x.user_id::text from x join users u on u.id = x.user_id and u.active
    order by 1, 3`.execute(db);
  const out = new Map<string, string[]>();
  for (const x of r.rows) {
    const k = `${x.ticket_id}:${x.breach}`;
    out.set(k, [...(out.get(k) ?? []), x.user_id]);
  }
  return out;
}

/** Fires due SLA alerts (warnings, breaches); returns how many fired. */
export async function sweepSlaAlerts(deps: Deps, db: Db, now: Date, limit: number): Promise<number> {
  let total = 0;
  const touched = new Set<string>();
  // a row with several past alerts (the sweeper was down) fires them in order, one per pass
  while (total < limit) {
    const ids = await dueTickets(db, now, limit - total);
    if (!ids.length) break;
    const fired = await popAlerts(db, ids, now);
    if (!fired.length) break; // the rest are locked by ticket changes: next sweep
    const who = await audience(db, fired);
    const notices: Notice[] = fired.flatMap((f) => {
      const dueIso = f.due_at ? new Date(f.due_at).toISOString() : 'none';
      const breach = f.level === 100;
      return (who.get(`${f.ticket_id}:${breach}`) ?? []).map((userId) => ({
        userId, kind: breach ? 'sla_breach' as const : 'sla_warning' as const, ticketId: f.ticket_id,
        data: { metric: f.metric, level: f.level, dueAt: f.due_at ? dueIso : null },
        dedupeKey: `sla:${f.ticket_id}:${f.metric}:${f.level}:${dueIso}:${userId}`,
      }));
    });
    await notify(deps, db, notices);
    for (const f of fired) touched.add(f.ticket_id);
    total += fired.length;
  }
  // the score reads the SLA state: refreshed right after, by a job (a sweep fires thousands)
  if (touched.size) await queuePriorityRefresh(deps, db, touched);
  return total;
}
