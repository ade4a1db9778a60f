import { ADMINS, AGENTS, LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

let n = 0;
const uniq = () => `${Date.now().toString(36)}${++n}`;

async function group(f: Fixture): Promise<string> {
  const g = await f.ctx.deps.db.insertInto('groups').values({ name: `Access ${uniq()}` }).returning('id').executeTakeFirstOrThrow();
  return g.id;
}
async function org(f: Fixture): Promise<string> {
  const o = await f.ctx.deps.db.insertInto('organizations').values({ name: `Access ${uniq()}` }).returning('id').executeTakeFirstOrThrow();
  return o.id;
}
async function customer(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/customers', { name: 'Access', emails: [`acc-${uniq()}@clients.test`] });
  return r.body.id;
}
async function field(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/fields', { key: `acc_${uniq()}`, labelRu: 'Поле', labelEn: 'Field', type: 'text' });
  return r.body.id;
}

export default [
  { route: 'GET /api/v1/users', allow: STAFF, request: () => ({ url: '/api/v1/users?role=agent,admin&active=true' }) },
  { route: 'GET /api/v1/users/:id', allow: STAFF, request: (f) => ({ url: `/api/v1/users/${f.admin.userId}` }) },
  { route: 'POST /api/v1/users', allow: ADMINS, request: () => ({ url: '/api/v1/users', body: { email: `acc-${uniq()}@agents.test`, name: 'Access' } }) },
  { route: 'PATCH /api/v1/users/me', allow: STAFF, request: () => ({ url: '/api/v1/users/me', body: { timeZone: 'Asia/Yekaterinburg' } }) },
  {
    route: 'PATCH /api/v1/users/:id', allow: ADMINS,
    request: async (f) => ({ url: `/api/v1/users/${(await f.ctx.createUser('agent')).id}`, body: { level: 2 } }),
  },

  { route: 'GET /api/v1/groups', allow: STAFF, request: () => ({ url: '/api/v1/groups' }) },
  { route: 'GET /api/v1/groups/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/groups/${await group(f)}` }) },
  { route: 'POST /api/v1/groups', allow: ADMINS, request: () => ({ url: '/api/v1/groups', body: { name: `Access ${uniq()}` } }) },
  { route: 'PATCH /api/v1/groups/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/groups/${await group(f)}`, body: { description: 'x' } }) },
  {
    route: 'PUT /api/v1/groups/:id/members', allow: LEADS,
    request: async (f) => ({ url: `/api/v1/groups/${await group(f)}/members`, body: { userIds: [f.admin.userId] } }),
  },

  { route: 'GET /api/v1/organizations', allow: STAFF, request: () => ({ url: '/api/v1/organizations?q=acc' }) },
  { route: 'GET /api/v1/organizations/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/organizations/${await org(f)}` }) },
  { route: 'POST /api/v1/organizations', allow: AGENTS, request: () => ({ url: '/api/v1/organizations', body: { name: 'Access', domains: [`acc-${uniq()}.test`] } }) },
  { route: 'PATCH /api/v1/organizations/:id', allow: AGENTS, request: async (f) => ({ url: `/api/v1/organizations/${await org(f)}`, body: { notes: 'x' } }) },

  { route: 'GET /api/v1/customers', allow: STAFF, request: () => ({ url: '/api/v1/customers?stage=new,active&q=acc' }) },
  { route: 'GET /api/v1/customers/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/customers/${await customer(f)}` }) },
  { route: 'POST /api/v1/customers', allow: AGENTS, request: () => ({ url: '/api/v1/customers', body: { name: 'Access', emails: [`acc-${uniq()}@clients.test`] } }) },
  { route: 'PATCH /api/v1/customers/:id', allow: AGENTS, request: async (f) => ({ url: `/api/v1/customers/${await customer(f)}`, body: { stage: 'vip' } }) },

  { route: 'GET /api/v1/fields', allow: STAFF, request: () => ({ url: '/api/v1/fields' }) },
  {
    route: 'POST /api/v1/fields', allow: ADMINS,
    request: () => ({ url: '/api/v1/fields', body: { key: `acc_${uniq()}`, labelRu: 'Поле', labelEn: 'Field', type: 'select', options: ['a', 'b'] } }),
  },
  { route: 'PATCH /api/v1/fields/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/fields/${await field(f)}`, body: { labelEn: 'Renamed' } }) },
] satisfies AccessCase[];
