// The signed-in user's own notifications (newest first, keyset by id) and preferences.
// Someone else's notification does not exist for the caller (404).
import { sql } from 'kysely';
import type { z } from 'zod';
import { NOTIFICATION_KINDS, type Notification, type NotificationPrefs, type UpdateNotificationPrefs } from '../../../api/notifications.ts';
import { isId } from '../../../api/common.ts';
import type { Actor } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { iso, isoReq } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { EMAIL_BY_DEFAULT } from './notify.ts';
import { langOf, noticeTitle } from './texts.ts';

type Row = {
  id: string; kind: string; data: Record<string, unknown>; read_at: Date | null; created_at: Date;
  ticket_id: string | null; number: string | null; subject: string | null;
};

function present(deps: Deps, r: Row, lang: 'ru' | 'en', tz: string): z.infer<typeof Notification> {
  return {
    id: r.id, kind: r.kind, text: noticeTitle(r.kind, r.data ?? {}, lang, tz),
    ticket: r.ticket_id && r.number !== null ? { id: r.ticket_id, number: r.number, ref: ticketRef(deps.config, r.number), subject: r.subject ?? '' } : null,
    data: r.data ?? {}, readAt: iso(r.read_at), createdAt: isoReq(r.created_at),
  };
}

async function timeZone(deps: Deps, userId: string): Promise<string> {
  const u = await deps.db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst();
  return u?.time_zone ?? 'UTC';
}

export async function listNotifications(deps: Deps, actor: Actor, q: { unread: boolean; limit: number; cursor?: string }) {
  authorize(actor, 'notification.read');
  const c = decodeCursor(q.cursor, 1);
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  const rows = await deps.db
    .selectFrom('notifications as n')
    .leftJoin('tickets as t', 't.id', 'n.ticket_id')
    .select(['n.id', 'n.kind', 'n.data', 'n.read_at', 'n.created_at', 'n.ticket_id', sql<string | null>`t.number::text`.as('number'), 't.subject'])
    .where('n.user_id', '=', actor.id)
    .$if(q.unread, (b) => b.where('n.read_at', 'is', null))
    .$if(!!c, (b) => b.where('n.id', '<', String(c![0])))
    .orderBy('n.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const p = page(rows as Row[], q.limit, (r) => [r.id]);
  const tz = await timeZone(deps, actor.id);
  return { items: p.items.map((r) => present(deps, r, langOf(actor.locale), tz)), nextCursor: p.nextCursor };
}

export async function unreadCount(deps: Deps, actor: Actor): Promise<number> {
  authorize(actor, 'notification.read');
  const r = await deps.db
    .selectFrom('notifications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', actor.id)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return r.n;
}

/** Marks one of the caller's notifications read (again: keeps the first time). */
export async function markRead(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'notification.own');
  await deps.db
    .updateTable('notifications')
    .set({ read_at: sql`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('user_id', '=', actor.id)
    .execute();
  const row = await deps.db
    .selectFrom('notifications as n')
    .leftJoin('tickets as t', 't.id', 'n.ticket_id')
    .select(['n.id', 'n.kind', 'n.data', 'n.read_at', 'n.created_at', 'n.ticket_id', sql<string | null>`t.number::text`.as('number'), 't.subject'])
    .where('n.id', '=', id)
    .where('n.user_id', '=', actor.id)
    .executeTakeFirst();
  if (!row) throw notFound('notification');
  return present(deps, row as Row, langOf(actor.locale), await timeZone(deps, actor.id));
}

export async function markAllRead(deps: Deps, actor: Actor): Promise<number> {
  authorize(actor, 'notification.own');
  const r = await deps.db
    .updateTable('notifications')
    .set({ read_at: sql`now()` })
    .where('user_id', '=', actor.id)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function getPrefs(deps: Deps, actor: Actor): Promise<z.infer<typeof NotificationPrefs>> {
  authorize(actor, 'notification.read');
  const rows = await deps.db.selectFrom('notification_prefs').select(['kind', 'in_app', 'email']).where('user_id', '=', actor.id).execute();
  const set = new Map(rows.map((r) => [r.kind, r]));
  return Object.fromEntries(NOTIFICATION_KINDS.map((k) => {
    const r = set.get(k);
    return [k, { inApp: r?.in_app ?? true, email: r?.email ?? (EMAIL_BY_DEFAULT as readonly string[]).includes(k) }];
  })) as z.infer<typeof NotificationPrefs>;
}

/** Sets the given kinds (a missing half keeps its current value or default) and returns them all. */
export async function updatePrefs(deps: Deps, actor: Actor, input: z.infer<typeof UpdateNotificationPrefs>) {
  authorize(actor, 'notification.own');
  const current = await getPrefs(deps, actor);
  const values = Object.entries(input)
    .filter(([, v]) => v && Object.keys(v).length)
    .map(([kind, v]) => {
      const cur = current[kind as keyof typeof current];
      return { user_id: actor.id, kind, in_app: v!.inApp ?? cur.inApp, email: v!.email ?? cur.email };
    });
  await deps.db
    .insertInto('notification_prefs')
    .values(values)
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({ in_app: eb.ref('excluded.in_app'), email: eb.ref('excluded.email') })))
    .execute();
  return getPrefs(deps, actor);
}
