// In-app notifications (+ e-mail by preference), exactly once by dedupe key. CONTRACT STUB — helper F implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';

export const NOTIFICATION_KINDS = [
  'sla_warning', 'sla_breach', 'promise_reminder', 'promise_broken', 'promise_claimed',
  'escalated', 'auto_escalation', 'care_expired', 'follow_up_due', 'snooze_ended',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type Notice = {
  userId: string; kind: NotificationKind; ticketId: string | null; data: Record<string, unknown>;
  /** names the notification: the same key twice makes one notification and one mail */
  dedupeKey: string;
};

/** Inserts notifications (on conflict do nothing) and their e-mails per the users' preferences. */
export async function notify(_deps: Deps, _db: Db, _notices: Notice[]): Promise<number> { return 0; }

/** Who hears about a ticket: its assignee, the members of its group, the leads of its group (or all leads). */
export async function recipients(_db: Db, _ticketId: string, _who: ('assignee' | 'group' | 'leads')[]): Promise<string[]> { return []; }
