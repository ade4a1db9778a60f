// Saved views (queues): personal ones belong to their owner, shared ones (owner null) to everyone.
// Their tickets come from the same filter/sort code as GET /tickets, so both always agree.
import { sql } from 'kysely';
import type { z } from 'zod';
import { VIEW_COUNT_CAP, type CreateViewBody, type UpdateViewBody } from '../../../api/views.ts';
import { Sort as SortSchema, TicketFilters } from '../../../api/tickets.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { authorize } from '../../policy.ts';
import { applyFilters, type Sort } from '../tickets/ticket-filters.ts';
import { listTickets } from '../tickets/tickets.service.ts';

export const MAX_VIEWS = 100; // per person, and shared in total: the view list and counts stay small

export type ViewRow = {
  id: string; name: string; name_en: string | null; owner_user_id: string | null;
  filters: Record<string, unknown>; sort: string; position: number; created_at: Date; updated_at: Date;
};

/** The stored filters and sort, checked again on the way out; null when they are no longer valid. */
export function storedQuery(v: ViewRow): { filters: TicketFilters; sort: Sort } | null {
  const f = TicketFilters.safeParse(v.filters);
  const s = SortSchema.safeParse(v.sort);
  return f.success && s.success ? { filters: f.data, sort: s.data } : null;
}

/** The stored filters and sort, or 422 naming the view's problem. */
export function viewQuery(v: ViewRow): { filters: TicketFilters; sort: Sort } {
  const q = storedQuery(v);
  if (!q) throw new AppError('invalid_state', 'this view has filters that are no longer valid; edit it');
  return q;
}

function visible(db: Db, actor: UserActor) {
  return db.selectFrom('views').selectAll().where((eb) => eb.or([eb('owner_user_id', '=', actor.id), eb('owner_user_id', 'is', null)]));
}

export async function listViews(deps: Deps, actor: Actor): Promise<ViewRow[]> {
  authorize(actor, 'view.read');
  return visible(deps.db, actor).orderBy('position').orderBy(sql`owner_user_id is not null`).orderBy('id').limit(2 * MAX_VIEWS).execute();
}

async function findView(db: Db, actor: UserActor, id: string, opts: { lock?: boolean } = {}): Promise<ViewRow> {
  let q = visible(db, actor).where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const v = await q.executeTakeFirst();
  if (!v) throw notFound('view');
  return v;
}

/** Changing a view: your own personal one, or a shared one with lead rights. */
async function findWritable(db: Db, actor: Actor, id: string): Promise<ViewRow> {
  authorize(actor, 'view.own');
  const v = await findView(db, actor, id, { lock: true });
  if (v.owner_user_id === null) authorize(actor, 'view.shared.write');
  return v;
}

export async function createView(deps: Deps, actor: Actor, input: z.infer<typeof CreateViewBody>): Promise<ViewRow> {
  authorize(actor, 'view.own');
  if (input.shared) authorize(actor, 'view.shared.write');
  const owner = input.shared ? null : actor.id;
  return inTx(deps.db, async (trx) => {
    // serialize creates in one scope so the cap and the next position hold
    await sql`select pg_advisory_xact_lock(73019522, ${Number(owner ?? 0) % 2_147_483_647})`.execute(trx);
    const scope = trx.selectFrom('views').where((eb) => (owner ? eb('owner_user_id', '=', owner) : eb('owner_user_id', 'is', null)));
    const s = await scope.select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('position').as('max')]).executeTakeFirstOrThrow();
    if (Number(s.n) >= MAX_VIEWS) throw new AppError('invalid_state', `at most ${MAX_VIEWS} views; delete one first`);
    const now = new Date();
    return trx
      .insertInto('views')
      .values({
        name: input.name, name_en: input.nameEn ?? null, owner_user_id: owner, filters: JSON.stringify(input.filters),
        sort: input.sort, position: input.position ?? (s.max === null ? 0 : Number(s.max) + 1), created_at: now, updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function updateView(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateViewBody>): Promise<ViewRow> {
  return inTx(deps.db, async (trx) => {
    const v = await findWritable(trx, actor, id);
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (input.name !== undefined) set.name = input.name;
    if (input.nameEn !== undefined) set.name_en = input.nameEn;
    if (input.filters !== undefined) set.filters = JSON.stringify(input.filters);
    if (input.sort !== undefined) set.sort = input.sort;
    if (input.position !== undefined) set.position = input.position;
    return trx.updateTable('views').set(set).where('id', '=', v.id).returningAll().executeTakeFirstOrThrow();
  });
}

export async function deleteView(deps: Deps, actor: Actor, id: string): Promise<void> {
  await inTx(deps.db, async (trx) => {
    const v = await findWritable(trx, actor, id);
    await trx.deleteFrom('views').where('id', '=', v.id).execute();
  });
}

/** The view's tickets: exactly GET /tickets with the view's filters and sort. */
export async function viewTickets(deps: Deps, actor: Actor, id: string, q: { limit: number; cursor?: string }) {
  authorize(actor, 'view.read');
  const v = await findView(deps.db, actor, id);
  const { filters, sort } = viewQuery(v);
  return listTickets(deps, actor, { ...filters, sort, limit: q.limit, cursor: q.cursor });
}

/** How many tickets each visible view holds, counting at most VIEW_COUNT_CAP per view. */
export async function viewCounts(deps: Deps, actor: Actor) {
  authorize(actor, 'view.read');
  authorize(actor, 'ticket.read');
  const views = await listViews(deps, actor);
  const items = await Promise.all(views.map(async (v) => {
    const q = storedQuery(v);
    if (!q) return { viewId: v.id, count: 0, capped: false };
    const filters = q.filters;
    const matching = applyFilters(deps.db.selectFrom('tickets as t').select(sql<number>`1`.as('one')), filters, actor).limit(VIEW_COUNT_CAP + 1);
    const r = await deps.db.selectFrom(matching.as('m')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const n = Number(r.n);
    return { viewId: v.id, count: Math.min(n, VIEW_COUNT_CAP), capped: n > VIEW_COUNT_CAP };
  }));
  return { items, cap: VIEW_COUNT_CAP };
}
