// Macros: list, manage, and apply to a ticket.
import { z } from 'zod';
import { IdParams, Ok, Page } from '../../../api/common.ts';
import { ApplyMacroBody, ApplyMacroResult, CreateMacroBody, ListMacrosQuery, Macro, MacroApplyParams, UpdateMacroBody } from '../../../api/macros.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import { isoReq } from '../../http/types.ts';
import { presentMessage } from '../tickets/messages.presenter.ts';
import { presentTicket } from '../tickets/tickets.presenter.ts';
import * as macros from './macros.service.ts';

const tags = ['macros'];

function presentMacro(m: macros.MacroRow): z.infer<typeof Macro> {
  return {
    id: m.id, name: m.name, body: m.body, actions: macros.macroActions(m), shared: m.owner_user_id === null, active: m.active,
    createdAt: isoReq(m.created_at), updatedAt: isoReq(m.updated_at),
  };
}

export function macroRoutes(app: App, deps: Deps) {
  app.get('/api/v1/macros', {
    schema: { tags, summary: 'My macros and the shared ones, by name (active only unless includeInactive=true)', querystring: ListMacrosQuery, response: { 200: Page(Macro) } },
  }, async (req) => {
    const r = await macros.listMacros(deps, req.actor, req.query);
    return { items: r.items.map(presentMacro), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/macros', {
    schema: { tags, summary: 'Create a macro (shared ones need lead rights); Idempotency-Key supported', body: CreateMacroBody, response: { 201: Macro } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentMacro(await macros.createMacro(d, req.actor, req.body))));

  app.patch('/api/v1/macros/:id', {
    schema: { tags, summary: 'Change a macro, or switch it off with active=false', params: IdParams, body: UpdateMacroBody, response: { 200: Macro } },
  }, async (req) => presentMacro(await macros.updateMacro(deps, req.actor, req.params.id, req.body)));

  app.delete('/api/v1/macros/:id', {
    schema: { tags, summary: 'Delete a macro', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await macros.deleteMacro(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.post('/api/v1/tickets/:ref/macros/:id/apply', {
    schema: {
      tags, summary: 'Apply a macro: run its actions and render its body (send=true posts it as a public reply)',
      params: MacroApplyParams, body: ApplyMacroBody, response: { 200: ApplyMacroResult },
    },
  }, async (req, reply) => {
    const r = await macros.applyMacro(deps, req.actor, req.params.ref, req.params.id, req.body);
    reply.header('etag', `"${r.ticket.version}"`);
    return {
      ticket: presentTicket(deps.config, r.ticket),
      body: r.html,
      unknownVariables: r.unknownVariables,
      message: r.message ? presentMessage({ ...r.message, author_name: null }) : null,
    };
  });
}
