// Mail channels: list and read (leads), create, change, rotate the webhook token (admins).
import { z } from 'zod';
import { IdParams } from '../../api/common.ts';
import { Channel, CreateChannelBody, UpdateChannelBody } from '../../api/mail.ts';
import type { Actor } from '../actor.ts';
import type { Deps } from '../deps.ts';
import { idempotent } from '../http/idempotency.ts';
import { isoReq, type App } from '../http/types.ts';
import * as channels from './channels.service.ts';

const tags = ['mail'];

export function presentChannel(c: channels.ChannelRow, actor: Actor): z.infer<typeof Channel> {
  return {
    id: c.id, name: c.name, address: c.address, groupId: c.group_id, active: c.active, settings: channels.redact(c.settings),
    ...(channels.showToken(actor) ? { webhookToken: c.webhook_token } : {}),
    createdAt: isoReq(c.created_at), updatedAt: isoReq(c.updated_at),
  };
}

export function channelRoutes(app: App, deps: Deps) {
  app.get('/api/v1/mail/channels', {
    schema: { tags, summary: 'Mail channels (mailboxes)', response: { 200: z.object({ items: z.array(Channel) }) } },
  }, async (req) => ({ items: (await channels.listChannels(deps, req.actor)).map((c) => presentChannel(c, req.actor)) }));

  app.post('/api/v1/mail/channels', {
    schema: { tags, summary: 'Add a mailbox; the response holds the webhook token for provider URLs', body: CreateChannelBody, response: { 201: Channel } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentChannel(await channels.createChannel(d, req.actor, req.body), req.actor)));

  app.get('/api/v1/mail/channels/:id', {
    schema: { tags, summary: 'One mail channel', params: IdParams, response: { 200: Channel } },
  }, async (req) => presentChannel(await channels.getChannel(deps, req.actor, req.params.id), req.actor));

  app.patch('/api/v1/mail/channels/:id', {
    schema: { tags, summary: 'Change a mail channel (omitted passwords and keys are kept)', params: IdParams, body: UpdateChannelBody, response: { 200: Channel } },
  }, async (req) => presentChannel(await channels.updateChannel(deps, req.actor, req.params.id, req.body), req.actor));

  app.post('/api/v1/mail/channels/:id/rotate-token', {
    schema: { tags, summary: 'Issue a new webhook token (provider URLs must be updated)', params: IdParams, response: { 200: Channel } },
  }, async (req) => presentChannel(await channels.rotateToken(deps, req.actor, req.params.id), req.actor));
}
