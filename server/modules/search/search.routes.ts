import { Page } from '../../../api/common.ts';
import { SearchHit, SearchQuery } from '../../../api/search.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { presentTicket } from '../tickets/tickets.presenter.ts';
import { searchTickets } from './search.service.ts';

export function searchRoutes(app: App, deps: Deps) {
  app.get('/api/v1/search', {
    schema: {
      tags: ['search'],
      summary: 'Full-text search over tickets (Russian and English word forms, last word as a prefix, requester names) with the ticket filters; sort=relevance ranks the 1000 most recently updated matches',
      querystring: SearchQuery,
      response: { 200: Page(SearchHit) },
    },
  }, async (req) => {
    const r = await searchTickets(deps, req.actor, req.query);
    return { items: r.items.map((h) => ({ ticket: presentTicket(deps.config, h), snippet: h.snippet })), nextCursor: r.nextCursor };
  });
}
