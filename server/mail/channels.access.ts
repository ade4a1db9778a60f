import { ADMINS, LEADS, type AccessCase, type Fixture } from '../test/access.ts';

let n = 0;
async function channel(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/mail/channels', { name: 'Support', address: `support${++n}-${Date.now()}@access.test` });
  return r.body.id;
}

export default [
  { route: 'GET /api/v1/mail/channels', allow: LEADS, request: () => ({ url: '/api/v1/mail/channels' }) },
  { route: 'POST /api/v1/mail/channels', allow: ADMINS, request: () => ({ url: '/api/v1/mail/channels', body: { name: 'x', address: `new${++n}-${Date.now()}@access.test` } }) },
  { route: 'GET /api/v1/mail/channels/:id', allow: LEADS, request: async (f) => ({ url: `/api/v1/mail/channels/${await channel(f)}` }) },
  { route: 'PATCH /api/v1/mail/channels/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/channels/${await channel(f)}`, body: { name: 'renamed' } }) },
  { route: 'POST /api/v1/mail/channels/:id/rotate-token', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/channels/${await channel(f)}/rotate-token`, body: {} }) },
] satisfies AccessCase[];
