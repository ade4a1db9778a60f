// The reply coach on a draft (POST /api/v1/coach) and the inputs it shares with the send path.
// Reads only: it runs on every pause in the agent's typing.
import { toAnalyzerCalendar } from '../calendars/business-time.ts';
import { calendarForTicket } from '../calendars/resolve.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CoachBody, CoachResult } from '../../../api/coach.ts';
import type { Actor, UserActor } from '../../actor.ts';
import { asksCause } from '../../analyzer/asks-cause.ts';
import { coachReply, type CoachOptions, type ReplyContext } from '../../analyzer/index.ts';
import type { Db } from '../../db/db.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { authorize } from '../../policy.ts';
import { messageBody } from '../tickets/html.ts';
import { findTicket } from '../tickets/tickets.service.ts';
import type { TicketRow } from '../tickets/tickets.presenter.ts';
import { analyzedText, knownFlags } from './analysis.ts';

/** Ticket tags that say the cause is on our side (context `our_fault`). */
export const OUR_FAULT_TAGS = ['our_fault', 'incident'];

const DONE: ReadonlySet<TicketStatus> = new Set(['solved', 'closed']);

/** The status a reply leaves the ticket in: the one asked for, else a new ticket opens. */
export const statusAfterReply = (t: Pick<TicketRow, 'status'>, asked?: TicketStatus): TicketStatus =>
  asked ?? (t.status === 'new' ? 'open' : t.status);

function validZone(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export type CoachInputs = { opts: CoachOptions; context: Required<ReplyContext>; customerMessageId: string | null };

/**
 * Everything coachReply needs besides the reply, in one read: the latest customer message,
 * the context (unresolved from the status to set, our_fault from the tags, customer_asked_cause
 * from the message; `override` wins), the assignee's (else the actor's) time zone, the actor's locale.
 */
export async function coachInputs(db: Db, t: TicketRow, actor: UserActor, status: TicketStatus, override: ReplyContext = {}): Promise<CoachInputs> {
  const r = await sql<{ message_id: string | null; body_text: string | null; assignee_zone: string | null; actor_zone: string | null; actor_locale: string | null }>`
    select m.id as message_id, m.body_text, a.time_zone as assignee_zone, u.time_zone as actor_zone, u.locale as actor_locale
    from (select 1) one
    left join lateral (select id, body_text from messages where ticket_id = ${t.id} and author_type = 'customer' and kind = 'reply' order by id desc limit 1) m on true
    left join users a on a.id = ${t.assignee_id}::bigint
    left join users u on u.id = ${actor.id === '0' ? null : actor.id}::bigint`.execute(db);
  const row = r.rows[0];
  // the requester's own latest message (a merge moves another requester's ones in as notes), as far as the analyzer reads
  const customerMessage = row?.body_text != null ? analyzedText(row.body_text) : undefined;
  const context: Required<ReplyContext> = {
    unresolved: override.unresolved ?? !DONE.has(status),
    our_fault: override.our_fault ?? t.tags.some((tag) => OUR_FAULT_TAGS.includes(tag)),
    customer_asked_cause: override.customer_asked_cause ?? (customerMessage ? asksCause(customerMessage) : false),
  };
  const locale = row?.actor_locale ?? actor.locale;
  return {
    opts: {
      customerMessage,
      context,
      sentAt: new Date(),
      timeZone: validZone(row?.assignee_zone) ?? validZone(row?.actor_zone) ?? 'UTC',
      // "by the end of the working day" ends when the ticket's business calendar says
      calendar: toAnalyzerCalendar(await calendarForTicket(db, t.id)),
      locale: locale === 'ru' || locale === 'en' ? locale : undefined,
    },
    context,
    customerMessageId: row?.message_id ? String(row.message_id) : null,
  };
}

/** A draft's text: HTML (format html, or tags seen) becomes plain text the way a sent reply does. */
export function draftText(text: string, format?: 'html' | 'text'): string {
  const html = format === 'html' || (format === undefined && /<\/?[a-z][^>]*>/i.test(text));
  return messageBody(text, html ? 'html' : 'text').text;
}

export async function coachDraft(deps: Deps, actor: Actor, input: z.infer<typeof CoachBody>): Promise<z.infer<typeof CoachResult>> {
  authorize(actor, 'ticket.reply'); // light agents (notes only) and customers are refused like on the reply route
  const t = await findTicket(deps.db, deps, actor, input.ticket);
  const o = input.context ?? {};
  const inputs = await coachInputs(deps.db, t, actor, statusAfterReply(t, input.status), {
    unresolved: o.unresolved, our_fault: o.ourFault, customer_asked_cause: o.customerAskedCause,
  });
  // suggestions in the language asked for (the agent's UI), else the profile locale
  const opts = input.locale ? { ...inputs.opts, locale: input.locale } : inputs.opts;
  const r = coachReply(analyzedText(draftText(input.text, input.format)), opts);
  const c = inputs.context;
  return {
    lang: r.lang,
    flags: knownFlags(r.flags),
    promises: r.promises,
    suggestions: r.suggestions.filter((s) => knownFlags([s.code]).length),
    details: r.details.filter((d) => knownFlags([d.code]).length),
    context: { unresolved: c.unresolved, ourFault: c.our_fault, customerAskedCause: c.customer_asked_cause },
    customerMessageId: inputs.customerMessageId,
  };
}
