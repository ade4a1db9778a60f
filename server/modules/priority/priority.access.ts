import { ADMINS, STAFF, type AccessCase } from '../../test/access.ts';

export default [
  { route: 'GET /api/v1/tickets/:ref/priority', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/priority` }) },
  { route: 'GET /api/v1/settings/priority-weights', allow: STAFF, request: () => ({ url: '/api/v1/settings/priority-weights' }) },
  { route: 'PUT /api/v1/settings/priority-weights', allow: ADMINS, request: () => ({ url: '/api/v1/settings/priority-weights', body: { stage_trial: 20 } }) },
] satisfies AccessCase[];
