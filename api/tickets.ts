import { NewPromiseInput } from './promises.ts';
import { PriorityPart } from './priority.ts';
import { z } from 'zod';
import { MessageAnalysis, MessageCoach, Signal } from './analysis.ts';
import { Email, Id, Locale, PageQuery, Timestamp } from './common.ts';

export const Status = z.enum(['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed']);
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export const Channel = z.enum(['email', 'portal', 'api', 'phone', 'chat']);
export const Stage = z.enum(['lead', 'trial', 'new', 'active', 'vip', 'churned']);
export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_:.-]{1,50}$/u, 'tags are 1-50 letters, digits, _ : . -');
export const Tags = z.array(Tag).max(50);
/** Custom field keys per request (each one is a query parameter when checked). */
export const MAX_CUSTOM_KEYS = 200;
const fewKeys = (o: object) => Object.keys(o).length <= MAX_CUSTOM_KEYS;
export const CustomValues = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine(fewKeys, `at most ${MAX_CUSTOM_KEYS} custom fields`);

/** Agents one note may @mention. */
export const MAX_MENTIONS = 20;

export const TicketRefParams = z.object({ ref: z.string().max(40) });

export const MessageInput = z.object({
  body: z.string().min(1).max(200_000),
  format: z.enum(['html', 'text']).default('text'),
  attachmentIds: z.array(Id).max(50).default([]),
});

export const CreateTicketBody = z.object({
  subject: z.string().trim().min(1).max(300),
  requester: z.union([
    z.object({ id: Id }),
    z.object({ email: Email, name: z.string().trim().min(1).max(200).optional() }),
  ]),
  message: MessageInput.extend({ kind: z.enum(['reply', 'note']).default('reply'), author: z.enum(['customer', 'agent']).default('customer') }),
  status: Status.optional(),
  priority: Priority.optional(),
  groupId: Id.nullable().optional(),
  assigneeId: Id.nullable().optional(),
  tags: Tags.default([]),
  custom: CustomValues.default({}),
  channel: Channel.default('api'),
  language: Locale.optional(),
});

const TicketChanges = z
  .object({
    subject: z.string().trim().min(1).max(300),
    status: Status,
    priority: Priority,
    groupId: Id.nullable(),
    assigneeId: Id.nullable(),
    requesterId: Id,
    tags: Tags,
    addTags: Tags,
    removeTags: Tags,
    custom: CustomValues,
    language: Locale,
  })
  .partial();

export const UpdateTicketBody = TicketChanges
  .extend({ version: z.number().int().positive().optional() })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), 'nothing to change');

export const MAX_BULK = 100;

/** One change for many tickets, each with the version the caller saw (a colleague's newer change wins). */
export const BulkUpdateBody = z.object({
  items: z.array(z.object({ ref: z.string().trim().min(1).max(40), version: z.number().int().positive() })).min(1).max(MAX_BULK),
  set: TicketChanges.refine((b) => Object.keys(b).length > 0, 'nothing to change'),
});

export const Ticket = z.object({
  id: Id,
  number: z.string(),
  subject: z.string(),
  status: Status,
  priority: Priority,
  priorityScore: z.number(),
  /** why: the parts the score is the sum of, e.g. "+20 trial customer" (GET /tickets/:ref/priority) */
  priorityParts: z.array(PriorityPart).default([]),
  channel: Channel,
  tags: z.array(z.string()),
  /** analyzer signals of its customer messages (union); default: responses stored (idempotent replays) before signals existed */
  signals: z.array(Signal).default([]),
  custom: z.record(z.string(), z.unknown()),
  language: Locale,
  requester: z.object({ id: Id, name: z.string(), stage: Stage }),
  organizationId: Id.nullable(),
  groupId: Id.nullable(),
  assigneeId: Id.nullable(),
  mergedIntoId: Id.nullable(),
  /** support line L1-L3 (escalation) */
  level: z.number().int().default(1),
  /** pending_third_party: who we wait for and when to follow up */
  thirdParty: z.object({ name: z.string().nullable(), followUpAt: Timestamp.nullable() }).nullable().default(null),
  snoozedUntil: Timestamp.nullable().default(null),
  version: z.number(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  firstResponseAt: Timestamp.nullable(),
  solvedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
});

export const Attachment = z.object({
  id: Id,
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  url: z.string(),
});

export const Message = z.object({
  id: Id,
  ticketId: Id,
  kind: z.enum(['reply', 'note']),
  author: z.object({ type: z.enum(['agent', 'customer', 'system']), id: Id.nullable(), name: z.string().nullable() }),
  bodyHtml: z.string(),
  bodyText: z.string(),
  channel: Channel,
  attachments: z.array(Attachment),
  /** customer messages: triage signals (null for staff messages or when analysis failed) */
  analysis: MessageAnalysis.nullable().default(null),
  /** agent public replies: what the reply coach said when it was sent */
  coach: MessageCoach.nullable().default(null), // defaults: responses stored (idempotent replays) before the analyzer
  /** internal notes: the agents @mentioned (default: responses stored before mentions) */
  mentions: z.array(z.object({ id: Id, name: z.string().nullable() })).default([]),
  createdAt: Timestamp,
});

export const AddMessageBody = MessageInput.extend({
  kind: z.enum(['reply', 'note']).default('reply'),
  status: Status.optional(), // e.g. reply and set pending_customer in one step
  /** the agent saw the coach's flags and confirmed sending anyway (stored with the reply) */
  coachAck: z.boolean().optional(),
  /** promises this reply makes, confirmed by the agent (public replies only); they enter the ledger */
  promises: z.array(NewPromiseInput).max(10).optional(),
  /** internal notes only: agents @mentioned in the note; each (but the author) gets a 'mention' notification */
  mentions: z.array(Id).max(MAX_MENTIONS).optional(),
});

export const TicketEvent = z.object({
  id: Id,
  kind: z.string(),
  actor: z.object({ type: z.enum(['agent', 'customer', 'system']), id: Id.nullable() }),
  data: z.record(z.string(), z.unknown()),
  createdAt: Timestamp,
});

export const Sort = z.enum(['score', 'priority', 'updated', 'created', 'oldest']);
const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(50));
/** Text PostgreSQL can store (no U+0000); for values decoded inside a query parameter. */
const noNul = z.string().refine((s) => !s.includes('\0'), 'must not contain NUL (U+0000)');
export const IdOrSpecial = z.union([Id, z.enum(['none', 'me'])]);

/** Ticket filters: one shape for list, views and search. */
export const TicketFilters = z.object({
  status: csv(Status).optional(),
  priority: csv(Priority).optional(),
  groupId: csv(IdOrSpecial).optional(),
  assigneeId: csv(IdOrSpecial).optional(),
  tags: csv(Tag).optional(), // all of these
  anyTags: csv(Tag).optional(),
  stage: csv(Stage).optional(),
  channel: csv(Channel).optional(),
  signal: csv(Signal).optional(), // any of these analyzer signals
  requesterId: Id.optional(),
  organizationId: Id.optional(),
  custom: z.record(noNul, z.union([noNul, z.number(), z.boolean()])).refine(fewKeys, `at most ${MAX_CUSTOM_KEYS} custom fields`).optional(),
  updatedSince: Timestamp.optional(),
  createdSince: Timestamp.optional(),
  /** snoozed tickets: 'hide' leaves out those snoozed until later, 'only' lists just them */
  snoozed: z.enum(['hide', 'only']).optional(),
});
export type TicketFilters = z.infer<typeof TicketFilters>;

export const ListTicketsQuery = PageQuery.extend(TicketFilters.omit({ custom: true }).shape).extend({
  sort: Sort.default('updated'),
  custom: z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try { return JSON.parse(v); } catch { return v; }
  }, TicketFilters.shape.custom).optional(),
});

export const MergeBody = z.object({
  targetRef: z.string().max(40),
  notifyRequester: z.boolean().default(false),
});

export const LinkBody = z.object({ otherRef: z.string().max(40), kind: z.enum(['related', 'duplicate_of', 'parent_of', 'child_of']) });
export const TicketLink = z.object({
  id: Id,
  kind: z.enum(['related', 'duplicate_of', 'duplicated_by', 'parent_of', 'child_of']),
  ticket: z.object({ id: Id, number: z.string(), subject: z.string(), status: Status }),
  createdAt: Timestamp,
});

export const MergeResult = z.object({ source: Ticket, target: Ticket, messagesMoved: z.number() });

export const FollowBody = z.object({ userId: Id.optional() }); // default: the caller
export const FollowerParams = z.object({ ref: z.string().max(40), userId: Id });
export const LinkParams = z.object({ ref: z.string().max(40), linkId: Id });
export const Follower = z.object({ userId: Id, name: z.string(), email: z.string(), createdAt: Timestamp });

/** Per ticket: the updated ticket, or why not (the status and stable code a single PATCH would have answered). */
export const BulkUpdateResult = z.object({
  items: z.array(z.union([
    z.object({ ref: z.string(), ok: z.literal(true), ticket: Ticket }),
    z.object({ ref: z.string(), ok: z.literal(false), status: z.number().int(), code: z.string(), detail: z.string() }),
  ])),
});
