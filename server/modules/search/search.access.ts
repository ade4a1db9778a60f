import { STAFF, type AccessCase } from '../../test/access.ts';

export default [
  { route: 'GET /api/v1/search', allow: STAFF, request: () => ({ url: `/api/v1/search?q=${encodeURIComponent('письма')}&status=new,open&sort=relevance` }) },
] satisfies AccessCase[];
