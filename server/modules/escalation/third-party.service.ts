// Waiting on a third party (name and follow-up date) and snoozing a ticket; the sweeper sources
// that remind when a follow-up or a snooze comes due.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { SnoozeBody, ThirdPartyBody } from '../../../api/escalation.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { afterTicketChange } from '../keeping/hooks.ts';
import { notify, recipients, type NotificationKind } from '../notifications/notify.ts';
import { actorCols, findTicket } from '../tickets/tickets.service.ts';
import { keepingRow, type KeepingRow } from './move.ts';

const future = (path: string, iso: string | null | undefined) => {
  if (iso && Date.parse(iso) <= Date.now()) throw new AppError('invalid_state', `${path.slice(1)} must be in the future`, { errors: [{ path, message: 'must be in the future' }] });
};

const same = (a: unknown, b: unknown) => (a instanceof Date ? a.toISOString() : a ?? null) === (b instanceof Date ? b.toISOString() : b ?? null);

/** Applies the changed columns to an open ticket the caller may write: version, event, keeping hooks. */
async function change(
  deps: Deps, actor: Actor, ref: string, event: string,
  next: (t: KeepingRow) => { set: Record<string, unknown>; changes: Record<string, [unknown, unknown]> },
): Promise<KeepingRow> {
  authorize(actor, 'ticket.escalate');
  return inTx(deps.db, async (trx) => {
    const found = await findTicket(trx, deps, actor, ref, { lock: true });
    const t = await keepingRow(trx, found.id);
    if (t.status === 'closed') throw new AppError('invalid_state', 'closed tickets cannot be changed; open a follow-up');
    if (t.merged_into_id) throw new AppError('invalid_state', 'this ticket was merged; change the ticket it was merged into');
    const { set, changes } = next(t);
    for (const k of Object.keys(changes)) if (same(changes[k][0], changes[k][1])) delete changes[k];
    if (!Object.keys(changes).length) return t;
    const now = new Date();
    await trx.updateTable('tickets').set({ ...set, updated_at: now, version: sql`version + 1` }).where('id', '=', t.id).execute();
    const json: Record<string, [unknown, unknown]> = {};
    for (const [k, [a, b]] of Object.entries(changes)) json[k] = [a instanceof Date ? a.toISOString() : a, b];
    await trx.insertInto('ticket_events').values({ ticket_id: t.id, ...actorCols(actor as UserActor), kind: event, data: JSON.stringify({ changes: json }), created_at: now }).execute();
    await afterTicketChange(deps, trx, { kind: 'updated', ticketId: t.id, at: now, changes: json, actorId: actor.id });
    return keepingRow(trx, t.id);
  });
}

const reopened = (t: KeepingRow) => (t.status === 'solved' ? { solved_at: null } : {});

export function setThirdParty(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof ThirdPartyBody>) {
  future('/followUpAt', input.followUpAt);
  const followUp = input.followUpAt ?? null;
  return change(deps, actor, ref, 'third_party_set', (t) => ({
    set: { status: 'pending_third_party', third_party_name: input.name, third_party_follow_up_at: followUp, ...reopened(t) },
    changes: {
      status: [t.status, 'pending_third_party'], thirdPartyName: [t.third_party_name, input.name],
      thirdPartyFollowUpAt: [t.third_party_follow_up_at, followUp && new Date(followUp).toISOString()],
    },
  }));
}

export function clearThirdParty(deps: Deps, actor: Actor, ref: string) {
  return change(deps, actor, ref, 'third_party_cleared', (t) => {
    const status = t.status === 'pending_third_party' ? 'open' : t.status;
    return {
      set: { status, third_party_name: null, third_party_follow_up_at: null },
      changes: { status: [t.status, status], thirdPartyName: [t.third_party_name, null], thirdPartyFollowUpAt: [t.third_party_follow_up_at, null] },
    };
  });
}

export function snooze(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof SnoozeBody>) {
  future('/until', input.until);
  const until = new Date(input.until).toISOString();
  return change(deps, actor, ref, 'snoozed', (t) => ({ set: { snoozed_until: until }, changes: { snoozedUntil: [t.snoozed_until, until] } }));
}

export function unsnooze(deps: Deps, actor: Actor, ref: string) {
  return change(deps, actor, ref, 'unsnoozed', (t) => ({ set: { snoozed_until: null }, changes: { snoozedUntil: [t.snoozed_until, null] } }));
}

type Due = { id: string; number: string; subject: string; third_party_name: string | null; at: Date };

/**
 * Clears due follow-ups (or snoozes) found on their partial index, re-checking the due time in the
 * update (a second sweeper or a re-run finds nothing), writes a history event, and notifies the
 * assignee (or the group's members when unassigned; the leads when neither) — all in the caller's
 * transaction, so the notifications exist exactly when the clearing committed.
 */
async function sweepDue(deps: Deps, db: Db, now: Date, limit: number, col: 'third_party_follow_up_at' | 'snoozed_until', kind: NotificationKind): Promise<number> {
  const c = sql.ref(col);
  const rows = (await sql<Due>`
    with due as (
      select id, ${c} as at from tickets where ${c} <= ${now} order by ${c}, id limit ${limit}
    ), done as (
      update tickets t set ${c} = null from due where t.id = due.id and t.${c} <= ${now}
      returning t.id, t.number, t.subject, t.third_party_name, due.at
    ), ev as (
      insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
      select done.id, 'system', null, ${kind}, jsonb_build_object('dueAt', done.at), ${now} from done
    )
    select * from done`.execute(db)).rows;
  if (!rows.length) return 0;
  const ids = rows.map((r) => r.id);
  const who = (await sql<{ ticket_id: string; user_id: string }>`
    select t.id as ticket_id, u.id as user_id from tickets t
    join users u on u.active and (u.id = t.assignee_id
      or (t.assignee_id is null and u.id in (select gm.user_id from group_members gm where gm.group_id = t.group_id)))
    where t.id = any(${ids}::bigint[])`.execute(db)).rows;
  const byTicket = new Map<string, string[]>();
  for (const w of who) byTicket.set(w.ticket_id, [...(byTicket.get(w.ticket_id) ?? []), w.user_id]);
  const prefix = kind === 'follow_up_due' ? 'follow_up' : 'snooze';
  const notices = [];
  for (const r of rows) {
    const users = byTicket.get(r.id) ?? await recipients(db, r.id, ['leads']);
    const at = new Date(r.at).toISOString();
    for (const userId of users) {
      notices.push({
        userId, kind, ticketId: r.id, dedupeKey: `${prefix}:${r.id}:${at}:${userId}`,
        data: { number: r.number, subject: r.subject, dueAt: at, ...(kind === 'follow_up_due' ? { thirdPartyName: r.third_party_name } : {}) },
      });
    }
  }
  await notify(deps, db, notices);
  return rows.length;
}

export const sweepFollowUps = (deps: Deps, db: Db, now: Date, limit: number) => sweepDue(deps, db, now, limit, 'third_party_follow_up_at', 'follow_up_due');
export const sweepSnoozes = (deps: Deps, db: Db, now: Date, limit: number) => sweepDue(deps, db, now, limit, 'snoozed_until', 'snooze_ended');
