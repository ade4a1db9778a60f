// The promise ledger over HTTP: a ticket's promises and badge, making, keeping, renegotiating,
// cancelling, lists by owner and due time, metrics, the customer's view, and the settings.
import { z } from 'zod';
import { IdParams, Page } from '../../../api/common.ts';
import {
  CancelPromiseBody, KeepPromiseBody, ListPromisesQuery, NewPromiseInput, PortalPromise, PromiseItem, PromiseReport, PromiseReportQuery,
  PromiseSettings, RenegotiateBody, RenegotiateResult, TicketPromises,
} from '../../../api/promises.ts';
import { TicketRefParams } from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { getPromise, listPromises, portalPromises, presentPromise, promiseReport, ticketPromises } from './promises.queries.ts';
import { cancelPromise, createManualPromise, keepPromise, renegotiatePromise } from './promises.service.ts';
import { getSettings, putSettings } from './promises.settings.ts';

const tags = ['promises'];

export function promiseRoutes(app: App, deps: Deps) {
  const present = (p: Parameters<typeof presentPromise>[1]) => presentPromise(deps.config, p);

  app.get('/api/v1/tickets/:ref/promises', {
    schema: { tags, summary: "A ticket's promises, oldest first, with the badge counts (open, broken)", params: TicketRefParams, response: { 200: TicketPromises } },
  }, async (req) => {
    const r = await ticketPromises(deps, req.actor, req.params.ref);
    return { items: r.items.map(present), counts: r.counts };
  });

  app.post('/api/v1/tickets/:ref/promises', {
    schema: { tags, summary: 'Record a promise made to the customer by hand (Idempotency-Key supported)', params: TicketRefParams, body: NewPromiseInput, response: { 201: PromiseItem } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => present(await createManualPromise(d, req.actor, req.params.ref, req.body))));

  app.get('/api/v1/promises', {
    schema: { tags, summary: 'Promises by due time (owner=me|<id>, state=open,…, dueBefore), keyset-paginated', querystring: ListPromisesQuery, response: { 200: Page(PromiseItem) } },
  }, async (req) => {
    const r = await listPromises(deps, req.actor, req.query);
    return { items: r.items.map(present), nextCursor: r.nextCursor };
  });

  app.get('/api/v1/promises/:id', {
    schema: { tags, summary: 'One promise', params: IdParams, response: { 200: PromiseItem } },
  }, async (req) => present(await getPromise(deps, req.actor, req.params.id)));

  app.post('/api/v1/promises/:id/keep', {
    schema: { tags, summary: 'Mark an open promise kept (after its due time, until swept as broken: kept late)', params: IdParams, body: KeepPromiseBody, response: { 200: PromiseItem } },
  }, async (req) => present(await keepPromise(deps, req.actor, req.params.id, req.body)));

  app.post('/api/v1/promises/:id/renegotiate', {
    schema: {
      tags, summary: 'Give the customer a new time before the old one passes (optionally with a public reply); the old promise counts as kept with a change',
      params: IdParams, body: RenegotiateBody, response: { 200: RenegotiateResult },
    },
  }, async (req) => {
    const r = await renegotiatePromise(deps, req.actor, req.params.id, req.body);
    return { previous: present(r.previous), promise: present(r.promise), messageId: r.messageId };
  });

  app.post('/api/v1/promises/:id/cancel', {
    schema: { tags, summary: 'Cancel an open promise, with a note why', params: IdParams, body: CancelPromiseBody, response: { 200: PromiseItem } },
  }, async (req) => present(await cancelPromise(deps, req.actor, req.params.id, req.body)));

  app.get('/api/v1/reports/promises', {
    schema: { tags, summary: 'Promise metrics per agent or group for promises made in [from, to)', querystring: PromiseReportQuery, response: { 200: PromiseReport } },
  }, async (req) => promiseReport(deps, req.actor, req.query));

  app.get('/api/v1/portal/tickets/:ref/promises', {
    schema: { tags: ['portal'], summary: 'What we promised on my request', params: TicketRefParams, response: { 200: z.object({ items: z.array(PortalPromise) }) } },
  }, async (req) => ({ items: await portalPromises(deps, req.actor, req.params.ref) }));

  app.get('/api/v1/settings/promises', {
    schema: { tags, summary: 'Reminder times and which kinds a public reply keeps automatically', response: { 200: PromiseSettings } },
  }, async (req) => getSettings(deps, req.actor));

  app.put('/api/v1/settings/promises', {
    schema: { tags, summary: 'Change reminder times and auto-keep kinds', body: PromiseSettings, response: { 200: PromiseSettings } },
  }, async (req) => putSettings(deps, req.actor, req.body));
}
