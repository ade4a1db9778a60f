// What happened to a ticket, as the keeping modules (SLA, promises, escalation, priority) see it.
import type { TicketStatus } from '../../db/types.ts';

export type TicketChanges = Record<string, [unknown, unknown]>; // field -> [old, new], as in ticket_events

export type TicketEvent =
  /** a new ticket (any channel); `status` is its first status, `byCustomer` whether the first message is the customer's */
  | { kind: 'created'; ticketId: string; at: Date; status: TicketStatus; byCustomer: boolean; signals: string[] }
  /** a message was added; `changes.status` when the message moved the status */
  | {
    kind: 'message'; ticketId: string; at: Date; messageId: string; author: 'agent' | 'customer' | 'system';
    public: boolean; signals: string[]; actorId: string | null; changes: TicketChanges;
    /** an automatic reply (out of office…): nobody is told about it */
    auto?: boolean;
  }
  /** fields changed by PATCH, merge, escalation, macros…: status, priority, groupId, assigneeId, tags, requesterId… */
  | { kind: 'updated'; ticketId: string; at: Date; changes: TicketChanges; actorId: string | null };
