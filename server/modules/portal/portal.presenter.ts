// What a customer may see: no assignee, tags, priority, internal ids of agents; custom fields
// only those marked visible to customers.
import type { z } from 'zod';
import type { PortalField, PortalMessage, PortalProfile, PortalStatus, PortalTicket } from '../../../api/portal.ts';
import type { Config } from '../../config.ts';
import type { Message, TicketStatus } from '../../db/types.ts';
import { iso, isoReq } from '../../http/types.ts';
import { presentAttachment } from '../tickets/messages.presenter.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { visibleValues, type PortalFieldRow } from './portal-fields.ts';

export type PortalTicketRow = {
  id: string; number: string; subject: string; status: TicketStatus; level: number;
  created_at: Date; updated_at: Date; solved_at: Date | null; closed_at: Date | null;
  requester_id: string; requester_name: string; custom: Record<string, unknown>;
};

/** The viewer (whose requests are "mine") and the fields they see. */
export type PortalView = { customerId: string; fields: PortalFieldRow[] };

/** The customer's view of the workflow: waiting on us (in any internal way) is simply "open". */
export function portalStatus(s: TicketStatus): z.infer<typeof PortalStatus> {
  if (s === 'pending_customer') return 'awaiting_reply';
  if (s === 'solved' || s === 'closed') return s;
  return 'open';
}

/** Who has the next step: a vendor or partner, the customer, or us (in any internal way). */
export function portalWaitingOn(s: TicketStatus): 'support' | 'customer' | 'third_party' | 'none' {
  if (s === 'solved' || s === 'closed') return 'none';
  if (s === 'pending_customer') return 'customer';
  if (s === 'pending_third_party') return 'third_party';
  return 'support';
}

export function presentPortalTicket(config: Config, view: PortalView, t: PortalTicketRow): z.infer<typeof PortalTicket> {
  return {
    id: t.id,
    number: ticketRef(config, t.number),
    subject: t.subject,
    status: portalStatus(t.status),
    waitingOn: portalWaitingOn(t.status),
    line: t.level,
    createdAt: isoReq(t.created_at),
    updatedAt: isoReq(t.updated_at),
    solvedAt: iso(t.solved_at),
    closedAt: iso(t.closed_at),
    requester: { name: t.requester_name, mine: t.requester_id === view.customerId },
    custom: visibleValues(t.custom, view.fields),
  };
}

export function presentPortalField(f: PortalFieldRow): z.infer<typeof PortalField> {
  return {
    key: f.key, labelRu: f.label_ru, labelEn: f.label_en, type: f.type, options: f.options, required: f.required, editable: f.customer_editable,
  };
}

type Att = Parameters<typeof presentAttachment>[0];

export function presentPortalMessage(m: Message & { author_name: string | null; attachments: Att[] }): z.infer<typeof PortalMessage> {
  return {
    id: m.id,
    author: { type: m.author_type, name: m.author_name },
    bodyHtml: m.body_html,
    bodyText: m.body_text,
    attachments: m.attachments.map(presentAttachment),
    createdAt: isoReq(m.created_at),
  };
}

export type ProfileRow = {
  id: string; name: string; language: string; emails: { email: string; is_primary: boolean }[];
  organization_id: string | null; organization_name: string | null;
};

export function presentProfile(p: ProfileRow): z.infer<typeof PortalProfile> {
  return {
    id: p.id,
    name: p.name,
    email: p.emails.find((e) => e.is_primary)?.email ?? p.emails[0]?.email ?? null,
    emails: p.emails.map((e) => e.email),
    language: p.language as 'ru' | 'en',
    organization: p.organization_id ? { id: p.organization_id, name: p.organization_name ?? '' } : null,
  };
}
