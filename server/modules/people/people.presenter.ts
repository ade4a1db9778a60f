// Rows to API shapes for users, groups, organizations, customers and ticket fields.
import type { z } from 'zod';
import type { Customer, CustomerDetail, Group, GroupDetail, Organization, TicketField, User } from '../../../api/people.ts';
import type { CustomerStage, FieldType, Role } from '../../db/types.ts';
import { isoReq } from '../../http/types.ts';

type Locale = 'ru' | 'en';

export type UserRow = {
  id: string; email: string; name: string; role: Role; level: number; skills: string[]; time_zone: string;
  locale: string; active: boolean; group_ids: string[]; created_at: Date; updated_at: Date;
};
export function presentUser(u: UserRow): z.infer<typeof User> {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, level: u.level, skills: u.skills, timeZone: u.time_zone,
    locale: u.locale as Locale, active: u.active, groupIds: u.group_ids, createdAt: isoReq(u.created_at), updatedAt: isoReq(u.updated_at),
  };
}

export type GroupRow = { id: string; name: string; description: string; level: number; calendar_id: string | null; member_count: number; created_at: Date };
export function presentGroup(g: GroupRow): z.infer<typeof Group> {
  return {
    id: g.id, name: g.name, description: g.description, level: g.level, calendarId: g.calendar_id, memberCount: g.member_count, createdAt: isoReq(g.created_at),
  };
}
export function presentGroupDetail(g: GroupRow & { member_ids: string[] }): z.infer<typeof GroupDetail> {
  return { ...presentGroup(g), memberIds: g.member_ids };
}

export type OrganizationRow = {
  id: string; name: string; domains: string[]; notes: string; vip: boolean; portal_shared: boolean; calendar_id: string | null; created_at: Date; updated_at: Date;
};
export function presentOrganization(o: OrganizationRow): z.infer<typeof Organization> {
  return {
    id: o.id, name: o.name, domains: o.domains, notes: o.notes, vip: o.vip, portalShared: o.portal_shared, calendarId: o.calendar_id, createdAt: isoReq(o.created_at), updatedAt: isoReq(o.updated_at),
  };
}

export type CustomerRow = {
  id: string; name: string; organization_id: string | null; org_name: string | null; stage: CustomerStage; stage_since: Date;
  language: string; phones: string[]; notes: string; emails: { email: string; primary: boolean }[]; created_at: Date; updated_at: Date;
};
export function presentCustomer(c: CustomerRow): z.infer<typeof Customer> {
  return {
    id: c.id,
    name: c.name,
    email: c.emails.find((e) => e.primary)?.email ?? c.emails[0]?.email ?? null,
    emails: c.emails,
    phones: c.phones,
    organization: c.organization_id ? { id: c.organization_id, name: c.org_name ?? '' } : null,
    stage: c.stage,
    stageSince: isoReq(c.stage_since),
    language: c.language as Locale,
    notes: c.notes,
    createdAt: isoReq(c.created_at),
    updatedAt: isoReq(c.updated_at),
  };
}
export function presentCustomerDetail(c: CustomerRow & { open_tickets: number; total_tickets: number }): z.infer<typeof CustomerDetail> {
  return { ...presentCustomer(c), tickets: { open: c.open_tickets, total: c.total_tickets } };
}

export type FieldRow = {
  id: string; key: string; label_ru: string; label_en: string; type: FieldType; options: string[]; required: boolean; active: boolean; created_at: Date;
  customer_visible: boolean; customer_editable: boolean;
};
export function presentField(f: FieldRow): z.infer<typeof TicketField> {
  return {
    id: f.id, key: f.key, labelRu: f.label_ru, labelEn: f.label_en, type: f.type, options: f.options,
    required: f.required, active: f.active, customerVisible: f.customer_visible, customerEditable: f.customer_editable, createdAt: isoReq(f.created_at),
  };
}
