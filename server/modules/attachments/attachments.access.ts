import { STAFF, type AccessCase } from '../../test/access.ts';

export default [
  {
    route: 'POST /api/v1/attachments', allow: STAFF,
    request: () => ({ url: '/api/v1/attachments?filename=log.txt', raw: 'log line', headers: { 'content-type': 'text/plain' } }),
  },
  {
    // an attachment on a public reply of someone else's ticket: customers must not even learn it exists
    route: 'GET /api/v1/attachments/:id', allow: STAFF, denied: { customer: 404 },
    request: async (f) => {
      const up = await f.admin.req('POST', '/api/v1/attachments?filename=a.txt', { raw: 'secret', headers: { 'content-type': 'text/plain' } });
      const t = await f.ticket();
      await f.admin.post(`/api/v1/tickets/${t.id}/messages`, { body: 'see file', attachmentIds: [up.body.id] });
      return { url: `/api/v1/attachments/${up.body.id}` };
    },
  },
] satisfies AccessCase[];
