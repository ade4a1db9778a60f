// In-app notifications of the signed-in user and their preferences (in-app / e-mail per kind).
import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.ts';

export const NOTIFICATION_KINDS = [
  'sla_warning', 'sla_breach', 'promise_reminder', 'promise_broken', 'promise_claimed',
  'escalated', 'auto_escalation', 'care_expired', 'follow_up_due', 'snooze_ended', 'mention', 'customer_reply',
] as const;
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS);

export const Notification = z.object({
  id: Id,
  kind: z.string(),
  /** one line in the reader's language, e.g. "SLA нарушен: срок первого ответа истёк (срок 3 дек., 14:00)" */
  text: z.string(),
  ticket: z.object({ id: Id, number: z.string(), ref: z.string(), subject: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
  readAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

export const NotificationsQuery = PageQuery.extend({
  unread: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const UnreadCount = z.object({ count: z.number().int() });
export const ReadAllResult = z.object({ updated: z.number().int() });

export const KindPref = z.object({ inApp: z.boolean(), email: z.boolean() });
/** Every kind with its current setting (defaults where the user set nothing). */
export const NotificationPrefs = z.object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, KindPref])) as Record<(typeof NOTIFICATION_KINDS)[number], typeof KindPref>);
/** Any of the kinds; each given kind may set inApp, email or both. */
export const UpdateNotificationPrefs = z
  .strictObject(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, KindPref.partial().optional()])) as Record<(typeof NOTIFICATION_KINDS)[number], z.ZodOptional<ReturnType<typeof KindPref.partial>>>)
  .refine((b) => Object.values(b).some((v) => v && Object.keys(v).length > 0), 'nothing to change');
