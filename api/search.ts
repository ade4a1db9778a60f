// Full-text search over tickets (staff only).
import { z } from 'zod';
import { ListTicketsQuery, Ticket } from './tickets.ts';

export const SearchSort = z.enum(['relevance', 'updated']);

/** `q` plus every ticket filter of the list; `sort=relevance` ranks only the 1000 most recently updated matches. */
export const SearchQuery = ListTicketsQuery.omit({ sort: true }).extend({
  q: z.string().trim().min(1, 'type something to search for').max(500),
  sort: SearchSort.default('updated'),
});

export const SearchHit = z.object({
  ticket: Ticket,
  /** A short excerpt, HTML-escaped; the only markup is <mark>…</mark> around matched words. */
  snippet: z.string(),
});
