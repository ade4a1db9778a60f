import { STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

/** A notification of the caller (staff principals carry their user id; token clients are the admin's). */
async function ownNotification(f: Fixture): Promise<string> {
  const userId = (f.client as { userId?: string }).userId ?? f.admin.userId;
  const r = await f.ctx.deps.db
    .insertInto('notifications')
    .values({ user_id: userId, kind: 'snooze_ended', ticket_id: null, data: '{}', dedupe_key: `access:${Math.random()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export default [
  { route: 'GET /api/v1/notifications', allow: STAFF, request: () => ({ url: '/api/v1/notifications?unread=true' }) },
  { route: 'GET /api/v1/notifications/unread-count', allow: STAFF, request: () => ({ url: '/api/v1/notifications/unread-count' }) },
  { route: 'POST /api/v1/notifications/:id/read', allow: STAFF, request: async (f) => ({ url: `/api/v1/notifications/${await ownNotification(f)}/read` }) },
  { route: 'POST /api/v1/notifications/read-all', allow: STAFF, request: () => ({ url: '/api/v1/notifications/read-all' }) },
  { route: 'GET /api/v1/notifications/preferences', allow: STAFF, request: () => ({ url: '/api/v1/notifications/preferences' }) },
  { route: 'PUT /api/v1/notifications/preferences', allow: STAFF, request: () => ({ url: '/api/v1/notifications/preferences', body: { sla_warning: { email: true } } }) },
] satisfies AccessCase[];
