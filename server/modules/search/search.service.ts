// Full-text search over tickets: subject + every message (notes too: staff only) + requester name.
// The vector is tickets.search (GIN tickets_search), kept up to date by the tickets module.
import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import { isId } from '../../../api/common.ts';
import type { SearchQuery } from '../../../api/search.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { applyFilters, applySort, sortColumns, sortKey } from '../tickets/ticket-filters.ts';
import { TICKET_COLUMNS, type TicketRow } from '../tickets/tickets.presenter.ts';
import { SEARCH_TEXT_MAX, ticketsByIds } from '../tickets/tickets.service.ts';
import { parseSearchQuery, safeSnippet, ticketNumberIn, type ParsedQuery } from './search-query.ts';

type SearchInput = z.infer<typeof SearchQuery>;
export type SearchHitRow = TicketRow & { snippet: string };

/** sort=relevance ranks the matches among the 1000 most recently updated ones, not all of them:
 *  ranking every match of a common word over millions of tickets would be a full scan. */
export const RELEVANCE_WINDOW = 1000;
/** A snippet looks at most at this many of a ticket's latest messages. */
const SNIPPET_MESSAGES = 200;
const HEADLINE = 'StartSel=<mark>,StopSel=</mark>,MaxFragments=2,MaxWords=20,MinWords=5';

const noWords = () =>
  new AppError('validation_failed', 'the search needs at least one word that is not a stop word (like "и", "the")', {
    errors: [{ where: 'querystring', path: '/q', message: 'no searchable words' }],
  });

export async function searchTickets(deps: Deps, actor: Actor, q: SearchInput): Promise<{ items: SearchHitRow[]; nextCursor: string | null }> {
  authorize(actor, 'search');
  const parsed = parseSearchQuery(q.q);
  if (!parsed) throw noWords();
  const check = await sql<{ n: number }>`select numnode(to_tsquery('russian', ${parsed.all})) as n`.execute(deps.db);
  if (!check.rows[0]?.n) throw noWords();

  const tsq = sql`to_tsquery('russian', ${parsed.all})`;
  const number = ticketNumberIn(q.q, deps.config.SLOVO_TICKET_PREFIX);
  // = any(array(...)) runs the customer lookup once (GIN customers_name_fts), then an index scan on tickets_requester
  const byName = sql<boolean>`t.requester_id = any(array(select cu.id from customers cu where to_tsvector('russian', cu.name) @@ ${tsq}))`;
  const match = number
    ? sql<boolean>`(t.search @@ ${tsq} or ${byName} or t.number = ${number})`
    : sql<boolean>`(t.search @@ ${tsq} or ${byName})`;

  if (q.sort !== 'relevance') {
    // ids of the page first; its rows and its snippets are then fetched side by side
    const keys = await byUpdated(deps.db, actor, q, match);
    const ids = keys.items.map((k) => k.id);
    const [rows, snips] = await Promise.all([ticketsByIds(deps.db, ids), snippets(deps.db, ids, parsed)]);
    return { items: rows.map((r) => ({ ...r, snippet: safeSnippet(snips.get(r.id) ?? '') })), nextCursor: keys.nextCursor };
  }
  const result = await byRelevance(deps.db, actor, q, tsq, match);
  const snips = await snippets(deps.db, result.items.map((r) => r.id), parsed);
  return { items: result.items.map((r) => ({ ...r, snippet: safeSnippet(snips.get(r.id) ?? '') })), nextCursor: result.nextCursor };
}

/** Newest activity first: PostgreSQL can walk tickets_updated and stop after one page. */
async function byUpdated(db: Db, actor: UserActor, q: SearchInput, match: RawBuilder<boolean>) {
  let query = db.selectFrom('tickets as t').select(sortColumns('updated')).where(match);
  query = applyFilters(query, q, actor);
  query = applySort(query, 'updated', q.cursor).limit(q.limit + 1);
  return page(await query.execute(), q.limit, (r) => sortKey('updated', r));
}

/** ts_rank order (subject words weigh most), keyset on (rank, id) within the relevance window. */
async function byRelevance(db: Db, actor: UserActor, q: SearchInput, tsq: RawBuilder<unknown>, match: RawBuilder<boolean>) {
  const c = decodeCursor(q.cursor, 2);
  // ranks are PostgreSQL reals: a number outside their range would fail the ::real cast
  const isRank = (v: unknown) => typeof v === 'number' && (v === 0 || (v >= 1e-37 && v <= 1e37));
  if (c && !(isRank(c[0]) && isId(c[1]))) {
    throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  }
  let window = db.selectFrom('tickets as t').select(['t.id', sql<number>`ts_rank(t.search, ${tsq})`.as('rank')]).where(match);
  window = applyFilters(window, q, actor).orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc').limit(RELEVANCE_WINDOW);
  let query = db
    .selectFrom(window.as('h'))
    .innerJoin('tickets as t', 't.id', 'h.id')
    .innerJoin('customers as c', 'c.id', 't.requester_id')
    .select([...TICKET_COLUMNS, 'h.rank'])
    .orderBy('h.rank', 'desc')
    .orderBy('t.id', 'desc')
    .limit(q.limit + 1);
  if (c) query = query.where(sql<boolean>`(h.rank, t.id) < (${c[0]}::real, ${c[1]}::bigint)`);
  const rows = await query.execute();
  const out = page(rows, q.limit, (r) => [r.rank, r.id]);
  return { items: out.items.map(({ rank: _r, ...t }) => t as TicketRow), nextCursor: out.nextCursor };
}

/**
 * One excerpt per ticket of the page: from the subject when it holds every word, else from the
 * latest message that does (else one that holds any word), else the subject. The text is
 * HTML-escaped before ts_headline, so the only tags in the result are its own <mark>s.
 */
async function snippets(db: Db, ids: string[], p: ParsedQuery): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const esc = (text: RawBuilder<string>) => sql<string>`replace(replace(replace(${text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
  const subject = sql<string>`t.subject`;
  const body = sql<string>`left(m.body_text, ${SEARCH_TEXT_MAX})`;
  const latest = (query: RawBuilder<unknown>) => sql<string | null>`(
    select ts_headline('russian', ${esc(body)}, q.any_q, ${HEADLINE})
    from (select m.id, m.body_text from messages m where m.ticket_id = t.id order by m.id desc limit ${SNIPPET_MESSAGES}) m
    where to_tsvector('russian', ${body}) @@ ${query}
    order by m.id desc
    limit 1)`;
  const rows = await sql<{ id: string; snippet: string }>`
    select t.id, coalesce(
      case when to_tsvector('russian', t.subject) @@ q.all_q then ts_headline('russian', ${esc(subject)}, q.any_q, ${HEADLINE}) end,
      ${latest(sql`q.all_q`)},
      ${latest(sql`q.any_q`)},
      ts_headline('russian', ${esc(subject)}, q.any_q, ${HEADLINE})
    ) as snippet
    from tickets t
    cross join (select to_tsquery('russian', ${p.all}) as all_q, to_tsquery('russian', ${p.any}) as any_q) q
    where t.id = any(${ids}::bigint[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.snippet]));
}
