// People: agents (users), groups, customers, organizations, custom ticket field definitions.
import { z } from 'zod';
import { Role } from './auth.ts';
import { Email, Id, Locale, PageQuery, Timestamp } from './common.ts';
import { Stage } from './tickets.ts';

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20));
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const Name = z.string().trim().min(1).max(200);
/** A prefix to search by; matched case-insensitively. */
const Prefix = z.string().trim().min(1).max(100);

/** An IANA time zone the runtime knows (Europe/Moscow, Asia/Yekaterinburg, UTC...). */
export const TimeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Moscow');

/** A DNS domain, lowercased (punycode for IDN). */
export const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, 'must be a domain such as example.com');
export const Phone = z.string().trim().regex(/^\+?[0-9][0-9 ()-]{3,30}$/, 'must be a phone number such as +7 495 123-45-67');
const Password = z.string().min(12, 'at least 12 characters').max(1024);

// --- users (agents) ---

export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  level: z.number().int(),
  skills: z.array(z.string()),
  timeZone: z.string(),
  locale: Locale,
  active: z.boolean(),
  groupIds: z.array(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** The create answer carries a generated password once (null when the admin chose one, or on an idempotent replay). */
export const CreatedUser = User.extend({ generatedPassword: z.string().nullable() });

const Skill = z.string().trim().toLowerCase().regex(/^[\p{L}\p{N}_:.-]{1,50}$/u, 'skills are 1-50 letters, digits, _ : . -');
const Level = z.number().int().min(1).max(3);

export const ListUsersQuery = PageQuery.extend({
  role: csv(Role).optional(),
  active: bool.optional(),
  groupId: Id.optional(),
  q: Prefix.optional(),
});

export const CreateUserBody = z.object({
  email: Email,
  name: Name,
  role: Role.default('agent'),
  level: Level.default(1),
  skills: z.array(Skill).max(50).default([]),
  timeZone: TimeZone.default('Europe/Moscow'),
  locale: Locale.default('ru'),
  groupIds: z.array(Id).max(100).default([]),
  password: Password.optional(),
});

export const UpdateUserBody = z
  .object({
    email: Email,
    name: Name,
    role: Role,
    level: Level,
    skills: z.array(Skill).max(50),
    timeZone: TimeZone,
    locale: Locale,
    active: z.boolean(),
    groupIds: z.array(Id).max(100),
    password: Password,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const UpdateMeBody = z
  .object({ name: Name, locale: Locale, timeZone: TimeZone })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

// --- groups (teams) ---

export const Group = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  /** support line L1-L3: escalation moves tickets to groups of a higher level */
  level: z.number().int().min(1).max(3),
  calendarId: Id.nullable(),
  memberCount: z.number().int(),
  createdAt: Timestamp,
});
export const GroupDetail = Group.extend({ memberIds: z.array(Id) });

export const ListGroupsQuery = PageQuery.extend({ q: Prefix.optional() });
export const CreateGroupBody = z.object({ name: Name, description: z.string().trim().max(2000).default(''), level: z.number().int().min(1).max(3).default(1) });
export const UpdateGroupBody = z
  .object({ name: Name, description: z.string().trim().max(2000), level: z.number().int().min(1).max(3) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export const GroupMembersBody = z.object({ userIds: z.array(Id).max(1000) });

// --- organizations ---

export const Organization = z.object({
  id: Id,
  name: z.string(),
  domains: z.array(z.string()),
  notes: z.string(),
  /** a VIP account: its customers' tickets rank higher and VIP SLA policies match */
  vip: z.boolean(),
  /** members see each other's requests on the portal (read only); admins change it */
  portalShared: z.boolean(),
  calendarId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const ListOrganizationsQuery = PageQuery.extend({ q: Prefix.optional() });
export const CreateOrganizationBody = z.object({
  name: Name,
  domains: z.array(Domain).max(50).default([]),
  notes: z.string().max(10_000).default(''),
  vip: z.boolean().default(false),
  portalShared: z.boolean().default(false), // admins only
});
export const UpdateOrganizationBody = z
  .object({ name: Name, domains: z.array(Domain).max(50), notes: z.string().max(10_000), vip: z.boolean(), portalShared: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

// --- customers (contacts) ---

export const Customer = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(), // the primary address
  emails: z.array(z.object({ email: z.string(), primary: z.boolean() })),
  phones: z.array(z.string()),
  organization: z.object({ id: Id, name: z.string() }).nullable(),
  stage: Stage,
  stageSince: Timestamp,
  language: Locale,
  notes: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const CustomerDetail = Customer.extend({ tickets: z.object({ open: z.number().int(), total: z.number().int() }) });

export const ListCustomersQuery = PageQuery.extend({
  q: Prefix.optional(),
  stage: csv(Stage).optional(),
  organizationId: Id.optional(),
});

export const CreateCustomerBody = z.object({
  name: Name,
  emails: z.array(Email).min(1).max(20), // the first is the primary one
  phones: z.array(Phone).max(20).default([]),
  organizationId: Id.nullable().optional(), // absent: linked by e-mail domain; null: none
  stage: Stage.default('new'),
  language: Locale.default('ru'),
  notes: z.string().max(10_000).default(''),
});

export const UpdateCustomerBody = z
  .object({
    name: Name,
    phones: z.array(Phone).max(20),
    organizationId: Id.nullable(),
    stage: Stage,
    language: Locale,
    notes: z.string().max(10_000),
    addEmails: z.array(Email).min(1).max(20),
    removeEmails: z.array(Email).min(1).max(20),
    primaryEmail: Email,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

// --- custom ticket fields ---

export const FieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, '1-40 lowercase letters, digits, _; starts with a letter');
export const FieldType = z.enum(['text', 'number', 'date', 'select', 'checkbox']);
const Label = z.string().trim().min(1).max(100);
const Options = z.array(z.string().trim().min(1).max(100)).max(200);

export const TicketField = z.object({
  id: Id,
  key: z.string(),
  labelRu: z.string(),
  labelEn: z.string(),
  type: FieldType,
  options: z.array(z.string()),
  required: z.boolean(),
  active: z.boolean(),
  /** shown to customers on the portal (new-request form, request page) */
  customerVisible: z.boolean(),
  /** customers fill it in when opening a request (implies customerVisible); required ones must be filled */
  customerEditable: z.boolean(),
  createdAt: Timestamp,
});

export const ListFieldsQuery = PageQuery.extend({ active: bool.optional() });

export const CreateFieldBody = z.object({
  key: FieldKey,
  labelRu: Label,
  labelEn: Label,
  type: FieldType,
  options: Options.default([]),
  required: z.boolean().default(false),
  customerVisible: z.boolean().default(false),
  customerEditable: z.boolean().default(false),
});

/** key and type cannot change: a stored value must keep meaning what it meant. */
export const UpdateFieldBody = z
  .strictObject({
    labelRu: Label, labelEn: Label, options: Options, required: z.boolean(), active: z.boolean(), customerVisible: z.boolean(), customerEditable: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
