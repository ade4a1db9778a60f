// Manual escalation with a structured handoff, de-escalation with a note, and the history.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { DeescalateBody, EscalateBody } from '../../../api/escalation.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { createPromises } from '../promises/promises.service.ts';
import { addMessage } from '../tickets/messages.service.ts';
import { findTicket } from '../tickets/tickets.service.ts';
import { keepingRow, moveTicket, targetGroup, type EscalationRow, type KeepingRow } from './move.ts';

const GIST_CHARS = 300;

const unprocessable = (path: string, message: string) => new AppError('invalid_state', `${path.slice(1)}: ${message}`, { errors: [{ path, message }] });

/** The first ~300 characters of a text, cut at a word. */
export function gist(text: string, max = GIST_CHARS): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return `${(sp > max * 0.6 ? cut.slice(0, sp) : cut).trimEnd()}…`;
}

/** The union of the analyzer's tried steps over the ticket's customer messages, in order of first mention. */
export async function triedSteps(db: Db, ticketId: string): Promise<string[]> {
  const rows = await sql<{ step: string }>`
    select s.step from messages m
    cross join lateral jsonb_array_elements_text(case when jsonb_typeof(m.analysis->'tried_steps') = 'array' then m.analysis->'tried_steps' else '[]'::jsonb end) as s(step)
    where m.ticket_id = ${ticketId} and m.author_type = 'customer'
    group by s.step order by min(m.id), s.step limit 50`.execute(db);
  return rows.rows.map((r) => r.step);
}

export async function autoSummary(db: Db, t: { id: string; subject: string }): Promise<string> {
  const last = await db.selectFrom('messages').select('body_text').where('ticket_id', '=', t.id).where('author_type', '=', 'customer')
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  return last ? `${t.subject}\n\n${gist(last.body_text)}` : t.subject;
}

async function ticketFor(db: Db, deps: Deps, actor: UserActor, ref: string, lock: boolean): Promise<KeepingRow> {
  const t = await findTicket(db, deps, actor, ref, { lock });
  const k = await keepingRow(db, t.id);
  if (lock && k.status === 'closed') throw new AppError('invalid_state', 'closed tickets cannot be moved; open a follow-up');
  if (lock && k.merged_into_id) throw new AppError('invalid_state', 'this ticket was merged; move the ticket it was merged into');
  return k;
}

/** Reads only (what the ticket view shows anyway), so any staff reader may fetch it. */
export async function draft(deps: Deps, actor: Actor, ref: string) {
  authorize(actor, 'ticket.read');
  const t = await ticketFor(deps.db, deps, actor, ref, false);
  const next = t.level < 3 ? t.level + 1 : null;
  const [summary, tried, groups, atts] = await Promise.all([
    autoSummary(deps.db, t),
    triedSteps(deps.db, t.id),
    next ? deps.db.selectFrom('groups').select(['id', 'name', 'level']).where('level', '=', next).orderBy('id').limit(100).execute() : [],
    deps.db.selectFrom('attachments').select(['id', 'filename', 'content_type', 'size']).where('ticket_id', '=', t.id).orderBy('id').limit(200).execute(),
  ]);
  return {
    level: t.level, nextLevel: next, summary, tried, candidateGroups: groups,
    attachments: atts.map((a) => ({ id: a.id, filename: a.filename, contentType: a.content_type, size: Number(a.size) })),
  };
}

async function checkAssigneeLevel(db: Db, assigneeId: string, level: number): Promise<void> {
  const u = await db.selectFrom('users').select(['role', 'active', 'level']).where('id', '=', assigneeId).executeTakeFirst();
  if (!u || !u.active || u.role === 'light_agent') throw unprocessable('/assigneeId', 'not an active agent');
  if (u.level < level) throw unprocessable('/assigneeId', `the agent is level ${u.level}; level ${level} is needed`);
}

export async function escalate(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof EscalateBody>) {
  authorize(actor, 'ticket.escalate');
  return inTx(deps.db, async (trx) => {
    const t = await ticketFor(trx, deps, actor, ref, true);
    if (input.toLevel <= t.level) throw unprocessable('/toLevel', `the ticket is at level ${t.level}; escalate to a higher level`);
    const g = await targetGroup(trx, input.toLevel, input.toGroupId);
    if (input.assigneeId) await checkAssigneeLevel(trx, input.assigneeId, input.toLevel);
    const attachmentIds = [...new Set(input.attachmentIds)];
    if (attachmentIds.length) {
      const found = await trx.selectFrom('attachments').select('id').where('ticket_id', '=', t.id).where('id', 'in', attachmentIds).execute();
      const have = new Set(found.map((a) => a.id));
      const i = input.attachmentIds.findIndex((id) => !have.has(id));
      if (i >= 0) throw unprocessable(`/attachmentIds/${i}`, 'not an attachment of this ticket');
    }
    if (input.customerNotice && Date.parse(input.customerNotice.dueAt) <= Date.now()) {
      throw unprocessable('/customerNotice/dueAt', 'the new time frame must be in the future');
    }
    const e = await moveTicket(deps, trx, actor, t, {
      kind: 'escalate', toLevel: input.toLevel, toGroupId: g.id, assigneeId: input.assigneeId ?? null,
      summary: input.summary, tried: input.tried, needed: input.needed, attachmentIds,
    });
    const notice = input.customerNotice ? await sendNotice(deps, trx, actor, t.id, e, input.customerNotice, input.assigneeId) : null;
    return { escalation: notice?.escalation ?? e, ticket: await keepingRow(trx, t.id), messageId: notice?.messageId ?? null };
  });
}

/** The public reply with the new time frame, and its promise (source 'escalation') linked to the escalation. */
async function sendNotice(
  deps: Deps, trx: Db, actor: UserActor, ticketId: string, e: EscalationRow, n: { text: string; dueAt: string }, ownerId?: string,
) {
  const m = await addMessage({ ...deps, db: trx }, actor, ticketId, { kind: 'reply', body: n.text, format: 'text', attachmentIds: [] });
  const [p] = await createPromises(deps, trx, actor, ticketId, [
    { text: n.text.slice(0, 2000), dueAt: n.dueAt, kind: 'update', ownerId: ownerId ?? null, visibleToCustomer: true },
  ], { source: 'escalation', messageId: m.id });
  const escalation = p
    ? ((await trx.updateTable('escalations').set({ promise_id: p.id }).where('id', '=', e.id).returningAll().executeTakeFirstOrThrow()) as EscalationRow)
    : e;
  return { escalation, messageId: m.id };
}

export async function deescalate(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof DeescalateBody>) {
  authorize(actor, 'ticket.escalate');
  return inTx(deps.db, async (trx) => {
    const t = await ticketFor(trx, deps, actor, ref, true);
    if (input.toLevel >= t.level) throw unprocessable('/toLevel', `the ticket is at level ${t.level}; de-escalate to a lower level`);
    const g = await targetGroup(trx, input.toLevel, input.toGroupId);
    const e = await moveTicket(deps, trx, actor, t, { kind: 'deescalate', toLevel: input.toLevel, toGroupId: g.id, assigneeId: null, note: input.note });
    return { escalation: e, ticket: await keepingRow(trx, t.id), messageId: null };
  });
}

export async function history(deps: Deps, actor: Actor, ref: string): Promise<EscalationRow[]> {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  return (await deps.db.selectFrom('escalations').selectAll().where('ticket_id', '=', t.id).orderBy('id').limit(500).execute()) as EscalationRow[];
}
