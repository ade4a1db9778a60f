import type { z } from 'zod';
import type { Ticket as TicketShape } from '../../../api/tickets.ts';
import type { Config } from '../../config.ts';
import type { CustomerStage, Ticket } from '../../db/types.ts';
import { iso, isoReq } from '../../http/types.ts';
import { knownSignals } from '../coach/analysis.ts';
import { ticketRef } from './ticket-number.ts';

export type TicketRow = Ticket & { requester_name: string; requester_stage: CustomerStage };

/** Columns every ticket read selects (tickets as t, customers as c). */
export const TICKET_COLUMNS = [
  't.id', 't.number', 't.subject', 't.requester_id', 't.organization_id', 't.group_id', 't.assignee_id', 't.status',
  't.priority', 't.priority_score', 't.priority_parts', 't.channel', 't.tags', 't.custom', 't.language', 't.version', 't.merged_into_id',
  't.created_at', 't.updated_at', 't.first_response_at', 't.solved_at', 't.closed_at', 't.signals',
  't.level', 't.third_party_name', 't.third_party_follow_up_at', 't.snoozed_until',
  'c.name as requester_name', 'c.stage as requester_stage',
] as const;

export function presentTicket(config: Config, t: Omit<TicketRow, 'search'>): z.infer<typeof TicketShape> {
  return {
    id: t.id,
    number: ticketRef(config, t.number),
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    priorityScore: t.priority_score,
    priorityParts: t.priority_parts ?? [],
    channel: t.channel,
    tags: t.tags,
    signals: knownSignals(t.signals),
    custom: t.custom,
    language: t.language as 'ru' | 'en',
    requester: { id: t.requester_id, name: t.requester_name, stage: t.requester_stage },
    organizationId: t.organization_id,
    groupId: t.group_id,
    assigneeId: t.assignee_id,
    mergedIntoId: t.merged_into_id,
    level: t.level ?? 1,
    thirdParty: t.third_party_name || t.third_party_follow_up_at
      ? { name: t.third_party_name, followUpAt: iso(t.third_party_follow_up_at) }
      : null,
    snoozedUntil: iso(t.snoozed_until ?? null),
    version: t.version,
    createdAt: isoReq(t.created_at),
    updatedAt: isoReq(t.updated_at),
    firstResponseAt: iso(t.first_response_at),
    solvedAt: iso(t.solved_at),
    closedAt: iso(t.closed_at),
  };
}
