// Macros: a reply template (HTML with {{variables}}) plus ticket changes, applied in one click.
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Message, Priority, Status, Tags, Ticket } from './tickets.ts';

/** Variables a macro body may use; anything else stays in the text as written. */
export const MACRO_VARIABLES = [
  'ticket.number', 'ticket.subject', 'ticket.status', 'customer.name', 'customer.email', 'agent.name', 'organization.name',
] as const;

export const MacroActions = z.strictObject({
  status: Status.optional(),
  priority: Priority.optional(),
  groupId: Id.nullable().optional(),
  assigneeId: z.union([Id, z.literal('me')]).nullable().optional(), // "me": whoever applies the macro
  addTags: Tags.optional(),
  removeTags: Tags.optional(),
});
export type MacroActions = z.infer<typeof MacroActions>;

const Name = z.string().trim().min(1).max(100);
const Body = z.string().max(50_000);

export const Macro = z.object({
  id: Id,
  name: z.string(),
  body: z.string(),
  actions: MacroActions,
  shared: z.boolean(),
  active: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateMacroBody = z.object({
  name: Name,
  body: Body.default(''),
  actions: MacroActions.default({}),
  shared: z.boolean().default(false), // shared macros need lead rights
});

export const UpdateMacroBody = z
  .object({ name: Name, body: Body, actions: MacroActions, active: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const ListMacrosQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  includeInactive: z.enum(['true', 'false']).default('false'),
});

export const MacroApplyParams = z.object({ ref: z.string().max(40), id: Id });
export const ApplyMacroBody = z.object({
  version: z.number().int().positive(), // the ticket version the agent is looking at
  send: z.boolean().default(false), // true: post the rendered body as a public reply
});
export const ApplyMacroResult = z.object({
  ticket: Ticket,
  body: z.string(), // rendered HTML; when not sent, for the agent to edit
  unknownVariables: z.array(z.string()),
  message: Message.nullable(),
});
