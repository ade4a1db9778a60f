// Promise ledger: commitments to the customer (what, by when, by whom), their lifecycle
// (open -> kept | broken | renegotiated | cancelled) and the alerts before and at the due time.
// Decisions: a promise marked kept after its due time but before the sweeper broke it is
// recorded as kept late (negative margin_min); once broken it stays broken (keep and
// renegotiate answer invalid_state). Renegotiation needs an open promise before its due time.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { RenegotiateBody } from '../../../api/promises.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { PromiseKind } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import type { TicketEvent } from '../keeping/events.ts';
import { notify, recipients } from '../notifications/notify.ts';
import { addMessage } from '../tickets/messages.service.ts';
import { actorCols, findTicket } from '../tickets/tickets.service.ts';
import { alertPlan, autoKeepKinds, promiseSettings } from './promises.settings.ts';
import { promiseById, type PromiseRow } from './promises.queries.ts';

export { sweepPromiseAlerts } from './promises.sweep.ts';

export type NewPromise = {
  text: string; dueAt: string | Date; kind?: PromiseKind; ownerId?: string | null; visibleToCustomer?: boolean;
};
type Source = { source: 'reply' | 'manual' | 'escalation'; messageId?: string | null; renegotiatedFromId?: string };

/** Minutes from `at` to `due` (positive: before the due time), in SQL. */
const marginSql = (at: Date) => sql<number>`floor(extract(epoch from (due_at - ${at}::timestamptz)) / 60)::int`;

async function checkOwners(db: Db, ids: string[]): Promise<void> {
  const want = [...new Set(ids)];
  if (!want.length) return;
  const ok = await db.selectFrom('users').select('id').where('id', 'in', want).where('active', '=', true)
    .where('role', 'in', ['agent', 'lead', 'admin']).execute();
  if (ok.length !== want.length) throw new AppError('validation_failed', 'the owner of a promise must be an active agent');
}

/** Creates promises in the caller's transaction (source 'reply' with messageId, 'manual', or 'escalation'). */
export async function createPromises(
  deps: Deps, db: Db, actor: UserActor, ticketId: string, items: NewPromise[], src: Source,
): Promise<{ id: string }[]> {
  authorize(actor, 'promise.write');
  if (!items.length) return [];
  const now = new Date();
  const { reminders } = await promiseSettings(db);
  const rows = items.map((it) => {
    const due = new Date(it.dueAt);
    if (Number.isNaN(due.getTime())) throw new AppError('validation_failed', 'dueAt is not a time');
    if (due.getTime() <= now.getTime()) throw new AppError('due_in_past', `the promise "${it.text.slice(0, 60)}" is due in the past`);
    const plan = alertPlan(due, now, reminders);
    return {
      ticket_id: ticketId, owner_id: it.ownerId ?? (actor.id === '0' ? null : actor.id), created_by: actor.id === '0' ? null : actor.id,
      kind: it.kind ?? 'other', text: it.text, due_at: due, visible_to_customer: it.visibleToCustomer ?? true,
      source: src.source, message_id: src.messageId ?? null, renegotiated_from_id: src.renegotiatedFromId ?? null,
      alert_plan: JSON.stringify(plan), next_alert_at: plan[0].at, created_at: now, updated_at: now,
    };
  });
  await checkOwners(db, rows.flatMap((r) => (r.owner_id ? [r.owner_id] : [])));
  const made = await db.insertInto('promises').values(rows).returning(['id', 'kind', 'due_at', 'owner_id', 'text']).execute();
  await db.insertInto('ticket_events').values(made.map((p) => ({
    ticket_id: ticketId, ...actorCols(actor), kind: 'promise_made', created_at: now,
    data: JSON.stringify({
      promiseId: p.id, kind: p.kind, text: p.text, dueAt: new Date(p.due_at).toISOString(), ownerId: p.owner_id, source: src.source,
      messageId: src.messageId ?? null, renegotiatedFromId: src.renegotiatedFromId ?? null,
    }),
  }))).execute();
  return made.map((p) => ({ id: p.id }));
}

/** The promise, locked; it must be open (404 when missing). */
async function openPromise(db: Db, id: string) {
  const p = await db.selectFrom('promises').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!p) throw notFound('promise');
  if (p.state !== 'open') throw new AppError('invalid_state', `the promise is ${p.state}`, { state: p.state });
  return p;
}

async function event(db: Db, actor: UserActor, ticketId: string, kind: string, at: Date, data: Record<string, unknown>) {
  await db.insertInto('ticket_events').values({ ticket_id: ticketId, ...actorCols(actor), kind, created_at: at, data: JSON.stringify(data) }).execute();
}

/** Marks an open promise kept; after its due time (not yet swept to broken) it is kept late. */
export async function keepPromise(deps: Deps, actor: Actor, id: string, input: { note?: string }): Promise<PromiseRow> {
  authorize(actor, 'promise.write');
  return inTx(deps.db, async (trx) => {
    const p = await openPromise(trx, id);
    const now = new Date();
    const r = await trx.updateTable('promises').set({
      state: 'kept', resolved_at: now, resolved_by: actor.id === '0' ? null : actor.id, resolved_note: input.note || null,
      margin_min: marginSql(now), alert_plan: '[]', next_alert_at: null, updated_at: now,
    }).where('id', '=', id).returning('margin_min').executeTakeFirstOrThrow();
    await event(trx, actor, p.ticket_id, 'promise_kept', now, { promiseId: id, marginMin: r.margin_min, auto: false, note: input.note || null });
    return promiseById(trx, id);
  });
}

export async function cancelPromise(deps: Deps, actor: Actor, id: string, input: { note: string }): Promise<PromiseRow> {
  authorize(actor, 'promise.write');
  return inTx(deps.db, async (trx) => {
    const p = await openPromise(trx, id);
    const now = new Date();
    await trx.updateTable('promises').set({
      state: 'cancelled', resolved_at: now, resolved_by: actor.id === '0' ? null : actor.id, resolved_note: input.note,
      alert_plan: '[]', next_alert_at: null, updated_at: now,
    }).where('id', '=', id).execute();
    await event(trx, actor, p.ticket_id, 'promise_cancelled', now, { promiseId: id, note: input.note });
    return promiseById(trx, id);
  });
}

/**
 * A new time given before the old one passed: the old promise becomes 'renegotiated' (kept
 * with a change) and a new one replaces it. With `reply`, the customer is told in a public
 * reply, and the new promise is the one that reply makes.
 */
export async function renegotiatePromise(deps: Deps, actor: Actor, id: string, input: z.infer<typeof RenegotiateBody>) {
  authorize(actor, 'promise.write');
  return inTx(deps.db, async (trx) => {
    const old = await openPromise(trx, id);
    const now = new Date();
    if (new Date(old.due_at).getTime() <= now.getTime()) {
      throw new AppError('invalid_state', 'the due time has passed: the promise is broken and cannot be renegotiated', { state: 'broken' });
    }
    // ended first, so the notice reply does not keep it automatically
    const r = await trx.updateTable('promises').set({
      state: 'renegotiated', resolved_at: now, resolved_by: actor.id === '0' ? null : actor.id, resolved_note: input.note || null,
      margin_min: marginSql(now), alert_plan: '[]', next_alert_at: null, updated_at: now,
    }).where('id', '=', id).returning('margin_min').executeTakeFirstOrThrow();
    const next: NewPromise = {
      text: input.text ?? old.text, dueAt: input.dueAt, kind: old.kind, ownerId: input.ownerId ?? old.owner_id, visibleToCustomer: old.visible_to_customer,
    };
    let newId: string;
    let messageId: string | null = null;
    if (input.reply) {
      const m = await addMessage({ ...deps, db: trx }, actor, old.ticket_id, {
        kind: 'reply', body: input.reply.body, format: input.reply.format, attachmentIds: [],
        promises: [{ ...next, dueAt: input.dueAt, kind: old.kind, visibleToCustomer: old.visible_to_customer, ownerId: next.ownerId ?? undefined }],
      });
      messageId = m.id;
      newId = m.promiseIds[0];
      await trx.updateTable('promises').set({ renegotiated_from_id: id }).where('id', '=', newId).execute();
    } else {
      newId = (await createPromises(deps, trx, actor, old.ticket_id, [next], { source: 'manual', renegotiatedFromId: id }))[0].id;
    }
    await trx.updateTable('promises').set({ replaced_by_id: newId }).where('id', '=', id).execute();
    await event(trx, actor, old.ticket_id, 'promise_renegotiated', now, {
      promiseId: id, newPromiseId: newId, oldDueAt: new Date(old.due_at).toISOString(), newDueAt: new Date(input.dueAt).toISOString(),
      marginMin: r.margin_min, messageId,
    });
    return { previous: await promiseById(trx, id), promise: await promiseById(trx, newId), messageId };
  });
}

/** Auto-keeps open promises on a public agent reply (per kind), links "you promised" claims. */
export async function onTicketEvent(deps: Deps, db: Db, ev: TicketEvent): Promise<void> {
  if (ev.kind !== 'message') return;
  if (ev.author === 'agent' && ev.public) {
    const kinds = autoKeepKinds(await promiseSettings(db));
    if (!kinds.length) return;
    const by = ev.actorId === '0' ? null : ev.actorId;
    // the promises this very reply makes are not kept by it
    const kept = await db.updateTable('promises').set({
      state: 'kept', resolved_at: ev.at, resolved_by: by, margin_min: marginSql(ev.at), alert_plan: '[]', next_alert_at: null, updated_at: ev.at,
    }).where('ticket_id', '=', ev.ticketId).where('state', '=', 'open').where('due_at', '>', ev.at).where('kind', 'in', kinds)
      .where((eb) => eb.or([eb('message_id', 'is', null), eb('message_id', '!=', ev.messageId)]))
      .returning(['id', 'margin_min']).execute();
    if (kept.length) {
      await db.insertInto('ticket_events').values(kept.map((p) => ({
        ticket_id: ev.ticketId, actor_type: 'agent' as const, actor_id: by, kind: 'promise_kept', created_at: ev.at,
        data: JSON.stringify({ promiseId: p.id, marginMin: p.margin_min, auto: true, messageId: ev.messageId }),
      }))).execute();
    }
    return;
  }
  if (ev.author === 'customer' && ev.signals.includes('broken_promise')) {
    // the open promise due first, else the one broken last
    const p = await db.selectFrom('promises').select(['id', 'state', 'text', 'due_at']).where('ticket_id', '=', ev.ticketId).where('state', 'in', ['open', 'broken'])
      .orderBy(sql`state = 'open'`, 'desc').orderBy(sql`case when state = 'open' then due_at end`, 'asc')
      .orderBy(sql`case when state = 'broken' then resolved_at end`, 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const users = await recipients(db, ev.ticketId, ['assignee', 'leads']);
    await notify(deps, db, users.map((userId) => ({
      userId, kind: 'promise_claimed' as const, ticketId: ev.ticketId,
      data: p
        ? { promiseId: p.id, promiseState: p.state, text: p.text, dueAt: new Date(p.due_at).toISOString(), messageId: ev.messageId }
        : { promiseId: null, messageId: ev.messageId },
      dedupeKey: `promise_claimed:${ev.messageId}:${userId}`,
    })));
  }
}

/** A promise made by hand on a ticket (POST /tickets/:ref/promises). */
export async function createManualPromise(deps: Deps, actor: Actor, ref: string, input: NewPromise): Promise<PromiseRow> {
  authorize(actor, 'promise.write');
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref, { lock: true });
    if (t.status === 'closed' || t.merged_into_id) throw new AppError('invalid_state', 'closed or merged tickets take no new promises');
    const [p] = await createPromises(deps, trx, actor, t.id, [input], { source: 'manual' });
    return promiseById(trx, p.id);
  });
}
