// Shapes of the API the ticket view reads (types only: nothing from api/ lands in the bundle).
import type { z } from 'zod';
import type { Attachment, Message, Ticket, TicketEvent, TicketLink } from '../../../../api/tickets.ts';
import type { TicketSla, SlaMetricState } from '../../../../api/sla.ts';
import type { PromiseItem, TicketPromises } from '../../../../api/promises.ts';
import type { CareFlag } from '../../../../api/care.ts';
import type { EscalationDraft } from '../../../../api/escalation.ts';
import type { CustomerDetail, Group, Organization, TicketField, User } from '../../../../api/people.ts';

export type TicketT = z.infer<typeof Ticket>;
export type MessageT = z.infer<typeof Message>;
export type AttachmentT = z.infer<typeof Attachment>;
export type EventT = z.infer<typeof TicketEvent>;
export type LinkT = z.infer<typeof TicketLink>;
export type SlaT = z.infer<typeof TicketSla>;
export type SlaMetricT = z.infer<typeof SlaMetricState>;
export type PromiseT = z.infer<typeof PromiseItem>;
export type PromisesT = z.infer<typeof TicketPromises>;
export type CareT = z.infer<typeof CareFlag>;
export type DraftT = z.infer<typeof EscalationDraft>;
export type CustomerT = z.infer<typeof CustomerDetail>;
export type OrgT = z.infer<typeof Organization>;
export type UserT = z.infer<typeof User>;
export type GroupT = z.infer<typeof Group>;
export type FieldT = z.infer<typeof TicketField>;
export type PageOf<T> = { items: T[]; nextCursor: string | null };

export const STATUSES = ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
