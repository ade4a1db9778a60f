// @mentions in internal notes: the agents a note names are checked (known, active, allowed to
// read the ticket), stored with the message and told by a 'mention' notification.
import { sql } from 'kysely';
import type { UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import type { Role } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { can } from '../../policy.ts';
import { notify } from '../notifications/notify.ts';

export type Mentioned = { id: string; name: string };

/** Characters of the note a mention notification quotes. */
export const MENTION_EXCERPT = 200;

/** Whether a user of this role may read tickets (every staff role may read every ticket today). */
const mayRead = (id: string, role: Role) =>
  can({ kind: 'user', id, role, level: 1, locale: 'ru', via: 'session', scopes: [] } satisfies UserActor, 'ticket.read');

/** The mentioned users in the order given (repeats dropped); 400 naming /mentions/i for an unknown,
 *  deactivated or not-allowed one. */
export async function checkMentions(db: Db, ids: string[]): Promise<Mentioned[]> {
  const list = [...new Set(ids.map(String))];
  if (!list.length) return [];
  const rows = await db.selectFrom('users').select(['id', 'name', 'role', 'active']).where('id', 'in', list).execute();
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const errors: { path: string; message: string }[] = [];
  ids.forEach((raw, i) => {
    const u = byId.get(String(raw));
    if (!u) errors.push({ path: `/mentions/${i}`, message: 'no such agent' });
    else if (!u.active) errors.push({ path: `/mentions/${i}`, message: 'this agent is deactivated' });
    else if (!mayRead(u.id, u.role)) errors.push({ path: `/mentions/${i}`, message: 'this agent cannot read the ticket' });
  });
  if (errors.length) throw new AppError('validation_failed', 'some mentioned agents cannot be mentioned', { errors });
  return list.map((id) => ({ id, name: byId.get(id)!.name }));
}

/** The note's first characters on one line, for the notification. */
export function excerpt(text: string, max = MENTION_EXCERPT): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** One 'mention' notification per mentioned agent but the author (in-app; mail by their preferences). */
export async function notifyMentions(
  deps: Deps, db: Db, o: { ticketId: string; messageId: string; author: UserActor; text: string; users: Mentioned[] },
): Promise<number> {
  const to = o.users.filter((u) => u.id !== o.author.id);
  if (!to.length) return 0;
  const author = o.author.id === '0' ? undefined : await db.selectFrom('users').select('name').where('id', '=', o.author.id).executeTakeFirst();
  const data = { messageId: String(o.messageId), authorId: o.author.id, ...(author ? { authorName: author.name } : {}), excerpt: excerpt(o.text) };
  return notify(deps, db, to.map((u) => ({
    userId: u.id, kind: 'mention' as const, ticketId: o.ticketId, data, dedupeKey: `mention:${o.messageId}:${u.id}`,
  })));
}

/** SQL for a messages row `m`: its mentioned agents as [{ id, name }], in the order written. */
export const mentionUsers = sql<Mentioned[]>`(select coalesce(json_agg(json_build_object('id', mu.id::text, 'name', mu.name) order by array_position(m.mentions, mu.id)), '[]'::json) from users mu where mu.id = any(m.mentions))`;
