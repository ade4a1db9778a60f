import { AGENTS, type AccessCase } from '../../test/access.ts';

export default [
  {
    // as the reply route: light agents write notes only (403), customers are not staff (403)
    route: 'POST /api/v1/coach', allow: AGENTS,
    request: async (f) => ({ url: '/api/v1/coach', body: { ticket: (await f.ticket()).number, text: 'Ожидайте.' } }),
  },
] satisfies AccessCase[];
