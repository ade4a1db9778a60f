import { AGENTS, LEADS, type AccessCase, type Fixture } from '../../test/access.ts';

async function sharedMacro(f: Fixture): Promise<string> {
  return (await f.admin.post('/api/v1/macros', { name: 'Общий', body: 'Здравствуйте, {{customer.name}}!', shared: true })).body.id;
}

export default [
  { route: 'GET /api/v1/macros', allow: AGENTS, request: () => ({ url: '/api/v1/macros' }) },
  { route: 'POST /api/v1/macros', allow: AGENTS, request: () => ({ url: '/api/v1/macros', body: { name: 'Спасибо', body: 'Спасибо!' } }) },
  // shared macros: leads and admins; personal ones are covered in macros.test.ts
  { route: 'PATCH /api/v1/macros/:id', allow: LEADS, request: async (f) => ({ url: `/api/v1/macros/${await sharedMacro(f)}`, body: { name: 'Переименован' } }) },
  { route: 'DELETE /api/v1/macros/:id', allow: LEADS, request: async (f) => ({ url: `/api/v1/macros/${await sharedMacro(f)}` }) },
  {
    route: 'POST /api/v1/tickets/:ref/macros/:id/apply', allow: AGENTS,
    request: async (f) => {
      const t = await f.ticket();
      return { url: `/api/v1/tickets/${t.id}/macros/${await sharedMacro(f)}/apply`, body: { version: t.version, send: true } };
    },
  },
] satisfies AccessCase[];
