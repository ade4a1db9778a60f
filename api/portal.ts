// The customer portal: a customer's own profile and tickets. No internal fields here.
import { z } from 'zod';
import { Id, Locale, Timestamp } from './common.ts';
import { FieldType } from './people.ts';
import { Attachment, CustomValues } from './tickets.ts';

/** What a customer sees of the workflow: internal states (on hold, waiting for a vendor...) read as "open". */
export const PortalStatus = z.enum(['open', 'awaiting_reply', 'solved', 'closed']);

export const PortalProfile = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(), // the primary address
  emails: z.array(z.string()),
  language: Locale,
  organization: z.object({ id: Id, name: z.string() }).nullable(),
});

export const PortalTicket = z.object({
  id: Id,
  number: z.string(),
  subject: z.string(),
  status: PortalStatus,
  /** Who has the next step, in the customer's terms ("none" once solved or closed). */
  waitingOn: z.enum(['support', 'customer', 'third_party', 'none']),
  /** The support line working on it: 1 is the first line, 2 the second... */
  line: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  solvedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  /**
   * who opened it; mine is false for a colleague's request (organizations sharing requests): read only.
   * Defaults: responses stored (idempotent replays of a new request, made by its requester) before these existed.
   */
  requester: z.object({ name: z.string(), mine: z.boolean() }).default({ name: '', mine: true }),
  /** values of the custom fields customers see (GET /api/v1/portal/fields), by key */
  custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/** A custom field customers see; editable ones can be filled in when opening a request. */
export const PortalField = z.object({
  key: z.string(),
  labelRu: z.string(),
  labelEn: z.string(),
  type: FieldType,
  options: z.array(z.string()),
  required: z.boolean(),
  editable: z.boolean(),
});

export const PortalMessage = z.object({
  id: Id,
  author: z.object({ type: z.enum(['agent', 'customer', 'system']), name: z.string().nullable() }),
  bodyHtml: z.string(),
  bodyText: z.string(),
  attachments: z.array(Attachment),
  createdAt: Timestamp,
});

/** attachmentIds: the customer's own uploads (POST /api/v1/portal/attachments) not yet sent with a message. */
export const PortalCreateTicketBody = z.object({
  subject: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(200_000),
  attachmentIds: z.array(Id).max(20).default([]),
  /** values of customer-editable fields only (typed as the agent API checks them); required ones must be present */
  custom: CustomValues.default({}),
});

export const PortalReplyBody = z.object({ body: z.string().min(1).max(200_000), attachmentIds: z.array(Id).max(20).default([]) });
