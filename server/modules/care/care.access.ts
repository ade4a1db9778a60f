import { AGENTS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

let n = 0;
async function customer(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/customers', { name: 'Care', emails: [`care-${Date.now().toString(36)}${++n}@clients.test`] });
  return r.body.id;
}
async function org(f: Fixture): Promise<string> {
  const o = await f.ctx.deps.db.insertInto('organizations').values({ name: `Care ${Date.now().toString(36)}${++n}` }).returning('id').executeTakeFirstOrThrow();
  return o.id;
}
const body = { reason: 'Сбой у нас: двойное списание', days: 28 };

export default [
  { route: 'POST /api/v1/customers/:id/care', allow: AGENTS, request: async (f) => ({ url: `/api/v1/customers/${await customer(f)}/care`, body }) },
  { route: 'POST /api/v1/organizations/:id/care', allow: AGENTS, request: async (f) => ({ url: `/api/v1/organizations/${await org(f)}/care`, body }) },
  { route: 'GET /api/v1/customers/:id/care', allow: STAFF, request: async (f) => ({ url: `/api/v1/customers/${await customer(f)}/care` }) },
  { route: 'GET /api/v1/organizations/:id/care', allow: STAFF, request: async (f) => ({ url: `/api/v1/organizations/${await org(f)}/care` }) },
  {
    route: 'POST /api/v1/care/:id/end', allow: AGENTS,
    request: async (f) => {
      const flag = await f.admin.post(`/api/v1/customers/${await customer(f)}/care`, body);
      return { url: `/api/v1/care/${flag.body.id}/end`, body: { note: 'Всё исправили' } };
    },
  },
  { route: 'GET /api/v1/tickets/:ref/care', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/care` }) },
] satisfies AccessCase[];
