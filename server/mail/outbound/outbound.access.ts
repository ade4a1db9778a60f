import { ADMINS, LEADS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

/** A failed outbox row of a new ticket (inserted directly: the matrix runs without jobs). */
async function failedMail(f: Fixture): Promise<string> {
  const t = await f.ticket();
  const r = await f.ctx.deps.db
    .insertInto('outbox')
    .values({ to_address: 'x@access.test', subject: 's', body_text: 'b', kind: 'reply', ticket_id: t.id, status: 'failed', permanent: true, last_error: '550 no' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export default [
  { route: 'GET /api/v1/tickets/:ref/mail', allow: STAFF, request: async (f) => ({ url: `/api/v1/tickets/${(await f.ticket()).id}/mail` }) },
  { route: 'GET /api/v1/mail/outbox', allow: LEADS, request: () => ({ url: '/api/v1/mail/outbox?status=failed' }) },
  { route: 'POST /api/v1/mail/outbox/:id/retry', allow: ADMINS, request: async (f) => ({ url: `/api/v1/mail/outbox/${await failedMail(f)}/retry`, body: {} }) },
] satisfies AccessCase[];
