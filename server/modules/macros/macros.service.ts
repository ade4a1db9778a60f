// Macros: personal (owner) or shared (owner null). Applying one renders its body and runs its
// actions through updateTicket/addMessage, all in one transaction, so a failure changes nothing.
import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import { isId } from '../../../api/common.ts';
import { MacroActions, type ApplyMacroBody, type CreateMacroBody, type ListMacrosQuery, type UpdateMacroBody } from '../../../api/macros.ts';
import type { UpdateTicketBody } from '../../../api/tickets.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { MacrosTable } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { sanitize } from '../tickets/html.ts';
import { addMessage } from '../tickets/messages.service.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { actorCols, checkAssignee, findTicket, updateTicket } from '../tickets/tickets.service.ts';
import type { TicketRow } from '../tickets/tickets.presenter.ts';
import { renderMacro, statusLabel } from './macro-render.ts';

export type MacroRow = Selectable<MacrosTable>;

/** Stored actions, checked again on the way out (an invalid one reads as no actions). */
export function macroActions(m: MacroRow): MacroActions {
  const a = MacroActions.safeParse(m.actions);
  return a.success ? a.data : {};
}

function visible(db: Db, actor: UserActor) {
  return db.selectFrom('macros').selectAll().where((eb) => eb.or([eb('owner_user_id', '=', actor.id), eb('owner_user_id', 'is', null)]));
}

export async function listMacros(deps: Deps, actor: Actor, q: z.infer<typeof ListMacrosQuery>) {
  authorize(actor, 'macro.read');
  const c = decodeCursor(q.cursor, 2) as string[] | null;
  if (c && (typeof c[0] !== 'string' || !isId(c[1]))) throw new AppError('validation_failed', 'cursor is not valid');
  let query = visible(deps.db, actor).orderBy('name').orderBy('id').limit(q.limit + 1);
  if (q.includeInactive !== 'true') query = query.where('active', '=', true);
  if (c) query = query.where(sql<boolean>`(name, id) > (${c[0]}, ${c[1]}::bigint)`);
  return page(await query.execute(), q.limit, (m) => [m.name, m.id]);
}

async function checkActions(db: Db, a: MacroActions): Promise<void> {
  await checkAssignee(db, a.assigneeId === 'me' ? undefined : a.assigneeId, a.groupId);
}

export async function createMacro(deps: Deps, actor: Actor, input: z.infer<typeof CreateMacroBody>): Promise<MacroRow> {
  authorize(actor, 'macro.own');
  if (input.shared) authorize(actor, 'macro.shared.write');
  await checkActions(deps.db, input.actions);
  const now = new Date();
  return deps.db
    .insertInto('macros')
    .values({
      name: input.name, body: sanitize(input.body), actions: JSON.stringify(input.actions),
      owner_user_id: input.shared ? null : actor.id, created_at: now, updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Your own personal macro, or a shared one with lead rights; others' personal ones are 404. */
async function findWritable(db: Db, actor: Actor, id: string): Promise<MacroRow> {
  authorize(actor, 'macro.own');
  const m = await visible(db, actor).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!m) throw notFound('macro');
  if (m.owner_user_id === null) authorize(actor, 'macro.shared.write');
  return m;
}

export async function updateMacro(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateMacroBody>): Promise<MacroRow> {
  return inTx(deps.db, async (trx) => {
    const m = await findWritable(trx, actor, id);
    if (input.actions) await checkActions(trx, input.actions);
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (input.name !== undefined) set.name = input.name;
    if (input.body !== undefined) set.body = sanitize(input.body);
    if (input.actions !== undefined) set.actions = JSON.stringify(input.actions);
    if (input.active !== undefined) set.active = input.active;
    return trx.updateTable('macros').set(set).where('id', '=', m.id).returningAll().executeTakeFirstOrThrow();
  });
}

export async function deleteMacro(deps: Deps, actor: Actor, id: string): Promise<void> {
  await inTx(deps.db, async (trx) => {
    const m = await findWritable(trx, actor, id);
    await trx.deleteFrom('macros').where('id', '=', m.id).execute();
  });
}

async function variables(db: Db, deps: Deps, actor: UserActor, t: TicketRow): Promise<Record<string, string>> {
  const row = await db
    .selectFrom('tickets as t')
    .leftJoin('organizations as o', 'o.id', 't.organization_id')
    .select((eb) => [
      'o.name as org_name',
      eb.selectFrom('customer_emails as e').select('e.email').whereRef('e.customer_id', '=', 't.requester_id')
        .orderBy('e.is_primary', 'desc').orderBy('e.created_at').limit(1).as('email'),
      eb.selectFrom('users as u').select('u.name').where('u.id', '=', actor.id).as('agent_name'),
    ])
    .where('t.id', '=', t.id)
    .executeTakeFirstOrThrow();
  return {
    'ticket.number': ticketRef(deps.config, t.number),
    'ticket.subject': t.subject,
    'ticket.status': statusLabel(t.status, t.language),
    'customer.name': t.requester_name,
    'customer.email': row.email ?? '',
    'agent.name': row.agent_name ?? '',
    'organization.name': row.org_name ?? '',
  };
}

function toUpdate(a: MacroActions, actor: UserActor): z.infer<typeof UpdateTicketBody> {
  const u: z.infer<typeof UpdateTicketBody> = {};
  if (a.status !== undefined) u.status = a.status;
  if (a.priority !== undefined) u.priority = a.priority;
  if (a.groupId !== undefined) u.groupId = a.groupId;
  if (a.assigneeId !== undefined) u.assigneeId = a.assigneeId === 'me' ? actor.id : a.assigneeId;
  if (a.addTags?.length) u.addTags = a.addTags;
  if (a.removeTags?.length) u.removeTags = a.removeTags;
  return u;
}

export async function applyMacro(deps: Deps, actor: Actor, ref: string, macroId: string, input: z.infer<typeof ApplyMacroBody>) {
  authorize(actor, 'macro.use');
  if (input.send) authorize(actor, 'ticket.reply');
  return inTx(deps.db, async (trx) => {
    const d = { ...deps, db: trx };
    const m = await visible(trx, actor).where('id', '=', macroId).where('active', '=', true).executeTakeFirst();
    if (!m) throw notFound('macro');
    const t = await findTicket(trx, deps, actor, ref, { lock: true });
    if (t.version !== input.version) throw new AppError('version_conflict', `ticket is at version ${t.version}, you sent ${input.version}; reload and retry`, { currentVersion: t.version });
    if (t.status === 'closed') throw new AppError('invalid_state', 'closed tickets cannot be changed; open a follow-up');
    const { html, unknownVariables } = renderMacro(m.body, await variables(trx, deps, actor, t));
    // Reply first (while the ticket is still open), then the changes, e.g. "answer and solve".
    const message = input.send ? await addMessage(d, actor, t.id, { kind: 'reply', body: html, format: 'html', attachmentIds: [] }) : null;
    const changes = toUpdate(macroActions(m), actor);
    if (Object.keys(changes).length) {
      const now = await trx.selectFrom('tickets').select('version').where('id', '=', t.id).executeTakeFirstOrThrow();
      await updateTicket(d, actor, t.id, changes, now.version);
    }
    await trx.insertInto('ticket_events').values({
      ticket_id: t.id, ...actorCols(actor), kind: 'macro_applied', created_at: new Date(),
      data: JSON.stringify({ macroId: m.id, name: m.name, sent: Boolean(message), messageId: message?.id ?? null, unknownVariables }),
    }).execute();
    const ticket = await findTicket(trx, deps, actor, t.id);
    return { ticket, html, unknownVariables, message };
  });
}
