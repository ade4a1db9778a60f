// Escalation L1 -> L2 -> L3 (handoff, history, automatic rules), third party, snooze.
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Status } from './tickets.ts';

export const Level = z.number().int().min(1).max(3);

/** Where a ticket stands after an escalation, third-party or snooze change. */
export const TicketKeeping = z.object({
  id: Id,
  status: Status,
  level: Level,
  groupId: Id.nullable(),
  assigneeId: Id.nullable(),
  thirdPartyName: z.string().nullable(),
  thirdPartyFollowUpAt: Timestamp.nullable(),
  snoozedUntil: Timestamp.nullable(),
  version: z.number().int(),
  updatedAt: Timestamp,
});

export const GroupRef = z.object({ id: Id, name: z.string(), level: Level });

/** The handoff form, prefilled: the agent confirms or edits it before escalating. */
export const EscalationDraft = z.object({
  level: Level,
  nextLevel: Level.nullable(), // null at L3
  summary: z.string(),
  tried: z.array(z.string()), // the analyzer's tried steps of the customer's messages
  candidateGroups: z.array(GroupRef), // groups of the next level
  attachments: z.array(z.object({ id: Id, filename: z.string(), contentType: z.string(), size: z.number() })),
});

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

export const EscalateBody = z.object({
  toLevel: z.number().int().min(2).max(3),
  toGroupId: Id.optional(), // default: the first group of that level
  assigneeId: Id.optional(), // an active agent of at least that level; default: nobody (the group picks it up)
  summary: text(10, 5000),
  tried: z.array(text(1, 500)).min(1).max(50),
  needed: text(1, 5000),
  attachmentIds: z.array(Id).max(50).default([]),
  /** a public reply to the customer with the new time frame; it becomes a promise (source 'escalation') */
  customerNotice: z.object({ text: text(1, 20_000), dueAt: Timestamp }).optional(),
});

export const DeescalateBody = z.object({
  toLevel: z.number().int().min(1).max(2),
  toGroupId: Id.optional(), // default: the first group of that level
  note: text(1, 5000),
});

export const Escalation = z.object({
  id: Id,
  ticketId: Id,
  kind: z.enum(['escalate', 'deescalate']),
  fromLevel: Level,
  toLevel: Level,
  fromGroupId: Id.nullable(),
  toGroupId: Id.nullable(),
  summary: z.string(),
  tried: z.array(z.string()),
  needed: z.string(),
  attachmentIds: z.array(Id),
  note: z.string(),
  promiseId: Id.nullable(),
  ruleId: Id.nullable(), // set when an automatic rule moved the ticket
  createdBy: Id.nullable(),
  createdAt: Timestamp,
});

export const EscalationResult = z.object({ escalation: Escalation, ticket: TicketKeeping, messageId: Id.nullable() });

// Automatic rules ---------------------------------------------------------------------------
export const Trigger = z.enum(['signal', 'vip_breach_risk', 'repeat_contact', 'broken_promise']);
export const RuleAction = z.enum(['notify_lead', 'move_to_level']);

export const RuleParams = z.object({
  signals: z.array(z.string().regex(/^[a-z_]{1,40}$/)).min(1).max(20).optional(), // 'signal': any of
  percent: z.number().int().min(1).max(100).optional(), // 'vip_breach_risk': time left at most (default 25)
  count: z.number().int().min(2).max(100).optional(), // 'repeat_contact': tickets (default 3)
  days: z.number().int().min(1).max(365).optional(), // 'repeat_contact': within days (default 14)
}).strict();

const ruleFields = {
  name: text(1, 200),
  active: z.boolean(),
  trigger: Trigger,
  params: RuleParams,
  action: RuleAction,
  toLevel: z.number().int().min(2).max(3).nullable(),
  toGroupId: Id.nullable(),
};

export const CreateRuleBody = z.object({
  ...ruleFields,
  active: ruleFields.active.default(true),
  params: RuleParams.default({}),
  toLevel: ruleFields.toLevel.optional(),
  toGroupId: ruleFields.toGroupId.optional(),
});
export const UpdateRuleBody = z.object(ruleFields).partial().refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const EscalationRule = z.object({
  id: Id, name: z.string(), active: z.boolean(), trigger: Trigger, params: z.record(z.string(), z.unknown()), action: RuleAction,
  toLevel: z.number().int().nullable(), toGroupId: Id.nullable(), createdAt: Timestamp,
});

// Third party and snooze ------------------------------------------------------------------------
export const ThirdPartyBody = z.object({
  name: text(1, 200),
  followUpAt: Timestamp.nullable().optional(), // when to look again (the assignee is reminded)
});

export const SnoozeBody = z.object({ until: Timestamp });
