// Promise ledger shapes: promises made to customers, their lifecycle, lists, metrics, settings.
import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.ts';

export const PromiseKind = z.enum(['callback', 'update', 'fix', 'info', 'other']);
export const PromiseState = z.enum(['open', 'kept', 'broken', 'renegotiated', 'cancelled']);

/** A promise to record: from the coach's extraction (confirmed or edited by the agent) or by hand. */
export const NewPromiseInput = z.object({
  text: z.string().trim().min(1).max(2000),
  dueAt: Timestamp,
  kind: PromiseKind.default('other'),
  ownerId: Id.optional(), // default: the author of the reply / the caller
  visibleToCustomer: z.boolean().default(true),
});

export const PromiseAlert = z.object({ at: Timestamp, level: z.enum(['remind', 'due']), minutes: z.number().int() });

export const PromiseItem = z.object({
  id: Id,
  ticketId: Id,
  ticketNumber: z.string(),
  ownerId: Id.nullable(),
  createdBy: Id.nullable(),
  kind: PromiseKind,
  text: z.string(),
  dueAt: Timestamp,
  visibleToCustomer: z.boolean(),
  source: z.enum(['reply', 'manual', 'escalation']),
  messageId: Id.nullable(),
  state: PromiseState,
  renegotiatedFromId: Id.nullable(),
  replacedById: Id.nullable(),
  resolvedAt: Timestamp.nullable(),
  resolvedBy: Id.nullable(),
  resolvedNote: z.string().nullable(),
  /** kept: minutes before the due time (negative: late); renegotiated: minutes before the old due time */
  marginMin: z.number().int().nullable(),
  /** reminders and the due check still ahead */
  alerts: z.array(PromiseAlert),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** A ticket's promises (oldest first) and its badge. */
export const TicketPromises = z.object({
  items: z.array(PromiseItem),
  counts: z.object({ open: z.number().int(), broken: z.number().int() }),
});

export const KeepPromiseBody = z.object({ note: z.string().trim().max(2000).optional() });
export const CancelPromiseBody = z.object({ note: z.string().trim().min(1).max(2000) });
export const RenegotiateBody = z.object({
  dueAt: Timestamp,
  text: z.string().trim().min(1).max(2000).optional(), // default: the old text
  ownerId: Id.optional(), // default: the old owner
  note: z.string().trim().max(2000).optional(),
  /** tell the customer: a public reply on the ticket (the new promise is linked to it) */
  reply: z.object({ body: z.string().min(1).max(200_000), format: z.enum(['html', 'text']).default('text') }).optional(),
});
export const RenegotiateResult = z.object({ previous: PromiseItem, promise: PromiseItem, messageId: Id.nullable() });

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(10));

export const ListPromisesQuery = PageQuery.extend({
  owner: z.union([Id, z.literal('me')]).optional(),
  state: csv(PromiseState).optional(),
  dueBefore: Timestamp.optional(),
});

export const PromiseReportQuery = z.object({
  from: Timestamp.optional(), // default: 30 days before `to`
  to: Timestamp.optional(), // default: now
  groupBy: z.enum(['agent', 'group']).default('agent'),
});
export const PromiseReportRow = z.object({
  key: Id.nullable(), // owner id or group id (null: no owner / no group)
  name: z.string().nullable(),
  made: z.number().int(),
  keptOnTime: z.number().int(),
  keptLate: z.number().int(),
  /** new time given before the old one passed: kept with a change */
  renegotiated: z.number().int(),
  broken: z.number().int(),
  open: z.number().int(),
  cancelled: z.number().int(),
  /** median of margin_min over kept promises (minutes before due; negative: late) */
  medianMarginMin: z.number().nullable(),
});
export const PromiseReport = z.object({ from: Timestamp, to: Timestamp, groupBy: z.enum(['agent', 'group']), rows: z.array(PromiseReportRow) });

/** What the customer sees in the portal. */
export const PortalPromise = z.object({ text: z.string(), dueAt: Timestamp, state: PromiseState });

export const PromiseSettings = z.object({
  /** reminders to the owner, minutes before the due time */
  reminders: z.array(z.number().int().min(1).max(7 * 24 * 60)).max(5),
  /** kinds a public agent reply keeps automatically when sent before the due time */
  autoKeepOnReply: z.object({ callback: z.boolean(), update: z.boolean(), fix: z.boolean(), info: z.boolean(), other: z.boolean() }),
  /** list the promises a reply makes under it in the mail to the customer, with their due times */
  showInReply: z.boolean().default(true),
});
