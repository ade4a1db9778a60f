// Tickets: create, read, update (optimistic concurrency), list with filters.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateTicketBody, ListTicketsQuery, UpdateTicketBody } from '../../../api/tickets.ts';
import type { Actor, UserActor } from '../../actor.ts';
import { prepared, type Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import { queueReply } from '../../mail/outbound/queue.ts';
import type { TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { enqueue } from '../../jobs/boss.ts';
import { authorize } from '../../policy.ts';
import { analyzeCustomerText, jsonOrNull, type CustomerAnalysis } from '../coach/analysis.ts';
import { findOrCreateCustomer } from '../people/customer-lookup.ts';
import { attachUploads } from '../attachments/attachments.service.ts';
import { checkCustom, checkRequiredForSolve } from './custom-fields.ts';
import { messageBody } from './html.ts';
import { parseTicketRef } from './ticket-number.ts';
import { applyFilters, applySort, sortColumns, sortKey } from './ticket-filters.ts';
import { afterTicketChange } from '../keeping/hooks.ts';
import { afterCreated, firstWrite, type FirstWrite, type NewTicket } from '../keeping/create.ts';
import { TICKET_COLUMNS, type TicketRow } from './tickets.presenter.ts';
import { customerSees } from '../portal/portal-scope.ts';

type CreateInput = z.infer<typeof CreateTicketBody>;
type UpdateInput = z.infer<typeof UpdateTicketBody>;

import { SEARCH_TEXT_MAX } from './search-text.ts';
import { batcherFor, type BatchItem } from './create-batch.ts';

export { SEARCH_TEXT_MAX };

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

import type { RequesterKey } from '../keeping/create.ts';

// Ticket (with its first priority score), first message, "created" event and SLA row in ONE
// statement, the requester looked up inside it (no row when the requester does not exist);
// keeping/create.ts computes the score and the SLA row beforehand. Static SQL: the hot path of
// ticket creation skips query building (measured: ~8% of CPU per create).
const INSERT_TICKET = `
with c as (
  select c.id, c.organization_id, c.language, c.name, c.stage from customers c
  where ($1::bigint is not null and c.id = $1::bigint)
     or ($1::bigint is null and c.id = (select customer_id from customer_emails where email = $2::text))
), t as (
  insert into tickets (subject, requester_id, organization_id, group_id, assignee_id, status, priority, channel, tags, custom,
                       language, search, created_at, updated_at, first_response_at, solved_at, closed_at, signals, priority_score, priority_parts)
  select $3::text, c.id, c.organization_id, $4::bigint, $5::bigint, $6::ticket_status, $7::ticket_priority, $8::ticket_channel,
         $9::text[], $10::jsonb, coalesce($11::text, c.language),
         setweight(to_tsvector('russian', $3::text), 'A') || to_tsvector('russian', left($12::text, ${SEARCH_TEXT_MAX})),
         $13::timestamptz, $13::timestamptz, $14::timestamptz, $15::timestamptz, $16::timestamptz, $23::text[], $24::int, $25::jsonb
  from c
  returning *
), m as (
  insert into messages (ticket_id, kind, author_type, author_user_id, author_customer_id, body_html, body_text, channel, created_at, analysis, signals)
  select t.id, $17::message_kind, $18::author_type, $19::bigint, case when $18::author_type = 'customer' then t.requester_id end,
         $20::text, $12::text, t.channel, $13::timestamptz, $22::jsonb, $23::text[]
  from t
  returning id
), e as (
  insert into ticket_events (ticket_id, actor_type, actor_id, kind, data, created_at)
  select t.id, 'agent', $21::bigint, 'created',
         jsonb_build_object('messageId', m.id::text, 'status', t.status, 'priority', t.priority, 'channel', t.channel), $13::timestamptz
  from t, m
), s as (
  insert into ticket_sla select r.* from t cross join lateral jsonb_populate_record(null::ticket_sla, $26::jsonb || jsonb_build_object('ticket_id', t.id)) r
)
select t.id, t.number, t.subject, t.requester_id, t.organization_id, t.group_id, t.assignee_id, t.status, t.priority,
       t.priority_score, t.priority_parts, t.channel, t.tags, t.custom, t.language, t.version, t.merged_into_id, t.created_at, t.updated_at,
       t.first_response_at, t.solved_at, t.closed_at, t.signals, t.level, t.third_party_name, t.third_party_follow_up_at, t.snoozed_until,
       c.name as requester_name, c.stage as requester_stage, m.id as message_id
from t, m, c`;

const byAgent = (input: CreateInput) => input.message.author === 'agent' || input.message.kind === 'note';

function newTicket(input: CreateInput, a: CustomerAnalysis, now: Date): NewTicket {
  return {
    status: input.status ?? (input.assigneeId ? 'open' : 'new'), priority: input.priority ?? 'normal', channel: input.channel,
    tags: [...new Set(input.tags)], groupId: input.groupId ?? null, signals: a.signals, at: now,
    firstResponseAt: byAgent(input) && input.message.kind === 'reply' ? now : null,
  };
}

/** The simple path's insert: grouped with concurrent creates (create-batch.ts). */
async function insertGrouped(deps: Deps, actor: UserActor, input: CreateInput, body: { html: string; text: string }, a: CustomerAnalysis, custom: object, fw: FirstWrite, t: NewTicket) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const item: BatchItem = {
    requester_id: fw.customerId, subject: input.subject, group_id: t.groupId, status: t.status, priority: t.priority, channel: t.channel,
    tags: t.tags, custom, language: input.language ?? null, body_text: body.text, body_html: body.html, at: t.at.toISOString(),
    first_response_at: iso(t.firstResponseAt),
    solved_at: t.status === 'solved' || t.status === 'closed' ? t.at.toISOString() : null, closed_at: t.status === 'closed' ? t.at.toISOString() : null,
    kind: input.message.kind, author_type: byAgent(input) ? 'agent' : 'customer', author_user_id: byAgent(input) ? actor.id : null, actor_id: actor.id,
    analysis: a.analysis, signals: a.signals, score: fw.score, parts: fw.parts, sla: fw.sla,
  };
  return (await batcherFor(deps.pool).call(item)) as unknown as (TicketRow & { message_id: string }) | null;
}

async function insertTicket(deps: Deps, db: Db, actor: UserActor, input: CreateInput, body: { html: string; text: string }, a: CustomerAnalysis, custom: object, fw: FirstWrite, now: Date) {
  const status: TicketStatus = input.status ?? (input.assigneeId ? 'open' : 'new');
  const rows = await prepared<TicketRow & { message_id: string }>(db, deps.pool, 'slovo_insert_ticket', INSERT_TICKET, [
    fw.customerId, null,
    input.subject, input.groupId ?? null, input.assigneeId ?? null, status, input.priority ?? 'normal', input.channel,
    [...new Set(input.tags)], JSON.stringify(custom), input.language ?? null, body.text, now,
    byAgent(input) && input.message.kind === 'reply' ? now : null,
    status === 'solved' || status === 'closed' ? now : null,
    status === 'closed' ? now : null,
    input.message.kind, byAgent(input) ? 'agent' : 'customer', byAgent(input) ? actor.id : null, body.html, actor.id,
    jsonOrNull(a.analysis), a.signals, fw.score, JSON.stringify(fw.parts), JSON.stringify(fw.sla),
  ]);
  return rows[0];
}

export async function createTicket(deps: Deps, actor: Actor, input: CreateInput): Promise<TicketRow> {
  authorize(actor, 'ticket.create');
  const custom = await checkCustom(deps.db, input.custom);
  if (input.status === 'solved' || input.status === 'closed') await checkRequiredForSolve(deps.db, custom);
  const body = messageBody(input.message.body, input.message.format);
  const key: RequesterKey = 'id' in input.requester ? { id: input.requester.id } : { email: input.requester.email };
  // a first message from the customer gets its triage signals (the ticket starts with them):
  // analysed once, outside the transaction, also when the hot path finds no requester
  const a: CustomerAnalysis = byAgent(input) ? { analysis: null, signals: [] } : analyzeCustomerText(deps.log, body.text);
  // an agent's public first message (a ticket we open towards the customer) is mailed to them
  const mailFirst = input.message.kind === 'reply' && input.message.author === 'agent';
  // Hot path: a known requester and nothing else to check is one read and one atomic write.
  const simple = !input.assigneeId && !input.message.attachmentIds.length && !mailFirst;
  if (simple && !deps.db.isTransaction) {
    const now = new Date();
    const nt = newTicket(input, a, now);
    const fw = await firstWrite(deps, deps.db, key, nt);
    const row = fw && (await insertGrouped(deps, actor, input, body, a, custom, fw, nt).catch(groupMissing));
    if (fw && row) {
      // not atomic with the insert: rules and the siblings' scores (they catch up on their next change)
      // the stored score differs from the inserted one only when a rule moved the ticket
      const fired = await afterCreated(deps, deps.db, row.id, fw, now);
      return strip(fired ? await withScore(deps.db, row) : row);
    }
  }
  return inTx(deps.db, async (trx) => {
    await checkAssignee(trx, input.assigneeId, input.groupId);
    const byId = 'id' in input.requester
      ? key
      : { id: (await findOrCreateCustomer(trx, input.requester.email, { name: input.requester.name, language: input.language })).id };
    const now = new Date();
    const fw = await firstWrite(deps, trx, byId, newTicket(input, a, now));
    const row = fw && (await insertTicket(deps, trx, actor, input, body, a, custom, fw, now));
    if (!fw || !row) throw new AppError('validation_failed', 'requester does not exist', { errors: [{ path: '/requester/id', message: 'no such customer' }] });
    if (input.message.attachmentIds.length) await attachUploads(trx, actor, input.message.attachmentIds, row.id, row.message_id);
    if (mailFirst) await queueReply(trx, deps, { ticketId: row.id, messageId: row.message_id });
    if (row.assignee_id && row.assignee_id !== actor.id) {
      await enqueue(deps, trx, 'notify.assignee', { ticketId: row.id, assigneeId: row.assignee_id, eventId: `create:${row.id}` });
    }
    await afterCreated(deps, trx, row.id, fw, now);
    return strip(await withScore(trx, row));
  });
}

/** The score as stored now (an escalation rule may have changed it after the insert). */
async function withScore<T extends TicketRow>(db: Db, row: T): Promise<T> {
  const s = await db.selectFrom('tickets').select(['priority_score', 'priority_parts']).where('id', '=', row.id).executeTakeFirst();
  return s ? { ...row, ...s } : row;
}

/** The group is checked by its foreign key on the hot path; say which field was wrong. */
function groupMissing(e: unknown): never {
  if ((e as { constraint?: string }).constraint === 'tickets_group_id_fkey') {
    throw new AppError('validation_failed', 'group does not exist', { errors: [{ path: '/groupId', message: 'no such group' }] });
  }
  throw e;
}

function strip<T extends { message_id: string }>(row: T): TicketRow {
  const { message_id: _m, ...ticket } = row;
  return ticket as unknown as TicketRow;
}

/** Finds a ticket the caller may read, or 404. Customers see only their own. */
export async function findTicket(db: Db, deps: Deps, actor: Actor, ref: string, opts: { lock?: boolean } = {}): Promise<TicketRow> {
  if (actor.kind === 'user') authorize(actor, 'ticket.read');
  else if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  const key = parseTicketRef(deps.config, ref);
  let q = db.selectFrom('tickets as t').innerJoin('customers as c', 'c.id', 't.requester_id').select(TICKET_COLUMNS);
  q = 'id' in key ? q.where('t.id', '=', key.id) : q.where('t.number', '=', key.number);
  if (actor.kind === 'customer') q = q.where(customerSees(actor.id));
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

export type BulkOutcome = { ref: string; ticket: TicketRow } | { ref: string; error: AppError };

/**
 * One change for many tickets: each is updated as PATCH would (own transaction, own version check,
 * own history and hooks), in the order given; one refused ticket does not stop the others.
 */
export async function bulkUpdate(deps: Deps, actor: Actor, items: { ref: string; version: number }[], set: Omit<UpdateInput, 'version'>): Promise<BulkOutcome[]> {
  authorize(actor, 'ticket.update');
  const out: BulkOutcome[] = [];
  for (const it of items) {
    try {
      out.push({ ref: it.ref, ticket: await updateTicket(deps, actor, it.ref, { ...set, version: it.version }) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.push({ ref: it.ref, error: e });
    }
  }
  return out;
}

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
    await afterTicketChange(deps, trx, { kind: 'updated', ticketId: t.id, at: now, changes, actorId: actor.id });
    return findTicket(trx, deps, actor, t.id);
  });
}

export async function listTickets(deps: Deps, actor: Actor, q: z.infer<typeof ListTicketsQuery>) {
  authorize(actor, 'ticket.read');
  let query = deps.db.selectFrom('tickets as t').select(sortColumns(q.sort));
  query = applyFilters(query, q, actor);
  query = applySort(query, q.sort, q.cursor).limit(q.limit + 1);
  const keys = page(await query.execute(), q.limit, (r) => sortKey(q.sort, r));
  return { items: await ticketsByIds(deps.db, keys.items.map((k) => k.id)), nextCursor: keys.nextCursor };
}

/**
 * Rows of one page, in the order of `ids`. Lists find the ids first (filters and sort only,
 * often index-only), then load the rows: joins never run over every match.
 */
export async function ticketsByIds(db: Db, ids: string[]): Promise<TicketRow[]> {
  if (!ids.length) return [];
  const rows = (await db
    .selectFrom('tickets as t')
    .innerJoin('customers as c', 'c.id', 't.requester_id')
    .select(TICKET_COLUMNS)
    .where('t.id', 'in', ids)
    .execute()) as TicketRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
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
