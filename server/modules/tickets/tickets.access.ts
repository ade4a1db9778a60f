import { AGENTS, STAFF, type AccessCase } from '../../test/access.ts';

const notForCustomers = { customer: 403 } as const;

export default [
  { route: 'GET /api/v1/tickets', allow: STAFF, request: () => ({ url: '/api/v1/tickets?status=new,open&sort=priority' }) },
  {
    route: 'POST /api/v1/tickets', allow: AGENTS,
    request: () => ({ url: '/api/v1/tickets', body: { subject: 'Access', requester: { email: 'acc@clients.test' }, message: { body: 'x' } } }),
  },
  { route: 'GET /api/v1/tickets/:ref', allow: STAFF, denied: notForCustomers, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).number}` }) },
  {
    route: 'POST /api/v1/tickets/bulk', allow: AGENTS,
    request: async (f) => ({ url: '/api/v1/tickets/bulk', body: { items: [{ ref: (await f.ticket()).number, version: 1 }], set: { priority: 'high' } } }),
  },
  {
    route: 'PATCH /api/v1/tickets/:ref', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}`, body: { priority: 'high' }, headers: { 'if-match': '"1"' } }),
  },
  { route: 'GET /api/v1/tickets/:ref/messages', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/messages` }) },
  {
    route: 'POST /api/v1/tickets/:ref/messages', allow: STAFF,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/messages`, body: { kind: 'note', body: 'note' } }),
  },
  { route: 'GET /api/v1/tickets/:ref/events', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/events` }) },
] satisfies AccessCase[];
