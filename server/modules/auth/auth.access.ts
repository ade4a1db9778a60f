import { ADMINS, EVERYONE, SIGNED_IN, STAFF, type AccessCase } from '../../test/access.ts';
import { PASSWORD } from '../../test/harness.ts';

export default [
  // Wrong password for everyone: the route is open, the answer is 401 invalid_credentials for all.
  {
    route: 'POST /api/v1/auth/login', allow: [],
    denied: { anonymous: 401, customer: 401, light_agent: 401, agent: 401, lead: 401, admin: 401 },
    request: () => ({ url: '/api/v1/auth/login', body: { email: 'nobody@agents.test', password: 'wrong password' } }),
  },
  { route: 'GET /api/v1/auth/me', allow: SIGNED_IN, request: () => ({ url: '/api/v1/auth/me' }) },
  { route: 'POST /api/v1/auth/logout', allow: SIGNED_IN, fresh: true, request: () => ({ url: '/api/v1/auth/logout' }) },
  { route: 'POST /api/v1/auth/logout-all', allow: SIGNED_IN, fresh: true, request: () => ({ url: '/api/v1/auth/logout-all' }) },
  {
    route: 'POST /api/v1/auth/password', allow: STAFF, fresh: true,
    request: () => ({ url: '/api/v1/auth/password', body: { currentPassword: PASSWORD, newPassword: 'a brand new password 42' } }),
  },
  { route: 'GET /api/v1/tokens', allow: STAFF, request: () => ({ url: '/api/v1/tokens' }) },
  { route: 'POST /api/v1/tokens', allow: STAFF, request: () => ({ url: '/api/v1/tokens', body: { name: 'ci', scopes: ['read'] } }) },
  {
    route: 'DELETE /api/v1/tokens/:id', allow: STAFF,
    request: async (f) => {
      if (f.principal === 'anonymous' || f.principal === 'customer') return { url: '/api/v1/tokens/1' };
      const t = await f.client.post('/api/v1/tokens', { name: 'x', scopes: ['read'] });
      return { url: `/api/v1/tokens/${t.body.id}` };
    },
  },
  { route: 'GET /api/v1/admin/tokens', allow: ADMINS, request: () => ({ url: '/api/v1/admin/tokens' }) },
  {
    route: 'DELETE /api/v1/admin/tokens/:id', allow: ADMINS,
    request: async (f) => {
      // someone else's token, made directly: only an admin may revoke it
      const u = await f.ctx.createUser('agent');
      const t = await f.ctx.deps.db.insertInto('api_tokens').values({ user_id: u.id, name: 'other', token_hash: `h${Math.random()}`, prefix: 'slv_x', scopes: ['read'] }).returning('id').executeTakeFirstOrThrow();
      return { url: `/api/v1/admin/tokens/${t.id}` };
    },
  },
  { route: 'POST /api/v1/portal/auth/magic-link', allow: EVERYONE, request: () => ({ url: '/api/v1/portal/auth/magic-link', body: { email: 'someone@clients.test' } }) },
  {
    route: 'POST /api/v1/portal/auth/verify', allow: [],
    denied: { anonymous: 401, customer: 401, light_agent: 401, agent: 401, lead: 401, admin: 401 },
    request: () => ({ url: '/api/v1/portal/auth/verify', body: { token: 'x'.repeat(43) } }),
  },
] satisfies AccessCase[];
