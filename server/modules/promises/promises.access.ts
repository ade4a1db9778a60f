import { ADMINS, AGENTS, LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

const CUSTOMER = ['customer'] as const;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** A fresh open promise (made by the admin) on a new ticket. */
async function openPromise(f: Fixture): Promise<string> {
  const t = await f.ticket();
  const r = await f.admin.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Перезвоним', dueAt: inHours(5), kind: 'callback' });
  if (r.status !== 201) throw new Error(`promise create failed: ${r.raw}`);
  return r.body.id;
}

/** For the customer: a ticket of their own with a visible promise; for others any ticket. */
async function ownTicket(f: Fixture): Promise<string> {
  if (!f.customerId) return (await f.ticket()).id;
  const t = await f.admin.post('/api/v1/tickets', { subject: 'Portal promises', requester: { id: f.customerId }, message: { body: 'hello' } });
  await f.admin.post(`/api/v1/tickets/${t.body.id}/promises`, { text: 'Пришлём ответ', dueAt: inHours(3) });
  return t.body.id;
}

export default [
  { route: 'GET /api/v1/tickets/:ref/promises', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).number}/promises` }) },
  {
    route: 'POST /api/v1/tickets/:ref/promises', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/promises`, body: { text: 'Пришлём счёт', dueAt: inHours(2), kind: 'info' } }),
  },
  { route: 'GET /api/v1/promises', allow: STAFF, request: () => ({ url: '/api/v1/promises?owner=me&state=open&limit=5' }) },
  { route: 'GET /api/v1/promises/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/promises/${await openPromise(f)}` }) },
  { route: 'POST /api/v1/promises/:id/keep', allow: AGENTS, request: async (f) => ({ url: `/api/v1/promises/${await openPromise(f)}/keep`, body: {} }) },
  {
    route: 'POST /api/v1/promises/:id/renegotiate', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/promises/${await openPromise(f)}/renegotiate`, body: { dueAt: inHours(30) } }),
  },
  {
    route: 'POST /api/v1/promises/:id/cancel', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/promises/${await openPromise(f)}/cancel`, body: { note: 'Клиент сам решил вопрос' } }),
  },
  { route: 'GET /api/v1/reports/promises', allow: LEADS, request: () => ({ url: '/api/v1/reports/promises?groupBy=group' }) },
  { route: 'GET /api/v1/portal/tickets/:ref/promises', allow: CUSTOMER, request: async (f) => ({ url: `/api/v1/portal/tickets/${await ownTicket(f)}/promises` }) },
  { route: 'GET /api/v1/settings/promises', allow: STAFF, request: () => ({ url: '/api/v1/settings/promises' }) },
  {
    route: 'PUT /api/v1/settings/promises', allow: ADMINS,
    request: () => ({ url: '/api/v1/settings/promises', body: { reminders: [60, 15], autoKeepOnReply: { callback: false, update: true, fix: false, info: true, other: false } } }),
  },
] satisfies AccessCase[];
