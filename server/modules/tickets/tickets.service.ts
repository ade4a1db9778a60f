// Tickets: create, read, update (optimistic concurrency), list with filters.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateTicketBody, ListTicketsQuery, UpdateTicketBody } from '../../../api/tickets.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { enqueue } from '../../jobs/boss.ts';
import { authorize } from '../../policy.ts';
import { findOrCreateCustomer } from '../people/customer-lookup.ts';
import { attachUploads } from '../attachments/attachments.service.ts';
import { checkCustom, checkRequiredForSolve } from './custom-fields.ts';
import { messageBody } from './html.ts';
import { parseTicketRef } from './ticket-number.ts';
import { applyFilters, applySort, sortKey } from './ticket-filters.ts';
import { TICKET_COLUMNS, type TicketRow } from './tickets.presenter.ts';

type CreateInput = z.infer<typeof CreateTicketBody>;
type UpdateInput = z.infer<typeof UpdateTicketBody>;

export const SEARCH_TEXT_MAX = 20_000; // characters of a message that go into the search vector

export const tsv = (text: string) => sql<string>`to_tsvector('russian', left(${text}, ${SEARCH_TEXT_MAX}))`;

export function actorCols(actor: UserActor) {
  return { actor_type: 'agent' as const, actor_id: actor.id === '0' ? null : actor.id };
}

export async function checkAssignee(db: Db, assigneeId: string | null | undefined, groupId?: string | null): Promise<void> {
  if (assigneeId) {
    const u = await db.selectFrom('users').select(['role', 'active']).where('id', '=', assigneeId).executeTakeFirst();
    if (!u || !u.active || u.role === 'light_agent') throw new AppError('validation_failed', 'assignee must be an active agent', { errors: [{ path: '/assigneeId', message: 'not an active agent' }] });
  }
  if (groupId) {
    const g = await db.selectFrom('groups').select('id').where('id', '=', groupId).executeTakeFirst();
    if (!g) throw new AppError('validation_failed', 'group does not exist', { errors: [{ path: '/groupId', message: 'no such group' }] });
  }
}

export async function createTicket(deps: Deps, actor: Actor, input: CreateInput): Promise<TicketRow> {
  authorize(actor, 'ticket.create');
  const custom = await checkCustom(deps.db, input.custom);
  const body = messageBody(input.message.body, input.message.format);
  return inTx(deps.db, async (trx) => {
    await checkAssignee(trx, input.assigneeId, input.groupId);
    let requester: { id: string; organizationId: string | null; language: string };
    if ('id' in input.requester) {
      const c = await trx.selectFrom('customers').select(['id', 'organization_id', 'language']).where('id', '=', input.requester.id).executeTakeFirst();
      if (!c) throw new AppError('validation_failed', 'requester does not exist', { errors: [{ path: '/requester/id', message: 'no such customer' }] });
      requester = { id: c.id, organizationId: c.organization_id, language: c.language };
    } else {
      requester = await findOrCreateCustomer(trx, input.requester.email, { name: input.requester.name, language: input.language });
    }
    const byAgent = input.message.author === 'agent' || input.message.kind === 'note';
    const now = new Date();
    const status: TicketStatus = input.status ?? (input.assigneeId ? 'open' : 'new');
    const row = await trx
      .with('t', (db) =>
        db.insertInto('tickets').values({
          subject: input.subject,
          requester_id: requester.id,
          organization_id: requester.organizationId,
          group_id: input.groupId ?? null,
          assignee_id: input.assigneeId ?? null,
          status,
          priority: input.priority ?? 'normal',
          channel: input.channel,
          tags: [...new Set(input.tags)],
          custom: JSON.stringify(custom),
          language: input.language ?? requester.language,
          search: sql`setweight(to_tsvector('russian', ${input.subject}), 'A') || ${tsv(body.text)}`,
          created_at: now,
          updated_at: now,
          first_response_at: byAgent && input.message.kind === 'reply' ? now : null,
          solved_at: status === 'solved' || status === 'closed' ? now : null,
          closed_at: status === 'closed' ? now : null,
        }).returningAll(),
      )
      .with('m', (db) =>
        db.insertInto('messages').columns(['ticket_id', 'kind', 'author_type', 'author_user_id', 'author_customer_id', 'body_html', 'body_text', 'channel', 'created_at'])
          .expression((eb) => eb.selectFrom('t').select((s) => [
            't.id', sql.val(input.message.kind).as('kind'), sql.val(byAgent ? 'agent' : 'customer').as('author_type'),
            sql.val(byAgent ? actor.id : null).as('author_user_id'), sql.val(byAgent ? null : requester.id).as('author_customer_id'),
            sql.val(body.html).as('body_html'), sql.val(body.text).as('body_text'), s.ref('t.channel').as('channel'), sql.val(now).as('created_at'),
          ]))
          .returning(['id']),
      )
      .with('e', (db) =>
        db.insertInto('ticket_events').columns(['ticket_id', 'actor_type', 'actor_id', 'kind', 'data', 'created_at'])
          .expression((eb) => eb.selectFrom(['t', 'm']).select([
            't.id', sql.val('agent').as('actor_type'), sql.val(actor.id).as('actor_id'), sql.val('created').as('kind'),
            sql<string>`jsonb_build_object('messageId', m.id::text, 'status', t.status, 'priority', t.priority, 'channel', t.channel)`.as('data'),
            sql.val(now).as('created_at'),
          ])),
      )
      .selectFrom('t')
      .crossJoin('m')
      .innerJoin('customers as c', 'c.id', 't.requester_id')
      .select([...TICKET_COLUMNS, 'm.id as message_id'])
      .executeTakeFirstOrThrow();
    if (input.message.attachmentIds.length) await attachUploads(trx, actor, input.message.attachmentIds, row.id, row.message_id);
    if (row.assignee_id && row.assignee_id !== actor.id) {
      await enqueue(deps, trx, 'notify.assignee', { ticketId: row.id, assigneeId: row.assignee_id, eventId: `create:${row.id}` });
    }
    const { message_id: _m, ...ticket } = row;
    return ticket as TicketRow;
  });
}

/** Finds a ticket the caller may read, or 404. Customers see only their own. */
export async function findTicket(db: Db, deps: Deps, actor: Actor, ref: string, opts: { lock?: boolean } = {}): Promise<TicketRow> {
  if (actor.kind === 'user') authorize(actor, 'ticket.read');
  else if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  const key = parseTicketRef(deps.config, ref);
  let q = db.selectFrom('tickets as t').innerJoin('customers as c', 'c.id', 't.requester_id').select(TICKET_COLUMNS);
  q = 'id' in key ? q.where('t.id', '=', key.id) : q.where('t.number', '=', key.number);
  if (actor.kind === 'customer') q = q.where('t.requester_id', '=', actor.id);
  if (opts.lock) q = q.forUpdate('t');
  const t = await q.executeTakeFirst();
  if (!t) throw notFound('ticket');
  return t as TicketRow;
}

/** Agent API read: staff only (customers use the portal routes). */
export async function getTicket(deps: Deps, actor: Actor, ref: string) {
  authorize(actor, 'ticket.read');
  return findTicket(deps.db, deps, actor, ref);
}

type Change = [unknown, unknown];

export async function updateTicket(deps: Deps, actor: Actor, ref: string, input: UpdateInput, ifMatch?: number): Promise<TicketRow> {
  authorize(actor, 'ticket.update');
  const expected = ifMatch ?? input.version;
  if (expected === undefined) throw new AppError('precondition_required', 'send If-Match with the ticket version (ETag) or "version" in the body');
  if (input.custom) await checkCustom(deps.db, input.custom);
  return inTx(deps.db, async (trx) => {
    const t = await findTicket(trx, deps, actor, ref, { lock: true });
    if (t.version !== expected) throw new AppError('version_conflict', `ticket is at version ${t.version}, you sent ${expected}; reload and retry`, { currentVersion: t.version });
    if (t.status === 'closed') throw new AppError('invalid_state', 'closed tickets cannot be changed; open a follow-up');
    await checkAssignee(trx, input.assigneeId, input.groupId);
    const changes: Record<string, Change> = {};
    const set: Record<string, unknown> = {};
    const put = (field: string, col: string, oldV: unknown, newV: unknown) => {
      if (newV === undefined || JSON.stringify(oldV) === JSON.stringify(newV)) return;
      changes[field] = [oldV, newV];
      set[col] = newV;
    };
    put('subject', 'subject', t.subject, input.subject);
    put('status', 'status', t.status, input.status);
    put('priority', 'priority', t.priority, input.priority);
    put('groupId', 'group_id', t.group_id, input.groupId);
    put('assigneeId', 'assignee_id', t.assignee_id, input.assigneeId);
    put('language', 'language', t.language, input.language);
    if (input.requesterId !== undefined && input.requesterId !== t.requester_id) {
      const c = await trx.selectFrom('customers').select(['id', 'organization_id']).where('id', '=', input.requesterId).executeTakeFirst();
      if (!c) throw new AppError('validation_failed', 'requester does not exist', { errors: [{ path: '/requesterId', message: 'no such customer' }] });
      put('requesterId', 'requester_id', t.requester_id, c.id);
      put('organizationId', 'organization_id', t.organization_id, c.organization_id);
    }
    let tags = input.tags ? [...new Set(input.tags)] : [...t.tags];
    if (input.addTags) tags = [...new Set([...tags, ...input.addTags])];
    if (input.removeTags) tags = tags.filter((x) => !input.removeTags!.includes(x));
    put('tags', 'tags', t.tags, tags);
    if (input.custom) {
      const merged = { ...t.custom, ...input.custom };
      for (const [k, v] of Object.entries(input.custom)) if (v === null) delete merged[k];
      if (JSON.stringify(merged) !== JSON.stringify(t.custom)) {
        changes.custom = [t.custom, merged];
        set.custom = JSON.stringify(merged);
      }
    }
    const status = (set.status as TicketStatus | undefined) ?? t.status;
    if (set.status) {
      if (status === 'solved' || status === 'closed') await checkRequiredForSolve(trx, (changes.custom?.[1] as Record<string, unknown>) ?? t.custom);
      if ((status === 'solved' || status === 'closed') && !t.solved_at) set.solved_at = new Date();
      if (status === 'closed') set.closed_at = new Date();
      if (status !== 'solved' && status !== 'closed') set.solved_at = null;
    }
    if (set.assignee_id && t.status === 'new' && !input.status) { set.status = 'open'; changes.status = [t.status, 'open']; }
    if (!Object.keys(changes).length) return t;
    const now = new Date();
    await trx.updateTable('tickets').set({ ...set, updated_at: now, version: sql`version + 1` }).where('id', '=', t.id).execute();
    const ev = await trx
      .insertInto('ticket_events')
      .values({ ticket_id: t.id, ...actorCols(actor), kind: 'updated', data: JSON.stringify({ changes }), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (set.assignee_id && set.assignee_id !== actor.id) {
      await enqueue(deps, trx, 'notify.assignee', { ticketId: t.id, assigneeId: set.assignee_id as string, eventId: ev.id });
    }
    return findTicket(trx, deps, actor, t.id);
  });
}

export async function listTickets(deps: Deps, actor: Actor, q: z.infer<typeof ListTicketsQuery>) {
  authorize(actor, 'ticket.read');
  let query = deps.db.selectFrom('tickets as t').innerJoin('customers as c', 'c.id', 't.requester_id').select(TICKET_COLUMNS);
  query = applyFilters(query, q, actor);
  query = applySort(query, q.sort, q.cursor).limit(q.limit + 1);
  const rows = (await query.execute()) as TicketRow[];
  return page(rows, q.limit, (r) => sortKey(q.sort, r));
}

export async function listEvents(deps: Deps, actor: Actor, ref: string, q: { limit: number; cursor?: string }) {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const after = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString()) : 0;
  if (!Number.isSafeInteger(after) || after < 0) throw new AppError('validation_failed', 'cursor is not valid');
  const rows = await deps.db
    .selectFrom('ticket_events')
    .selectAll()
    .where('ticket_id', '=', t.id)
    .where('id', '>', String(after))
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const items = rows.slice(0, q.limit);
  const nextCursor = rows.length > q.limit ? Buffer.from(items[items.length - 1].id).toString('base64url') : null;
  return { items, nextCursor };
}
