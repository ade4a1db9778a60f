import { ADMINS, LEADS, type AccessCase, type Fixture } from '../../test/access.ts';

let n = 0;
async function channel(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/mail/channels', { name: 'Health', address: `health${++n}-${Date.now()}@access.test` });
  return r.body.id;
}

export default [
  { route: 'GET /api/v1/mail/alerts', allow: LEADS, request: () => ({ url: '/api/v1/mail/alerts?open=true' }) },
  { route: 'GET /api/v1/mail/channels/:id/health', allow: LEADS, request: async (f) => ({ url: `/api/v1/mail/channels/${await channel(f)}/health` }) },
  { route: 'POST /api/v1/mail/channels/:id/probe', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/channels/${await channel(f)}/probe`, body: {} }) },
] satisfies AccessCase[];
