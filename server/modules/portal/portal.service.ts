// The customer portal: a signed-in customer reads and writes their own tickets, and reads the
// tickets of their organization when it shares them (portal-scope.ts). Any other ticket is
// "not found" (findTicket applies the same scope for customers).
import { afterTicketChange } from '../keeping/hooks.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import { isId } from '../../../api/common.ts';
import type { PortalCreateTicketBody, PortalReplyBody } from '../../../api/portal.ts';
import type { Actor } from '../../actor.ts';
import { inTx } from '../../db/tx.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, isCursorTime, page } from '../../http/cursor.ts';
import { requireCustomer } from '../../policy.ts';
import { analyzeCustomerText, jsonOrNull, withSignals } from '../coach/analysis.ts';
import { messageBody } from '../tickets/html.ts';
import { attachmentsOf, messagesOf } from '../tickets/messages.service.ts';
import { attachMine } from './portal.attachments.ts';
import { findTicket, tsv } from '../tickets/tickets.service.ts';
import { checkPortalCustom, visibleFields } from './portal-fields.ts';
import type { PortalTicketRow, PortalView, ProfileRow } from './portal.presenter.ts';

/** Who is looking and which custom fields they see: what presenting a ticket needs. */
export async function portalView(deps: Deps, actor: Actor): Promise<PortalView> {
  requireCustomer(actor);
  return { customerId: actor.id, fields: await visibleFields(deps.db) };
}

const COLS = ['id', 'number', 'subject', 'status', 'level', 'created_at', 'updated_at', 'solved_at', 'closed_at', 'requester_id', 'custom'] as const;
const T_COLS = COLS.map((c) => `t.${c}` as const);

function textBody(body: string) {
  const b = messageBody(body, 'text');
  if (!b.text) throw new AppError('validation_failed', 'the message is empty', { errors: [{ where: 'body', path: '/body', message: 'empty' }] });
  return b;
}

export async function myProfile(deps: Deps, actor: Actor): Promise<ProfileRow> {
  requireCustomer(actor);
  const c = await deps.db
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.id', 'c.name', 'c.language', 'c.organization_id', 'o.name as organization_name'])
    .where('c.id', '=', actor.id)
    .executeTakeFirst();
  if (!c) throw notFound('customer');
  const emails = await deps.db
    .selectFrom('customer_emails')
    .select(['email', 'is_primary'])
    .where('customer_id', '=', actor.id)
    .orderBy('is_primary', 'desc')
    .orderBy('email')
    .limit(50)
    .execute();
  return { ...c, emails };
}

/** The customer's organization when it shares requests among its members, else null. */
async function sharedOrg(deps: Deps, customerId: string): Promise<string | null> {
  const r = await deps.db
    .selectFrom('customers as c')
    .innerJoin('organizations as o', 'o.id', 'c.organization_id')
    .select('o.id')
    .where('c.id', '=', customerId)
    .where('o.portal_shared', '=', true)
    .executeTakeFirst();
  return r?.id ?? null;
}

/** Own tickets (and the organization's when shared), latest activity first (tickets_requester, tickets_org). */
export async function myTickets(deps: Deps, actor: Actor, q: { limit: number; cursor?: string }) {
  requireCustomer(actor);
  const org = await sharedOrg(deps, actor.id);
  const c = decodeCursor(q.cursor, 2);
  if (c && !(isCursorTime(c[0]) && isId(c[1]))) {
    throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  }
  let query = deps.db
    .selectFrom('tickets as t')
    .innerJoin('customers as rc', 'rc.id', 't.requester_id')
    .select([...T_COLS, 'rc.name as requester_name'])
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(q.limit + 1);
  const after = c ? sql`and (updated_at, id) < (${c[0]}::timestamptz, ${c[1]}::bigint)` : sql``;
  if (c) query = query.where(sql<boolean>`(t.updated_at, t.id) < (${c[0]}::timestamptz, ${c[1]}::bigint)`);
  if (!org) query = query.where('t.requester_id', '=', actor.id);
  else {
    // one page from each index (own, organization's), merged: no sort of the whole organization
    const branch = (col: 'requester_id' | 'organization_id', v: string) =>
      sql`(select id from tickets where ${sql.ref(col)} = ${v} ${after} order by updated_at desc, id desc limit ${q.limit + 1})`;
    query = query.where(sql<boolean>`t.id in (${branch('requester_id', actor.id)} union ${branch('organization_id', org)})`);
  }
  const rows: PortalTicketRow[] = await query.execute();
  return page(rows, q.limit, (r) => [r.updated_at.toISOString(), r.id]);
}

export async function myTicket(deps: Deps, actor: Actor, ref: string): Promise<PortalTicketRow> {
  requireCustomer(actor);
  return findTicket(deps.db, deps, actor, ref);
}

/** Public replies only: internal notes never reach the portal. */
export async function myMessages(deps: Deps, actor: Actor, ref: string, q: { limit: number; cursor?: string }) {
  requireCustomer(actor);
  const t = await findTicket(deps.db, deps, actor, ref);
  return messagesOf(deps, t.id, q, true);
}

export async function createMyTicket(deps: Deps, actor: Actor, input: z.infer<typeof PortalCreateTicketBody>): Promise<PortalTicketRow> {
  requireCustomer(actor);
  const body = textBody(input.body);
  const a = analyzeCustomerText(deps.log, body.text);
  const custom = await checkPortalCustom(deps.db, input.custom ?? {});
  return inTx(deps.db, async (trx) => {
    const c = await trx.selectFrom('customers').select(['name', 'organization_id', 'language']).where('id', '=', actor.id).executeTakeFirst();
    if (!c) throw notFound('customer');
    const now = new Date();
    const t = await trx
      .insertInto('tickets')
      .values({
        subject: input.subject,
        requester_id: actor.id,
        organization_id: c.organization_id,
        status: 'new',
        channel: 'portal',
        custom: JSON.stringify(custom),
        language: c.language,
        search: sql`setweight(to_tsvector('russian', ${input.subject}), 'A') || ${tsv(body.text)}`,
        signals: a.signals,
        created_at: now,
        updated_at: now,
      })
      .returning(COLS)
      .executeTakeFirstOrThrow();
    const m = await trx
      .insertInto('messages')
      .values({
        ticket_id: t.id, kind: 'reply', author_type: 'customer', author_customer_id: actor.id, body_html: body.html, body_text: body.text, channel: 'portal',
        analysis: jsonOrNull(a.analysis), signals: a.signals, created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await attachMine(trx, actor, input.attachmentIds ?? [], t.id, m.id);
    await trx.insertInto('ticket_events').values({
      ticket_id: t.id, actor_type: 'customer', actor_id: actor.id, kind: 'created', created_at: now,
      data: JSON.stringify({ messageId: m.id, status: 'new', priority: 'normal', channel: 'portal' }),
    }).execute();
    await afterTicketChange(deps, trx, { kind: 'created', ticketId: t.id, at: now, status: 'new', byCustomer: true, signals: a.signals });
    return { ...t, requester_name: c.name };
  });
}

/** A customer's reply. It puts a ticket that waited for them, or was solved, back to "open". */
export async function replyToMyTicket(deps: Deps, actor: Actor, ref: string, input: z.infer<typeof PortalReplyBody>) {
  requireCustomer(actor);
  const body = textBody(input.body);
  const a = analyzeCustomerText(deps.log, body.text);
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref, { lock: true });
    // a colleague's request (organization sharing) is read only: its requester answers
    if (t.requester_id !== actor.id) throw new AppError('forbidden', 'only the person who opened this request can reply to it');
    if (t.status === 'closed') throw new AppError('invalid_state', 'this request is closed; please open a new one');
    if (t.merged_into_id) throw new AppError('invalid_state', 'this request was merged into another one; please reply there');
    const now = new Date();
    const m = await trx
      .insertInto('messages')
      .values({
        ticket_id: t.id, kind: 'reply', author_type: 'customer', author_customer_id: actor.id, body_html: body.html, body_text: body.text, channel: 'portal',
        analysis: jsonOrNull(a.analysis), signals: a.signals, created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await attachMine(trx, actor, input.attachmentIds ?? [], t.id, m.id);
    const reopen = t.status === 'pending_customer' || t.status === 'solved';
    const status: TicketStatus = reopen ? 'open' : t.status;
    await trx
      .updateTable('tickets')
      .set({
        updated_at: now,
        version: sql`version + 1`,
        search: sql`search || ${tsv(body.text)}`,
        signals: withSignals(a.signals),
        ...(reopen ? { status, solved_at: null } : {}),
      })
      .where('id', '=', t.id)
      .execute();
    const data: Record<string, unknown> = { messageId: m.id, kind: 'reply' };
    if (reopen) data.changes = { status: [t.status, status] };
    await trx.insertInto('ticket_events').values({
      ticket_id: t.id, actor_type: 'customer', actor_id: actor.id, kind: 'message_added', data: JSON.stringify(data), created_at: now,
    }).execute();
    await afterTicketChange(deps, trx, {
      kind: 'message', ticketId: t.id, at: now, messageId: m.id, author: 'customer', public: true, signals: a.signals,
      actorId: null, changes: reopen ? { status: [t.status, status] } : {},
    });
    return { ...m, author_name: t.requester_name, attachments: await attachmentsOf(trx, [m.id]) };
  });
}
