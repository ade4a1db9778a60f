import { ADMINS, AGENTS, LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

/** A group of the level (made once per database). */
async function groupOf(f: Fixture, level: number): Promise<string> {
  const db = f.ctx.deps.db;
  const g = await db.selectFrom('groups').select('id').where('level', '=', level).orderBy('id').executeTakeFirst();
  if (g) return g.id;
  return (await db.insertInto('groups').values({ name: `Линия ${level} (access)`, level, created_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
}

const handoff = { summary: 'Письма не доходят до клиента с понедельника', tried: ['перезагрузил роутер'], needed: 'Проверить почтовый шлюз' };
const later = () => new Date(Date.now() + 86_400_000).toISOString();

/** A ticket at level 2 (escalated by the admin). */
async function escalated(f: Fixture) {
  const t = await f.ticket();
  await groupOf(f, 2);
  const r = await f.admin.post(`/api/v1/tickets/${t.id}/escalate`, { toLevel: 2, ...handoff });
  if (r.status !== 201) throw new Error(`escalate failed: ${r.raw}`);
  return t;
}

async function rule(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/escalation-rules', { name: 'Угроза регулятором', trigger: 'signal', params: { signals: ['threat_regulator'] }, action: 'notify_lead' });
  return r.body.id;
}

export default [
  { route: 'GET /api/v1/tickets/:ref/escalation-draft', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/escalation-draft` }) },
  {
    route: 'POST /api/v1/tickets/:ref/escalate', allow: AGENTS,
    request: async (f) => {
      await groupOf(f, 2);
      return { url: `/api/v1/tickets/${(await f.ticket()).id}/escalate`, body: { toLevel: 2, ...handoff } };
    },
  },
  {
    route: 'POST /api/v1/tickets/:ref/deescalate', allow: AGENTS,
    request: async (f) => {
      await groupOf(f, 1);
      return { url: `/api/v1/tickets/${(await escalated(f)).id}/deescalate`, body: { toLevel: 1, note: 'Решается на первой линии' } };
    },
  },
  { route: 'GET /api/v1/tickets/:ref/escalations', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await escalated(f)).id}/escalations` }) },
  { route: 'GET /api/v1/escalation-rules', allow: LEADS, request: () => ({ url: '/api/v1/escalation-rules' }) },
  {
    route: 'POST /api/v1/escalation-rules', allow: ADMINS,
    request: () => ({ url: '/api/v1/escalation-rules', body: { name: 'Нарушенное обещание', trigger: 'broken_promise', action: 'notify_lead' } }),
  },
  { route: 'PATCH /api/v1/escalation-rules/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/escalation-rules/${await rule(f)}`, body: { active: false } }) },
  { route: 'DELETE /api/v1/escalation-rules/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/escalation-rules/${await rule(f)}` }) },
  {
    route: 'PUT /api/v1/tickets/:ref/third-party', allow: AGENTS,
    request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/third-party`, body: { name: 'ООО «Провайдер»', followUpAt: later() } }),
  },
  {
    route: 'DELETE /api/v1/tickets/:ref/third-party', allow: AGENTS,
    request: async (f) => {
      const t = await f.ticket();
      await f.admin.put(`/api/v1/tickets/${t.id}/third-party`, { name: 'Банк' });
      return { url: `/api/v1/tickets/${t.id}/third-party` };
    },
  },
  { route: 'POST /api/v1/tickets/:ref/snooze', allow: AGENTS, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/snooze`, body: { until: later() } }) },
  {
    route: 'DELETE /api/v1/tickets/:ref/snooze', allow: AGENTS,
    request: async (f) => {
      const t = await f.ticket();
      await f.admin.post(`/api/v1/tickets/${t.id}/snooze`, { until: later() });
      return { url: `/api/v1/tickets/${t.id}/snooze` };
    },
  },
] satisfies AccessCase[];
