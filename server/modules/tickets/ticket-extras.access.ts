import { AGENTS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

/** The caller's own user id (staff), or the admin's for principals without one. */
async function selfId(f: Fixture): Promise<string> {
  if (f.principal === 'anonymous' || f.principal === 'customer') return f.admin.userId;
  return (await f.client.get('/api/v1/auth/me')).body.id;
}

export default [
  {
    route: 'POST /api/v1/tickets/:ref/merge', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/merge`, body: { targetRef: (await f.ticket()).number } }),
  },
  { route: 'GET /api/v1/tickets/:ref/links', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/links` }) },
  {
    route: 'POST /api/v1/tickets/:ref/links', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/links`, body: { otherRef: (await f.ticket()).id, kind: 'related' } }),
  },
  {
    route: 'DELETE /api/v1/tickets/:ref/links/:linkId', allow: AGENTS,
    request: async (f) => {
      const [a, b] = [await f.ticket(), await f.ticket()];
      const link = await f.admin.post(`/api/v1/tickets/${a.id}/links`, { otherRef: b.id, kind: 'parent_of' });
      return { url: `/api/v1/tickets/${b.id}/links/${link.body.id}` };
    },
  },
  { route: 'GET /api/v1/tickets/:ref/followers', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/followers` }) },
  {
    route: 'POST /api/v1/tickets/:ref/followers', allow: STAFF,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/followers`, body: {} }),
  },
  {
    route: 'DELETE /api/v1/tickets/:ref/followers/:userId', allow: STAFF,
    request: async (f) => {
      const t = await f.ticket();
      const userId = await selfId(f);
      await f.admin.post(`/api/v1/tickets/${t.id}/followers`, { userId });
      return { url: `/api/v1/tickets/${t.id}/followers/${userId}` };
    },
  },
] satisfies AccessCase[];
