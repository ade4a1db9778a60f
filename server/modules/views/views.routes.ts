// Saved views (queues) and their tickets and counts.
import { z } from 'zod';
import { IdParams, Ok, Page, PageQuery } from '../../../api/common.ts';
import { Ticket } from '../../../api/tickets.ts';
import { CreateViewBody, UpdateViewBody, View, ViewCounts } from '../../../api/views.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { isoReq } from '../../http/types.ts';
import { presentTicket } from '../tickets/tickets.presenter.ts';
import * as views from './views.service.ts';

const tags = ['views'];

function presentView(v: views.ViewRow): z.infer<typeof View> {
  // one view spoiled by a later change must not take the whole list down
  const q = views.storedQuery(v);
  return {
    id: v.id, name: v.name, nameEn: v.name_en, filters: q?.filters ?? {}, sort: q?.sort ?? 'priority', invalid: !q,
    shared: v.owner_user_id === null, position: v.position,
    createdAt: isoReq(v.created_at), updatedAt: isoReq(v.updated_at),
  };
}

export function viewRoutes(app: App, deps: Deps) {
  app.get('/api/v1/views', {
    schema: { tags, summary: 'My views and the shared ones, in display order', response: { 200: z.object({ items: z.array(View) }) } },
  }, async (req) => ({ items: (await views.listViews(deps, req.actor)).map(presentView) }));

  app.get('/api/v1/views/counts', {
    schema: { tags, summary: `Tickets in each visible view, counted up to a cap (capped: true means "more than cap")`, response: { 200: ViewCounts } },
  }, async (req) => views.viewCounts(deps, req.actor));

  app.post('/api/v1/views', {
    schema: { tags, summary: 'Save a view (shared views need lead rights); Idempotency-Key supported', body: CreateViewBody, response: { 201: View } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentView(await views.createView(d, req.actor, req.body))));

  app.patch('/api/v1/views/:id', {
    schema: { tags, summary: 'Rename, refilter, resort or move a view', params: IdParams, body: UpdateViewBody, response: { 200: View } },
  }, async (req) => presentView(await views.updateView(deps, req.actor, req.params.id, req.body)));

  app.delete('/api/v1/views/:id', {
    schema: { tags, summary: 'Delete a view', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await views.deleteView(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.get('/api/v1/views/:id/tickets', {
    schema: { tags, summary: "The view's tickets, same as GET /tickets with its filters and sort", params: IdParams, querystring: PageQuery, response: { 200: Page(Ticket) } },
  }, async (req) => {
    const r = await views.viewTickets(deps, req.actor, req.params.id, req.query);
    return { items: r.items.map((t) => presentTicket(deps.config, t)), nextCursor: r.nextCursor };
  });
}
