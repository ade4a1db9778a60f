import { z } from 'zod';
import { AdminApiToken, AdminTokensQuery, ApiToken, ChangePasswordBody, CreatedToken, CreateTokenBody, LoginBody, MagicLinkBody, MagicVerifyBody, Me } from '../../../api/auth.ts';
import { IdParams, Ok, Page, PageQuery } from '../../../api/common.ts';
import type { Deps } from '../../deps.ts';
import { clearSessionCookies, clientOf, setSessionCookies } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { iso, isoReq } from '../../http/types.ts';
import * as auth from './auth.service.ts';

const tags = ['auth'];

function presentToken(t: Awaited<ReturnType<typeof auth.listTokens>>['items'][number]) {
  return {
    id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes as ('read' | 'write' | 'admin')[],
    createdAt: isoReq(t.created_at), lastUsedAt: iso(t.last_used_at), expiresAt: iso(t.expires_at), revokedAt: iso(t.revoked_at),
  };
}

export function authRoutes(app: App, deps: Deps) {
  app.post('/api/v1/auth/login', {
    schema: { tags, summary: 'Sign in with e-mail and password; sets the session cookie', body: LoginBody, response: { 200: Me } },
    config: { rateLimit: { max: deps.config.SLOVO_RATE_LIMIT_LOGIN, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const s = await auth.login(deps, req.body.email, req.body.password, clientOf(req));
    setSessionCookies(deps, reply, s);
    const actor = (await auth.actorFromSession(deps, s.cookie))!.actor;
    return { ...(await auth.me(deps, actor)), csrfToken: s.csrfToken };
  });

  app.get('/api/v1/auth/me', { schema: { tags, summary: 'Who am I', response: { 200: Me } } }, async (req) => {
    return { ...(await auth.me(deps, req.actor)), csrfToken: req.csrfToken };
  });

  app.post('/api/v1/auth/logout', { schema: { tags, summary: 'End this session', response: { 200: Ok } } }, async (req, reply) => {
    await auth.logout(deps, req.actor);
    clearSessionCookies(reply);
    return { ok: true as const };
  });

  app.post('/api/v1/auth/logout-all', {
    schema: { tags, summary: 'End every session of the caller (all devices)', response: { 200: z.object({ ended: z.number() }) } },
  }, async (req, reply) => {
    const ended = await auth.logoutAll(deps, req.actor);
    clearSessionCookies(reply);
    return { ended };
  });

  app.post('/api/v1/auth/password', {
    schema: { tags, summary: 'Change password; ends all other sessions', body: ChangePasswordBody, response: { 200: Ok } },
    config: { rateLimit: { max: deps.config.SLOVO_RATE_LIMIT_LOGIN, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const s = await auth.changePassword(deps, req.actor, req.body.currentPassword, req.body.newPassword, clientOf(req));
    setSessionCookies(deps, reply, s);
    return { ok: true as const };
  });

  app.get('/api/v1/tokens', { schema: { tags, summary: 'My API tokens, newest first', querystring: PageQuery, response: { 200: Page(ApiToken) } } }, async (req) => {
    const r = await auth.listTokens(deps, req.actor, req.query);
    return { items: r.items.map(presentToken), nextCursor: r.nextCursor };
  });

  app.post('/api/v1/tokens', {
    schema: { tags, summary: 'Create a personal API token (shown once)', body: CreateTokenBody, response: { 201: CreatedToken } },
  }, async (req, reply) => {
    const t = await auth.createToken(deps, req.actor, req.body);
    return reply.code(201).send({ ...presentToken(t), token: t.token });
  });

  app.delete('/api/v1/tokens/:id', { schema: { tags, summary: 'Revoke a token', params: IdParams, response: { 200: Ok } } }, async (req) => {
    await auth.revokeToken(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.get('/api/v1/admin/tokens', {
    schema: { tags, summary: "Every user's API tokens with their owner, newest first (admins)", querystring: AdminTokensQuery, response: { 200: Page(AdminApiToken) } },
  }, async (req) => {
    const r = await auth.listAllTokens(deps, req.actor, req.query);
    return {
      items: r.items.map((t) => ({ ...presentToken(t), user: { id: t.user_id, name: t.user_name, email: t.user_email, active: t.user_active } })),
      nextCursor: r.nextCursor,
    };
  });

  app.delete('/api/v1/admin/tokens/:id', { schema: { tags, summary: "Revoke anyone's API token (admins)", params: IdParams, response: { 200: Ok } } }, async (req) => {
    await auth.revokeAnyToken(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.post('/api/v1/portal/auth/magic-link', {
    schema: { tags: ['portal'], summary: 'Mail a one-time sign-in link to a customer', body: MagicLinkBody, response: { 202: Ok } },
    config: { rateLimit: { max: Math.ceil(deps.config.SLOVO_RATE_LIMIT_LOGIN / 4), timeWindow: '1 minute' } },
  }, async (req, reply) => {
    await auth.requestMagicLink(deps, req.body.email);
    return reply.code(202).send({ ok: true as const });
  });

  app.post('/api/v1/portal/auth/verify', {
    schema: { tags: ['portal'], summary: 'Exchange a magic-link token for a portal session', body: MagicVerifyBody, response: { 200: Me } },
    config: { rateLimit: { max: deps.config.SLOVO_RATE_LIMIT_LOGIN, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const s = await auth.verifyMagicLink(deps, req.body.token, clientOf(req));
    setSessionCookies(deps, reply, s);
    const actor = (await auth.actorFromSession(deps, s.cookie))!.actor;
    return { ...(await auth.me(deps, actor)), csrfToken: s.csrfToken };
  });
}
