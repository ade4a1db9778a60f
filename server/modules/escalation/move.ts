// Moving a ticket between levels: the one place that writes an escalation (manual or by a rule).
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Escalation as EscalationShape, TicketKeeping } from '../../../api/escalation.ts';
import type { UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { iso, isoReq } from '../../http/types.ts';
import { afterTicketChange } from '../keeping/hooks.ts';
import { notify, recipients } from '../notifications/notify.ts';
import { actorCols } from '../tickets/tickets.service.ts';

export const KEEPING_COLUMNS = [
  'id', 'number', 'subject', 'status', 'level', 'group_id', 'assignee_id', 'third_party_name', 'third_party_follow_up_at',
  'snoozed_until', 'version', 'updated_at', 'merged_into_id', 'solved_at',
] as const;

export type KeepingRow = {
  id: string; number: string; subject: string; status: TicketStatus; level: number; group_id: string | null;
  assignee_id: string | null; third_party_name: string | null; third_party_follow_up_at: Date | null;
  snoozed_until: Date | null; version: number; updated_at: Date; merged_into_id: string | null; solved_at: Date | null;
};

export async function keepingRow(db: Db, ticketId: string, lock = false): Promise<KeepingRow> {
  let q = db.selectFrom('tickets').select(KEEPING_COLUMNS).where('id', '=', ticketId);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirstOrThrow()) as KeepingRow;
}

export function presentKeeping(t: KeepingRow): z.infer<typeof TicketKeeping> {
  return {
    id: t.id, status: t.status, level: t.level, groupId: t.group_id, assigneeId: t.assignee_id, thirdPartyName: t.third_party_name,
    thirdPartyFollowUpAt: iso(t.third_party_follow_up_at), snoozedUntil: iso(t.snoozed_until), version: t.version,
    updatedAt: isoReq(t.updated_at),
  };
}

export type EscalationRow = {
  id: string; ticket_id: string; kind: 'escalate' | 'deescalate'; from_level: number; to_level: number; from_group_id: string | null;
  to_group_id: string | null; summary: string; tried: string[]; needed: string; attachment_ids: string[]; note: string;
  promise_id: string | null; rule_id: string | null; created_by: string | null; created_at: Date;
};

export function presentEscalation(e: EscalationRow): z.infer<typeof EscalationShape> {
  return {
    id: e.id, ticketId: e.ticket_id, kind: e.kind, fromLevel: e.from_level, toLevel: e.to_level, fromGroupId: e.from_group_id,
    toGroupId: e.to_group_id, summary: e.summary, tried: e.tried, needed: e.needed, attachmentIds: e.attachment_ids.map(String),
    note: e.note, promiseId: e.promise_id, ruleId: e.rule_id, createdBy: e.created_by, createdAt: isoReq(e.created_at),
  };
}

/** The group a move goes to: the given one (must be of that level) or the first group of the level. */
export async function targetGroup(db: Db, level: number, groupId: string | undefined | null): Promise<{ id: string; name: string }> {
  let q = db.selectFrom('groups').select(['id', 'name', 'level']).where('level', '=', level).orderBy('id').limit(1);
  if (groupId) q = db.selectFrom('groups').select(['id', 'name', 'level']).where('id', '=', groupId);
  const g = await q.executeTakeFirst();
  if (groupId && (!g || g.level !== level)) {
    throw new AppError('invalid_state', `group ${groupId} is not a level ${level} group`, { errors: [{ path: '/toGroupId', message: `not a group of level ${level}` }] });
  }
  if (!g) throw new AppError('invalid_state', `there is no group of level ${level}`, { errors: [{ path: '/toLevel', message: `no group of level ${level}` }] });
  return g;
}

export type Move = {
  kind: 'escalate' | 'deescalate'; toLevel: number; toGroupId: string | null; assigneeId: string | null;
  summary?: string; tried?: string[]; needed?: string; attachmentIds?: string[]; note?: string; ruleId?: string | null;
};

/**
 * Writes the escalation row, moves the ticket (level, group, assignee, status open), appends the
 * history event, notifies the target group and its leads, and runs the keeping hooks.
 * `who` null: an automatic rule (system).
 */
export async function moveTicket(deps: Deps, trx: Db, who: UserActor | null, t: KeepingRow, m: Move): Promise<EscalationRow> {
  const now = new Date();
  const e = (await trx
    .insertInto('escalations')
    .values({
      ticket_id: t.id, kind: m.kind, from_level: t.level, to_level: m.toLevel, from_group_id: t.group_id, to_group_id: m.toGroupId,
      summary: m.summary ?? '', tried: m.tried ?? [], needed: m.needed ?? '', attachment_ids: m.attachmentIds ?? [],
      note: m.note ?? '', rule_id: m.ruleId ?? null, created_by: who && who.id !== '0' ? who.id : null, created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as EscalationRow;
  const changes: Record<string, [unknown, unknown]> = { level: [t.level, m.toLevel] };
  if (m.toGroupId !== t.group_id) changes.groupId = [t.group_id, m.toGroupId];
  if (m.assigneeId !== t.assignee_id) changes.assigneeId = [t.assignee_id, m.assigneeId];
  if (t.status !== 'open') changes.status = [t.status, 'open'];
  await trx
    .updateTable('tickets')
    .set({
      level: m.toLevel, group_id: m.toGroupId, assignee_id: m.assigneeId, status: 'open', solved_at: null,
      updated_at: now, version: sql`version + 1`,
    })
    .where('id', '=', t.id)
    .execute();
  const actor = who ? actorCols(who) : { actor_type: 'system' as const, actor_id: null };
  await trx.insertInto('ticket_events').values({
    ticket_id: t.id, ...actor, kind: m.kind === 'escalate' ? 'escalated' : 'deescalated', created_at: now,
    data: JSON.stringify({ escalationId: e.id, fromLevel: t.level, toLevel: m.toLevel, ruleId: m.ruleId ?? null, changes }),
  }).execute();
  // the target group's members and its leads (and a named assignee), never the one who moved it
  const users = new Set(await recipients(trx, t.id, ['group', 'leads']));
  if (m.assigneeId) users.add(m.assigneeId);
  if (who) users.delete(who.id);
  await notify(deps, trx, [...users].map((userId) => ({
    userId, kind: 'escalated' as const, ticketId: t.id, dedupeKey: `escalation:${e.id}:${userId}`,
    data: {
      escalationId: e.id, direction: m.kind === 'escalate' ? 'up' : 'down', fromLevel: t.level, toLevel: m.toLevel,
      groupId: m.toGroupId, number: t.number, subject: t.subject, ruleId: m.ruleId ?? null, summary: (m.summary || m.note || '').slice(0, 300),
    },
  })));
  await afterTicketChange(deps, trx, { kind: 'updated', ticketId: t.id, at: now, changes, actorId: who && who.id !== '0' ? who.id : null });
  return e;
}
