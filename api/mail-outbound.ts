// Outbound mail as the API shows it: the outbox rows of a ticket and their delivery state.
import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.ts';

export const OutboxStatus = z.enum(['queued', 'sending', 'sent', 'failed']);

export const OutboxMail = z.object({
  id: Id,
  kind: z.string(), // reply | ack | merged | assigned | …
  to: z.string(),
  subject: z.string(),
  status: OutboxStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  permanent: z.boolean(), // failed for good (5xx, too many attempts, bounced)
  messageId: z.string().nullable(), // set at the first send attempt, the same on every retry
  ticketMessageId: Id.nullable(),
  channelId: Id.nullable(),
  nextAttemptAt: Timestamp.nullable(), // when queued: the earliest next try
  createdAt: Timestamp,
  sentAt: Timestamp.nullable(),
});

export const TicketMailList = z.object({ items: z.array(OutboxMail) });

export const OutboxQuery = PageQuery.extend({
  status: OutboxStatus.optional(),
  kind: z.string().max(50).optional(),
});

/** The outbox across tickets (leads and admins): failed magic links, alerts and the like included. */
export const OutboxMailWithTicket = OutboxMail.extend({ ticketId: Id.nullable() });
