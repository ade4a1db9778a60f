import { LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

/** A view the principal may change: their own personal one (made by them), else the admin's. */
async function ownView(f: Fixture): Promise<string> {
  const staff = !['anonymous', 'customer'].includes(f.principal);
  const r = await (staff ? f.client : f.admin).post('/api/v1/views', { name: 'Своя', filters: { status: ['open'] } });
  return r.body.id;
}

async function sharedView(f: Fixture): Promise<string> {
  return (await f.admin.post('/api/v1/views', { name: 'Общая', shared: true })).body.id;
}

export default [
  { route: 'GET /api/v1/views', allow: STAFF, request: () => ({ url: '/api/v1/views' }) },
  { route: 'GET /api/v1/views/counts', allow: STAFF, request: () => ({ url: '/api/v1/views/counts' }) },
  { route: 'POST /api/v1/views', allow: STAFF, request: () => ({ url: '/api/v1/views', body: { name: 'Срочные', filters: { priority: ['urgent'] } } }) },
  // shared views: leads and admins only; personal ones are covered in views.test.ts
  { route: 'PATCH /api/v1/views/:id', allow: LEADS, request: async (f) => ({ url: `/api/v1/views/${await sharedView(f)}`, body: { name: 'Переименована' } }) },
  { route: 'DELETE /api/v1/views/:id', allow: LEADS, request: async (f) => ({ url: `/api/v1/views/${await sharedView(f)}` }) },
  { route: 'GET /api/v1/views/:id/tickets', allow: STAFF, request: async (f) => ({ url: `/api/v1/views/${await ownView(f)}/tickets` }) },
] satisfies AccessCase[];
