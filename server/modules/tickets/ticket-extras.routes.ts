// Merge, links and followers of a ticket.
import { Ok, Page, PageQuery } from '../../../api/common.ts';
import {
  FollowBody, Follower, FollowerParams, LinkBody, LinkParams, MergeBody, MergeResult, TicketLink, TicketRefParams,
} from '../../../api/tickets.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import * as followers from './followers.service.ts';
import * as links from './links.service.ts';
import { mergeTicket } from './merge.service.ts';
import { presentTicket } from './tickets.presenter.ts';

const tags = ['tickets'];

export function ticketExtraRoutes(app: App, deps: Deps) {
  app.post('/api/v1/tickets/:ref/merge', {
    schema: {
      tags, summary: 'Merge this ticket into another: messages, tags and followers move; this one closes',
      params: TicketRefParams, body: MergeBody, response: { 200: MergeResult },
    },
  }, async (req) => {
    const r = await mergeTicket(deps, req.actor, req.params.ref, req.body);
    return { source: presentTicket(deps.config, r.source), target: presentTicket(deps.config, r.target), messagesMoved: r.messagesMoved };
  });

  app.get('/api/v1/tickets/:ref/links', {
    schema: { tags, summary: 'Linked tickets, as seen from this one', params: TicketRefParams, querystring: PageQuery, response: { 200: Page(TicketLink) } },
  }, async (req) => links.listLinks(deps, req.actor, req.params.ref, req.query));

  app.post('/api/v1/tickets/:ref/links', {
    schema: {
      tags, summary: 'Link another ticket (related, duplicate_of, parent_of, child_of); Idempotency-Key supported',
      params: TicketRefParams, body: LinkBody, response: { 201: TicketLink },
    },
  }, async (req, reply) => idempotent(deps, req, reply, 201, (d) => links.createLink(d, req.actor, req.params.ref, req.body)));

  app.delete('/api/v1/tickets/:ref/links/:linkId', {
    schema: { tags, summary: 'Remove a link (from either of its tickets)', params: LinkParams, response: { 200: Ok } },
  }, async (req) => {
    await links.deleteLink(deps, req.actor, req.params.ref, req.params.linkId);
    return { ok: true as const };
  });

  app.get('/api/v1/tickets/:ref/followers', {
    schema: { tags, summary: 'Staff following this ticket', params: TicketRefParams, querystring: PageQuery, response: { 200: Page(Follower) } },
  }, async (req) => {
    const r = await followers.listFollowers(deps, req.actor, req.params.ref, req.query);
    return { items: r.items.map(followers.presentFollower), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/tickets/:ref/followers', {
    schema: {
      tags, summary: 'Follow a ticket (yourself by default; others need agent rights); 201 new, 200 already following',
      params: TicketRefParams, body: FollowBody, response: { 200: Follower, 201: Follower },
    },
  }, async (req, reply) => {
    const r = await followers.addFollower(deps, req.actor, req.params.ref, req.body.userId);
    reply.code(r.created ? 201 : 200);
    return followers.presentFollower(r.follower);
  });

  app.delete('/api/v1/tickets/:ref/followers/:userId', {
    schema: { tags, summary: 'Stop following (yourself; others need agent rights)', params: FollowerParams, response: { 200: Ok } },
  }, async (req) => {
    await followers.removeFollower(deps, req.actor, req.params.ref, req.params.userId);
    return { ok: true as const };
  });
}
