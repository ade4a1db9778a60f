// Sweeper source: reminders before the due time and the break at it, set-based.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { evaluateRules } from '../escalation/escalation.service.ts';
import { notify, type Notice } from '../notifications/notify.ts';
import { queuePriorityRefresh } from '../priority/queue.ts';

type Fired = {
  id: string; ticket_id: string; owner_id: string | null; text: string; due_at: Date; level: 'remind' | 'due'; minutes: number;
};

/** Leads of each ticket: the active leads of its group, else every active lead and admin (one statement). */
async function leadsOf(db: Db, ticketIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!ticketIds.length) return out;
  const r = await sql<{ ticket_id: string; user_id: string }>`
    with tk as (select id, group_id from tickets where id = any(${ticketIds}::bigint[])),
    gl as (
      select tk.id as ticket_id, u.id as user_id from tk join group_members gm on gm.group_id = tk.group_id
      join users u on u.id = gm.user_id and u.active and u.role = 'lead'
    )
    select ticket_id, user_id from gl
    union
    select tk.id, u.id from tk join users u on u.active and u.role in ('lead', 'admin')
    where not exists (select 1 from gl where gl.ticket_id = tk.id)`.execute(db);
  for (const x of r.rows) out.set(x.ticket_id, [...(out.get(x.ticket_id) ?? []), x.user_id]);
  return out;
}

/**
 * Finds due alerts by an index-only scan of promises_next_alert, then pops the plan's due
 * entries in one statement that re-checks `next_alert_at <= now` under a row lock (a re-run or
 * a second sweeper fires nothing twice). The latest due entry fires (stale reminders after a
 * sweeper outage are dropped): a reminder goes to the owner; the due check breaks an open
 * promise (owner + leads hear, a ticket_events row). Returns the number of alerts fired.
 */
export async function sweepPromiseAlerts(deps: Deps, db: Db, now: Date, limit: number): Promise<number> {
  const found = await sql<{ id: string }>`
    select id from promises where next_alert_at <= ${now} order by next_alert_at limit ${limit}`.execute(db);
  if (!found.rows.length) return 0;
  const ids = found.rows.map((r) => r.id);
  return inTx(db, async (trx) => {
    const fired = (await sql<Fired>`
      with due as (
        select id, state,
          -- the latest alert that came due fires; older ones the sweeper missed (it was down) are dropped
          (select a from jsonb_array_elements(alert_plan) with ordinality e(a, n) where (a->>'at')::timestamptz <= ${now} order by n desc limit 1) as head,
          coalesce((select jsonb_agg(a order by n) from jsonb_array_elements(alert_plan) with ordinality e(a, n) where (a->>'at')::timestamptz > ${now}), '[]') as rest
        from promises
        where id = any(${ids}::bigint[]) and next_alert_at <= ${now}
        for update skip locked
      ), upd as (
        update promises p set
          alert_plan = due.rest,
          next_alert_at = (due.rest->0->>'at')::timestamptz,
          state = case when due.head->>'level' = 'due' and p.state = 'open' then 'broken'::promise_state else p.state end,
          resolved_at = case when due.head->>'level' = 'due' and p.state = 'open' then p.due_at else p.resolved_at end,
          updated_at = ${now}
        from due where p.id = due.id
        returning p.id, p.ticket_id, p.owner_id, p.text, p.due_at, due.state as was, due.head->>'level' as level,
          coalesce((due.head->>'minutes')::int, 0) as minutes
      ), ev as (
        insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
        select ticket_id, 'system', null, 'promise_broken',
          jsonb_build_object('promiseId', id::text, 'dueAt', due_at, 'ownerId', owner_id::text), ${now}
        from upd where level = 'due' and was = 'open'
      )
      select id::text, ticket_id::text, owner_id::text, text, due_at, level, minutes from upd where was = 'open'
    `.execute(trx)).rows;
    if (!fired.length) return 0;
    const broken = fired.filter((f) => f.level === 'due');
    const brokenTickets = [...new Set(broken.map((f) => f.ticket_id))];
    const leads = await leadsOf(trx, brokenTickets);
    const notices: Notice[] = [];
    for (const f of fired) {
      const data = { promiseId: f.id, text: f.text, dueAt: new Date(f.due_at).toISOString(), minutes: f.minutes };
      const key = `promise:${f.id}:${f.level}:${f.minutes}`;
      const users = f.level === 'remind' ? [f.owner_id] : [f.owner_id, ...(leads.get(f.ticket_id) ?? [])];
      // dedupe keys are unique over all users: the recipient is part of the name
      for (const u of new Set(users)) {
        if (u) notices.push({ userId: u, kind: f.level === 'remind' ? 'promise_reminder' : 'promise_broken', ticketId: f.ticket_id, data, dedupeKey: `${key}:${u}` });
      }
    }
    await notify(deps, trx, notices);
    if (brokenTickets.length) {
      // as in keeping/hooks.ts: automatic escalation rules, then the score that reads them
      await evaluateRules(deps, trx, brokenTickets, now);
      await queuePriorityRefresh(deps, trx, brokenTickets);
    }
    return fired.length;
  });
}
