// Serves the built web apps: the agent app at / and the portal at /portal/, with a strict CSP
// (scripts and styles only from this origin, no inline script, no framing). Unknown non-API
// paths get the app's index.html so deep links (/tickets/10427) work.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The agent app's index.html handler, for deep links; null when the web app is not served. */
    webPage: ((req: FastifyRequest, reply: FastifyReply) => unknown) | null;
  }
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // https: for remote images in mail, loaded only after the agent allows them (the server keeps them in data-remote-src until then)
  "img-src 'self' data: blob: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(reply: FastifyReply) {
  reply.header('content-security-policy', CSP);
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'same-origin');
}

export async function installWeb(app: App, dist: string): Promise<void> {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/plain').send('The web app is not built: run `node --import tsx web/build.ts` (slovo serve builds it).'));
    return;
  }
  const agentHtml = fs.readFileSync(path.join(dist, 'index.html'));
  const portalHtml = fs.readFileSync(path.join(dist, 'portal/index.html'));
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    index: false,
    wildcard: false,
    serve: true,
    // the build wrote .br and .gz beside each text asset: sent when the browser accepts them
    preCompressed: true,
    setHeaders: (res: unknown, file: string) => {
      // @fastify/static 10 passes the reply (older versions the raw response)
      const r = res as { header?: (k: string, v: string) => unknown; setHeader?: (k: string, v: string) => unknown };
      const set = (k: string, v: string) => (r.header ? r.header(k, v) : r.setHeader?.(k, v));
      set('content-security-policy', CSP);
      set('x-content-type-options', 'nosniff');
      // hashed asset names never change: cache for a year
      if (file.includes(`${path.sep}assets${path.sep}`)) set('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const page = (html: Buffer) => async (_req: FastifyRequest, reply: FastifyReply) => {
    secure(reply);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  app.get('/portal', { schema: { hide: true } }, page(portalHtml));
  app.get('/portal/*', { schema: { hide: true } }, page(portalHtml));
  app.get('/', { schema: { hide: true } }, page(agentHtml));
  app.webPage = page(agentHtml);
}
