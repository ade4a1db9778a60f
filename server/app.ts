// Builds the Fastify app: plugins, error mapping, auth, routes. No listening here.
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { pendingMigrations } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import { installAuth } from './http/auth.ts';
import { installNulGuard } from './http/nul-guard.ts';
import { installProblemHandlers } from './http/problem.ts';
import { installWeb } from './http/web.ts';
import type { App } from './http/types.ts';
import { ROUTES } from './routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** "METHOD /url" of every registered API route (the access matrix test reads it). */
    slovoRoutes: string[];
  }
}

/** opts.web: the built web apps' folder to serve (web/dist); none in API-only tests. */
export async function buildApp(deps: Deps, opts: { web?: string } = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    // X-Forwarded-For is believed only from configured proxies (SLOVO_TRUST_PROXY)
    trustProxy: deps.config.trustProxy as boolean, // fastify takes boolean, hop count or list; its overloads reject the union
    bodyLimit: 2 * 1024 * 1024,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);

  await app.register(helmet, { contentSecurityPolicy: false }); // CSP is set by the web app's pages
  await app.register(cookie);
  await app.register(rateLimit, { global: false, errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: `Too many requests; retry in ${ctx.after}` }) });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Slovo API', version: '1', description: 'Help desk that keeps its word. Errors are application/problem+json with a stable `code`.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (slv_...)' },
          session: { type: 'apiKey', in: 'cookie', name: 'slovo_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  installAuth(app, deps);
  installNulGuard(app);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      const pending = await pendingMigrations((q) => deps.pool.query(q));
      if (pending.length) return reply.code(503).send({ ok: false, reason: 'migrations pending', pending });
      return { ok: true };
    } catch (e) {
      return reply.code(503).send({ ok: false, reason: 'database unreachable', error: (e as Error).message });
    }
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD' && !r.schema?.hide) routes.push(`${m} ${r.url}`);
  });
  app.decorate('slovoRoutes', routes);
  for (const register of ROUTES) register(app, deps);
  if (opts.web) await installWeb(app, opts.web);
  return app;
}
