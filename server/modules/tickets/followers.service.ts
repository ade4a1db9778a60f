// Followers: staff who want to hear about a ticket without owning it.
// Anyone on staff may follow or unfollow themselves; changing others needs ticket.update.
import { isId } from '../../../api/common.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { isoReq } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { findTicket } from './tickets.service.ts';

type FollowerRow = { user_id: string; name: string; email: string; created_at: Date };

export const presentFollower = (f: FollowerRow) => ({ userId: f.user_id, name: f.name, email: f.email, createdAt: isoReq(f.created_at) });

function authorizeFor(actor: Actor, userId: string | undefined): asserts actor is UserActor {
  authorize(actor, 'ticket.follow');
  if (userId !== undefined && userId !== actor.id) authorize(actor, 'ticket.update');
}

export async function listFollowers(deps: Deps, actor: Actor, ref: string, q: { limit: number; cursor?: string }) {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const c = decodeCursor(q.cursor, 1) as string[] | null;
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid');
  let query = deps.db
    .selectFrom('ticket_followers as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .select(['f.user_id', 'u.name', 'u.email', 'f.created_at'])
    .where('f.ticket_id', '=', t.id)
    .orderBy('f.user_id')
    .limit(q.limit + 1);
  if (c) query = query.where('f.user_id', '>', String(c[0]));
  return page(await query.execute(), q.limit, (f) => [f.user_id]);
}

/** Adds a follower; `created` is false when they already followed. */
export async function addFollower(deps: Deps, actor: Actor, ref: string, userId?: string): Promise<{ follower: FollowerRow; created: boolean }> {
  authorizeFor(actor, userId);
  const uid = userId ?? actor.id;
  const t = await findTicket(deps.db, deps, actor, ref);
  const u = await deps.db.selectFrom('users').select(['id', 'name', 'email']).where('id', '=', uid).where('active', '=', true).executeTakeFirst();
  if (!u) throw new AppError('validation_failed', 'only active staff can follow tickets', { errors: [{ path: '/userId', message: 'no such active user' }] });
  const ins = await deps.db
    .insertInto('ticket_followers')
    .values({ ticket_id: t.id, user_id: u.id, created_at: new Date() })
    .onConflict((oc) => oc.columns(['ticket_id', 'user_id']).doNothing())
    .returning('created_at')
    .executeTakeFirst();
  const row = ins ?? await deps.db.selectFrom('ticket_followers').select('created_at').where('ticket_id', '=', t.id).where('user_id', '=', u.id).executeTakeFirstOrThrow();
  return { follower: { user_id: u.id, name: u.name, email: u.email, created_at: row.created_at }, created: Boolean(ins) };
}

export async function removeFollower(deps: Deps, actor: Actor, ref: string, userId: string): Promise<void> {
  authorizeFor(actor, userId);
  const t = await findTicket(deps.db, deps, actor, ref);
  const r = await deps.db.deleteFrom('ticket_followers').where('ticket_id', '=', t.id).where('user_id', '=', userId).executeTakeFirst();
  if (!Number(r.numDeletedRows)) throw notFound('follower');
}
