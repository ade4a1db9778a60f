// Merge through HTTP, with pg-boss running so the notification jobs go end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup({ jobs: true });
  agent = await ctx.as('agent');
});
after(() => ctx.close());

const messages = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/messages`)).body.items as { id: string; bodyText: string }[];
const events = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/events?limit=200`)).body.items as { kind: string; data: Record<string, unknown> }[];

/** Polls the outbox until a row matches (jobs run asynchronously), up to ~10 s. */
async function waitForMail(where: { kind: string; ticketId: string }) {
  for (let i = 0; i < 100; i++) {
    const row = await ctx.deps.db.selectFrom('outbox').selectAll().where('kind', '=', where.kind).where('ticket_id', '=', where.ticketId).executeTakeFirst();
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('merge', () => {
  test('moves messages, attachments, tags, followers and search words; closes the source', async () => {
    const follower = await ctx.createUser('light_agent');
    const a = await makeTicket(agent, { tags: ['mail', 'vip'], message: { body: 'Проблема с шлюзомзебра на сервере' } });
    const up = await agent.req('POST', '/api/v1/attachments?filename=log.txt', { raw: 'log line', headers: { 'content-type': 'text/plain' } });
    assert.equal(up.status, 201);
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/messages`, { kind: 'note', body: 'лог во вложении', attachmentIds: [up.body.id] })).status, 201);
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/followers`, { userId: follower.id })).status, 201);
    const b = await makeTicket(agent, { tags: ['mail', 'billing'] });
    const before = { a: (await agent.get(`/api/v1/tickets/${a.id}`)).body, b: (await agent.get(`/api/v1/tickets/${b.id}`)).body };

    const r = await agent.post(`/api/v1/tickets/${a.number}/merge`, { targetRef: b.number });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.messagesMoved, 2);
    assert.equal(r.body.source.status, 'closed');
    assert.equal(r.body.source.mergedIntoId, b.id);
    assert.ok(r.body.source.closedAt);
    assert.equal(r.body.source.version, before.a.version + 1);
    assert.equal(r.body.target.version, before.b.version + 1);
    assert.deepEqual(r.body.target.tags, ['mail', 'billing', 'vip']);

    assert.equal((await messages(a.id)).length, 0);
    const moved = await messages(b.id);
    assert.equal(moved.length, 3);
    assert.ok(moved.some((m) => m.bodyText.includes('шлюзомзебра')));
    const att = await ctx.deps.db.selectFrom('attachments').select('ticket_id').where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.equal(att.ticket_id, b.id);
    const fol = (await agent.get(`/api/v1/tickets/${b.id}/followers`)).body.items;
    assert.deepEqual(fol.map((f: { userId: string }) => f.userId), [follower.id]);
    const hit = await ctx.deps.db.selectFrom('tickets').select('id')
      .where(sql<boolean>`search @@ plainto_tsquery('russian', 'шлюзомзебра')`).execute();
    assert.deepEqual(hit.map((h) => h.id).sort(), [a.id, b.id].sort(), 'the target is found by the source words');

    const evA = (await events(a.id)).find((e) => e.kind === 'merged_into');
    const evB = (await events(b.id)).find((e) => e.kind === 'merged_from');
    assert.equal(evA?.data.targetNumber, b.number);
    assert.equal(evB?.data.sourceNumber, a.number);
  });

  test('a merged ticket refuses new messages and changes with 422', async () => {
    const a = await makeTicket(agent);
    const b = await makeTicket(agent);
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 200);
    const msg = await agent.post(`/api/v1/tickets/${a.id}/messages`, { body: 'ещё' });
    assert.equal(msg.status, 422);
    assert.equal(msg.body.code, 'invalid_state');
    const now = (await agent.get(`/api/v1/tickets/${a.id}`)).body;
    assert.equal((await agent.patch(`/api/v1/tickets/${a.id}`, { version: now.version, priority: 'high' })).status, 422);
  });

  test('refuses self, closed or merged targets, a merged source; unknown tickets are 404/400', async () => {
    const a = await makeTicket(agent);
    const b = await makeTicket(agent);
    const closed = await makeTicket(agent, { status: 'closed' });
    const self = await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: a.number });
    assert.equal(self.status, 422);
    assert.equal(self.body.code, 'invalid_state');
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: closed.id })).status, 422);
    assert.equal((await agent.post(`/api/v1/tickets/${closed.id}/merge`, { targetRef: a.id })).status, 422);
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 200);
    const again = await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id });
    assert.equal(again.status, 422, 'already merged');
    const c = await makeTicket(agent);
    assert.equal((await agent.post(`/api/v1/tickets/${c.id}/merge`, { targetRef: a.id })).status, 422, 'into a merged ticket');
    assert.equal((await messages(c.id)).length, 1, 'a refused merge moves nothing');

    assert.equal((await agent.post('/api/v1/tickets/SL-999999/merge', { targetRef: c.id })).status, 404);
    const noTarget = await agent.post(`/api/v1/tickets/${c.id}/merge`, { targetRef: 'SL-999999' });
    assert.equal(noTarget.status, 400);
    assert.equal(noTarget.body.errors[0].path, '/targetRef');
    assert.equal((await agent.post(`/api/v1/tickets/${c.id}/merge`, {})).status, 400);
  });

  test('is atomic: a failure late in the merge leaves both tickets as they were', async () => {
    const a = await makeTicket(agent, { tags: ['one'] });
    const b = await makeTicket(agent, { tags: ['two'] });
    // fault injection: the last write of the merge fails for this target only
    await sql.raw(`create function fail_merge() returns trigger language plpgsql as $$
      begin if new.kind = 'merged_from' and new.ticket_id = ${Number(b.id)} then raise exception 'injected'; end if; return new; end $$;
      create trigger fail_merge before insert on ticket_events for each row execute function fail_merge();`).execute(ctx.deps.db);
    try {
      const r = await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id });
      assert.equal(r.status, 500);
    } finally {
      await sql.raw('drop trigger fail_merge on ticket_events; drop function fail_merge();').execute(ctx.deps.db);
    }
    assert.equal((await messages(a.id)).length, 1);
    assert.equal((await messages(b.id)).length, 1);
    const now = (await agent.get(`/api/v1/tickets/${a.id}`)).body;
    assert.equal(now.status, 'new');
    assert.equal(now.mergedIntoId, null);
    assert.equal(now.version, 1);
    assert.deepEqual((await agent.get(`/api/v1/tickets/${b.id}`)).body.tags, ['two']);
  });

  test('two crossing merges at once: one wins, the other is refused, no deadlock', async () => {
    const a = await makeTicket(agent);
    const b = await makeTicket(agent);
    const other = await ctx.as('agent');
    const [x, y] = await Promise.all([
      agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id }),
      other.post(`/api/v1/tickets/${b.id}/merge`, { targetRef: a.id }),
    ]);
    assert.deepEqual([x.status, y.status].sort(), [200, 422]);
  });

  test('light agents and customers may not merge', async () => {
    const a = await makeTicket(agent);
    const b = await makeTicket(agent);
    const light = await ctx.as('light_agent');
    assert.equal((await light.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 403);
    const customer = await ctx.asCustomer();
    assert.equal((await customer.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 403);
    assert.equal((await ctx.anon().post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 401);
    assert.equal((await messages(a.id)).length, 1);
  });
});

describe('notification jobs (pg-boss running)', () => {
  test('notifyRequester mails the source requester that the request was merged', async () => {
    const quiet = await makeTicket(agent);
    const quietTarget = await makeTicket(agent);
    assert.equal((await agent.post(`/api/v1/tickets/${quiet.id}/merge`, { targetRef: quietTarget.id })).status, 200);
    const a = await makeTicket(agent, { requester: { email: 'merged@clients.test', name: 'Анна' }, language: 'ru' });
    const b = await makeTicket(agent);
    assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id, notifyRequester: true })).status, 200);
    const mail = await waitForMail({ kind: 'merged', ticketId: b.id });
    assert.ok(mail, 'an outbox row appears');
    assert.equal(mail.to_address, 'merged@clients.test');
    assert.match(mail.subject, new RegExp(`${a.number} объединено с ${b.number}`));
    const none = await ctx.deps.db.selectFrom('outbox').select('id').where('kind', '=', 'merged').where('ticket_id', '=', quietTarget.id).execute();
    assert.equal(none.length, 0, 'no mail without notifyRequester');
  });

  test('assigning a ticket to another agent mails them', async () => {
    const other = await ctx.createUser('agent', { email: 'assignee@agents.test' });
    const t = await makeTicket(agent);
    const r = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 1, assigneeId: other.id });
    assert.equal(r.status, 200);
    const mail = await waitForMail({ kind: 'assigned', ticketId: t.id });
    assert.ok(mail, 'an outbox row appears');
    assert.equal(mail.to_address, 'assignee@agents.test');
    assert.match(mail.subject, new RegExp(t.number));
  });
});
