// Who may do what. Services call can()/assert*() before touching data.
// Light agents read and write internal notes; agents work tickets; leads also manage
// shared views and macros; admins manage people, fields, settings.
import type { Actor, UserActor } from './actor.ts';
import type { Role } from './db/types.ts';
import { AppError } from './errors.ts';

const RANK: Record<Role, number> = { light_agent: 0, agent: 1, lead: 2, admin: 3 };

export const PERMISSIONS = {
  'ticket.read': 'light_agent',
  'ticket.note': 'light_agent',
  'ticket.create': 'agent',
  'ticket.update': 'agent',
  'ticket.reply': 'agent',
  'ticket.merge': 'agent',
  'ticket.follow': 'light_agent', // follow a ticket yourself; adding others needs ticket.update
  'customer.read': 'light_agent',
  'customer.write': 'agent',
  'org.read': 'light_agent',
  'org.write': 'agent',
  'org.share': 'admin', // let an organization's members see each other's tickets on the portal
  'user.read': 'light_agent',
  'user.write': 'admin',
  'group.read': 'light_agent',
  'group.write': 'admin',
  'group.members': 'lead',
  'field.read': 'light_agent',
  'field.write': 'admin',
  'view.read': 'light_agent',
  'view.own': 'light_agent',
  'view.shared.write': 'lead',
  'macro.read': 'agent',
  'macro.use': 'agent',
  'macro.own': 'agent',
  'macro.shared.write': 'lead',
  'attachment.upload': 'light_agent',
  'settings.read': 'light_agent',
  'settings.write': 'admin',
  'token.read': 'admin', // every user's API tokens (names, prefixes, owners; never the secret)
  'token.admin': 'admin', // revoke anyone's token
  'search': 'light_agent',
  'mail.upload': 'agent', // hand an .eml to the inbound pipeline
  'mail.read': 'lead', // channels, their health and alerts, outbound status
  'mail.admin': 'admin', // configure channels; quarantine: retry, release
  'mail.received.read': 'admin', // inbound mails and their raw sources (customer data of every ticket)
  // keeping the word (issue 6)
  'calendar.read': 'light_agent',
  'calendar.write': 'admin',
  'sla.read': 'light_agent', // policies and a ticket's SLA state
  'sla.write': 'admin',
  'promise.read': 'light_agent',
  'promise.write': 'agent', // make, keep, renegotiate, cancel
  'ticket.escalate': 'agent', // escalate / de-escalate with a handoff; third party; snooze
  'escalation.rules.read': 'lead',
  'escalation.rules.write': 'admin',
  'priority.weights.write': 'admin',
  'care.read': 'light_agent',
  'care.write': 'agent',
  'notification.own': 'light_agent', // one's own notifications and preferences
  'notification.read': 'light_agent', // reading them (read-only tokens too)
  'report.read': 'lead', // SLA and promise metrics of everyone
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/** Token scopes cap what a token may do: read < write < admin. */
function scopeAllows(actor: UserActor, p: Permission): boolean {
  if (actor.via === 'session') return true;
  const needs = PERMISSIONS[p];
  const readOnly = p.endsWith('.read') || p === 'search';
  if (actor.scopes.includes('admin')) return true;
  if (actor.scopes.includes('write')) return needs !== 'admin';
  return actor.scopes.includes('read') && readOnly;
}

export function can(actor: Actor, p: Permission): actor is UserActor {
  if (actor.kind !== 'user') return false;
  return RANK[actor.role] >= RANK[PERMISSIONS[p]] && scopeAllows(actor, p);
}

/** Throws 401 for anonymous, 403 for a signed-in principal without the right. */
export function authorize(actor: Actor, p: Permission): asserts actor is UserActor {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  if (!can(actor, p)) throw new AppError('forbidden', `missing permission ${p}`);
}

export function requireCustomer(actor: Actor): asserts actor is Extract<Actor, { kind: 'customer' }> {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  if (actor.kind !== 'customer') throw new AppError('forbidden', 'customer portal only');
}

export function requireSignedIn(actor: Actor): asserts actor is Exclude<Actor, { kind: 'anonymous' }> {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
}
