import { STAFF, type AccessCase } from '../../test/access.ts';

export default [
  // max=0: the stream answers (headers and retry hint) and ends at once
  { route: 'GET /api/v1/stream', allow: STAFF, request: () => ({ url: '/api/v1/stream?max=0' }) },
  {
    route: 'POST /api/v1/tickets/:ref/presence', allow: STAFF,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).number}/presence`, body: { state: 'viewing' } }),
  },
] satisfies AccessCase[];
