import type { AccessCase, Fixture } from '../../test/access.ts';

const CUSTOMER = ['customer'] as const;

/** For the customer: a ticket of their own; for everyone else any ticket (they are refused before the lookup). */
async function ownTicket(f: Fixture): Promise<{ id: string; number: string }> {
  if (!f.customerId) return f.ticket();
  const r = await f.admin.post('/api/v1/tickets', { subject: 'Portal access', requester: { id: f.customerId }, message: { body: 'hello' } });
  if (r.status !== 201) throw new Error(`ticket create failed: ${r.raw}`);
  return r.body;
}

export default [
  { route: 'GET /api/v1/portal/me', allow: CUSTOMER, request: () => ({ url: '/api/v1/portal/me' }) },
  { route: 'GET /api/v1/portal/fields', allow: CUSTOMER, request: () => ({ url: '/api/v1/portal/fields' }) },
  { route: 'GET /api/v1/portal/tickets', allow: CUSTOMER, request: () => ({ url: '/api/v1/portal/tickets?limit=5' }) },
  { route: 'POST /api/v1/portal/tickets', allow: CUSTOMER, request: () => ({ url: '/api/v1/portal/tickets', body: { subject: 'Help', body: 'Please help' } }) },
  { route: 'GET /api/v1/portal/tickets/:ref', allow: CUSTOMER, request: async (f) => ({ url: `/api/v1/portal/tickets/${(await ownTicket(f)).number}` }) },
  { route: 'GET /api/v1/portal/tickets/:ref/messages', allow: CUSTOMER, request: async (f) => ({ url: `/api/v1/portal/tickets/${(await ownTicket(f)).id}/messages` }) },
  {
    route: 'POST /api/v1/portal/tickets/:ref/messages', allow: CUSTOMER,
    request: async (f) => ({ url: `/api/v1/portal/tickets/${(await ownTicket(f)).id}/messages`, body: { body: 'More details' } }),
  },
  {
    route: 'POST /api/v1/portal/attachments', allow: CUSTOMER,
    request: () => ({ url: '/api/v1/portal/attachments?filename=screen.txt', raw: 'screenshot', headers: { 'content-type': 'text/plain' } }),
  },
] satisfies AccessCase[];
