// In-app notifications of the signed-in user, and which kinds come in-app and by e-mail.
import { IdParams, Page } from '../../../api/common.ts';
import {
  Notification, NotificationPrefs, NotificationsQuery, ReadAllResult, UnreadCount, UpdateNotificationPrefs,
} from '../../../api/notifications.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import * as notifications from './notifications.service.ts';

const tags = ['notifications'];

export function notificationRoutes(app: App, deps: Deps) {
  app.get('/api/v1/notifications', {
    schema: { tags, summary: 'My notifications, newest first (unread=true: only unread)', querystring: NotificationsQuery, response: { 200: Page(Notification) } },
  }, async (req) => notifications.listNotifications(deps, req.actor, req.query));

  app.get('/api/v1/notifications/unread-count', {
    schema: { tags, summary: 'How many of my notifications are unread', response: { 200: UnreadCount } },
  }, async (req) => ({ count: await notifications.unreadCount(deps, req.actor) }));

  app.post('/api/v1/notifications/:id/read', {
    schema: { tags, summary: 'Mark one of my notifications read', params: IdParams, response: { 200: Notification } },
  }, async (req) => notifications.markRead(deps, req.actor, req.params.id));

  app.post('/api/v1/notifications/read-all', {
    schema: { tags, summary: 'Mark all my notifications read', response: { 200: ReadAllResult } },
  }, async (req) => ({ updated: await notifications.markAllRead(deps, req.actor) }));

  app.get('/api/v1/notifications/preferences', {
    schema: { tags, summary: 'Per kind: in-app and e-mail (defaults where I set nothing)', response: { 200: NotificationPrefs } },
  }, async (req) => notifications.getPrefs(deps, req.actor));

  app.put('/api/v1/notifications/preferences', {
    schema: { tags, summary: 'Change in-app / e-mail for some kinds; returns every kind', body: UpdateNotificationPrefs, response: { 200: NotificationPrefs } },
  }, async (req) => notifications.updatePrefs(deps, req.actor, req.body));
}
