// Resolves who is calling (session cookie or Bearer token) and enforces CSRF on
// cookie-authenticated writes. Permission checks live in the services.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANONYMOUS, type Actor } from '../actor.ts';
import type { Deps } from '../deps.ts';
import { actorFromSession, actorFromToken, type SessionInfo } from '../modules/auth/auth.service.ts';
import { safeEqual } from '../modules/auth/tokens.ts';
import { sendProblem } from './problem.ts';

export const SESSION_COOKIE = 'slovo_session';
export const CSRF_COOKIE = 'slovo_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    csrfToken: string | null;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installAuth(app: FastifyInstance, deps: Deps) {
  // The API speaks JSON only. text/plain is a CORS "simple" type a cross-site form can post
  // without a preflight: refuse it (415) instead of parsing it into a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('actor', null as never);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (req, reply) => {
    req.actor = ANONYMOUS;
    if (!req.url.startsWith('/api/')) return;
    // mail webhooks authenticate by their channel's token or the provider's signature (mail/inbound)
    if (req.url.startsWith('/api/v1/mail/inbound/')) return;
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const actor = m ? await actorFromToken(deps, m[1]) : null;
      if (!actor) return sendProblem(reply, 'unauthenticated', 'the API token is unknown, revoked or expired');
      req.actor = actor;
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const s = await actorFromSession(deps, cookie);
    if (!s) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    req.actor = s.actor;
    req.csrfToken = s.csrfToken;
    if (!SAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, s.csrfToken)) {
        return sendProblem(reply, 'csrf_failed', `send the ${CSRF_HEADER} header you got at sign-in`);
      }
    }
  });
}

export function setSessionCookies(deps: Deps, reply: FastifyReply, s: SessionInfo) {
  const base = { path: '/', secure: deps.config.cookieSecure, sameSite: 'lax' as const, expires: s.expiresAt };
  reply.setCookie(SESSION_COOKIE, s.cookie, { ...base, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

export function clientOf(req: FastifyRequest) {
  return { ip: req.ip, userAgent: req.headers['user-agent'] };
}
