// Care memory shapes: a flag on a customer or organization that raises the priority of their tickets.
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const CreateCareBody = z
  .object({
    reason: z.string().trim().min(1).max(2000),
    until: Timestamp.optional(),
    days: z.number().int().min(1).max(366).optional(),
    ticketId: Id.optional(), // the incident ticket, if any
    points: z.number().int().min(0).max(50).optional(), // default 15
  })
  .refine((b) => (b.until === undefined) !== (b.days === undefined), 'give either until or days');

export const EndCareBody = z.object({ note: z.string().trim().max(2000).optional() });

const Person = z.object({ id: Id, name: z.string() }).nullable();

export const CareFlag = z.object({
  id: Id,
  scope: z.enum(['customer', 'organization']),
  customerId: Id.nullable(),
  organizationId: Id.nullable(),
  reason: z.string(),
  until: Timestamp,
  points: z.number().int(),
  ticket: z.object({ id: Id, number: z.string() }).nullable(),
  createdBy: Person,
  createdAt: Timestamp,
  active: z.boolean(),
  endedAt: Timestamp.nullable(),
  endedBy: Person,
  endReason: z.enum(['expired', 'ended']).nullable(),
  endNote: z.string().nullable(),
});

export const CareList = z.object({ items: z.array(CareFlag) });
