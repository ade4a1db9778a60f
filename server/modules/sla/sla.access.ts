import { ADMINS, LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

async function policy(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/sla-policies', { name: `Доступ ${Math.random()}`, targets: { firstResponseMin: 60 } });
  return r.body.id;
}

export default [
  { route: 'GET /api/v1/sla-policies', allow: STAFF, request: () => ({ url: '/api/v1/sla-policies' }) },
  { route: 'GET /api/v1/sla-policies/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/sla-policies/${await policy(f)}` }) },
  { route: 'POST /api/v1/sla-policies', allow: ADMINS, request: () => ({ url: '/api/v1/sla-policies', body: { name: 'Базовый', targets: { resolutionMin: 480 } } }) },
  { route: 'PATCH /api/v1/sla-policies/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/sla-policies/${await policy(f)}`, body: { position: 7 } }) },
  { route: 'DELETE /api/v1/sla-policies/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/sla-policies/${await policy(f)}` }) },
  { route: 'GET /api/v1/tickets/:ref/sla', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).number}/sla` }) },
  {
    route: 'GET /api/v1/reports/sla', allow: LEADS,
    request: () => ({ url: `/api/v1/reports/sla?from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent('2027-01-01T00:00:00Z')}` }),
  },
] satisfies AccessCase[];
