import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let l2: Client & { userId: string }; // an L2 agent in the L2 group
let lead2: Client & { userId: string }; // the L2 group's lead
const groups: Record<string, string> = {};

async function group(name: string, level: number, members: string[]): Promise<string> {
  const db = ctx.deps.db;
  const g = await db.insertInto('groups').values({ name, level, created_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  if (members.length) await db.insertInto('group_members').values(members.map((u) => ({ group_id: g.id, user_id: u }))).execute();
  return g.id;
}

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  l2 = await ctx.as('agent', { level: 2 });
  lead2 = await ctx.as('lead', { level: 2 });
  groups.l1 = await group('Первая линия', 1, [agent.userId]);
  groups.l2 = await group('Вторая линия', 2, [l2.userId, lead2.userId]);
  groups.l2b = await group('Вторая линия: сети', 2, []);
  groups.l3 = await group('Третья линия', 3, []);
});
after(() => ctx.close());

const handoff = {
  summary: 'Роутер не раздаёт интернет после обновления прошивки',
  tried: ['перезагрузил роутер', 'сбросил настройки'],
  needed: 'Проверить прошивку на стороне оборудования',
};

async function ticketRow(id: string) {
  return ctx.deps.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function upload(c: Client, name: string): Promise<string> {
  const r = await c.req('POST', `/api/v1/attachments?filename=${name}`, { raw: `log ${name}`, headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}

describe('escalation handoff', () => {
  test("the draft is prefilled: subject and the customer's words, the analyzer's tried steps, next-level groups, attachments", async () => {
    const t = await makeTicket(agent, {
      subject: 'Нет интернета', groupId: groups.l1,
      message: { body: 'Я уже перезагружал роутер и сбрасывал настройки. Интернета всё равно нет.' },
    });
    const stored = await ctx.deps.db.selectFrom('messages').select(['analysis', 'author_type']).where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(stored.author_type, 'customer');
    const found = (stored.analysis as { tried_steps: string[] }).tried_steps;
    assert.deepEqual(found, ['перезагрузил роутер', 'сбросил настройки'], 'the analyzer finds both steps');
    // a second customer message adds a step (the union, each step once)
    await ctx.deps.db.insertInto('messages').values({
      ticket_id: t.id, author_type: 'customer', author_customer_id: t.requester.id, body_text: 'Ещё раз перезагрузил роутер, поменял кабель.',
      created_at: new Date(), analysis: JSON.stringify({ tried_steps: ['перезагрузил роутер', 'поменял кабель'] }),
    }).execute();
    const att = await upload(agent, 'router.log');
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'лог', attachmentIds: [att] })).status, 201);

    const r = await agent.get(`/api/v1/tickets/${t.id}/escalation-draft`);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.level, 1);
    assert.equal(r.body.nextLevel, 2);
    assert.deepEqual(r.body.tried, ['перезагрузил роутер', 'сбросил настройки', 'поменял кабель']);
    assert.ok(r.body.summary.startsWith('Нет интернета\n\n'), r.body.summary);
    assert.ok(r.body.summary.includes('Ещё раз перезагрузил роутер'), 'the last customer message');
    assert.deepEqual(r.body.candidateGroups.map((g: { id: string }) => g.id), [groups.l2, groups.l2b]);
    assert.deepEqual(r.body.attachments.map((a: { id: string; filename: string }) => [a.id, a.filename]), [[att, 'router.log']]);
  });

  test('a long customer message is cut to a gist of about 300 characters', async () => {
    const long = 'Слово '.repeat(200);
    const t = await makeTicket(agent, { subject: 'Длинное письмо', message: { body: long } });
    const r = await agent.get(`/api/v1/tickets/${t.id}/escalation-draft`);
    const gist = r.body.summary.split('\n\n')[1] as string;
    assert.ok(gist.length <= 301 && gist.length > 250, `${gist.length}`);
    assert.ok(gist.endsWith('…'));
  });

  test('handoff validation: required fields, levels, groups, assignee level, attachments, notice time', async () => {
    const t = await makeTicket(agent, { groupId: groups.l1, assigneeId: agent.userId });
    const other = await makeTicket(agent);
    const foreign = await upload(agent, 'other.log');
    await agent.post(`/api/v1/tickets/${other.id}/messages`, { kind: 'note', body: 'чужой лог', attachmentIds: [foreign] });
    const url = `/api/v1/tickets/${t.id}/escalate`;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ toLevel: 2, tried: handoff.tried, needed: handoff.needed }, 400, '/summary'],
      [{ ...handoff, toLevel: 2, summary: 'коротко' }, 400, '/summary'],
      [{ ...handoff, toLevel: 2, tried: [] }, 400, '/tried'],
      [{ toLevel: 2, summary: handoff.summary, tried: handoff.tried }, 400, '/needed'],
      [{ ...handoff, toLevel: 4 }, 400, '/toLevel'],
      [{ ...handoff, toLevel: 1 }, 400, '/toLevel'],
      [{ ...handoff, toLevel: 2, toGroupId: groups.l3 }, 422, '/toGroupId'],
      [{ ...handoff, toLevel: 2, toGroupId: groups.l1 }, 422, '/toGroupId'],
      [{ ...handoff, toLevel: 2, assigneeId: agent.userId }, 422, '/assigneeId'],
      [{ ...handoff, toLevel: 3, assigneeId: l2.userId }, 422, '/assigneeId'],
      [{ ...handoff, toLevel: 2, attachmentIds: [foreign] }, 422, '/attachmentIds/0'],
      [{ ...handoff, toLevel: 2, customerNotice: { text: 'Передали специалистам', dueAt: new Date(Date.now() - 60_000).toISOString() } }, 422, '/customerNotice/dueAt'],
    ];
    for (const [body, status, path] of cases) {
      const r = await agent.post(url, body);
      assert.equal(r.status, status, `${path}: ${r.raw}`);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      assert.ok(r.body.errors.some((e: { path: string }) => e.path.startsWith(path)), `${path} in ${JSON.stringify(r.body.errors)}`);
    }
    const row = await ticketRow(t.id);
    assert.deepEqual([row.level, row.group_id, row.assignee_id], [1, groups.l1, agent.userId], 'nothing changed');
    const n = await ctx.deps.db.selectFrom('escalations').select((eb) => eb.fn.countAll<string>().as('n')).where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
    // a level without any group
    await ctx.deps.db.updateTable('groups').set({ level: 1 }).where('id', '=', groups.l3).execute();
    const none = await agent.post(url, { ...handoff, toLevel: 3 });
    assert.equal(none.status, 422, none.raw);
    assert.equal(none.body.errors[0].path, '/toLevel');
    await ctx.deps.db.updateTable('groups').set({ level: 3 }).where('id', '=', groups.l3).execute();
    // light agents may not escalate
    const light = await ctx.as('light_agent');
    assert.equal((await light.post(url, { ...handoff, toLevel: 2 })).status, 403);
  });

  test('escalation with a customer notice: one transaction moves the ticket, replies, promises, notifies', async () => {
    const t = await makeTicket(agent, { groupId: groups.l1, assigneeId: agent.userId, status: 'pending_customer' });
    const att = await upload(agent, 'trace.txt');
    await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'трассировка', attachmentIds: [att] });
    const dueAt = new Date(Date.now() + 2 * 86_400_000);
    dueAt.setUTCMilliseconds(0);
    const r = await agent.post(`/api/v1/tickets/${t.id}/escalate`, {
      ...handoff, toLevel: 2, attachmentIds: [att],
      customerNotice: { text: 'Мы передали ваш вопрос инженерам второй линии. Ответим до четверга.', dueAt: dueAt.toISOString() },
    });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.ticket.level, 2);
    assert.equal(r.body.ticket.groupId, groups.l2, 'the first group of the level');
    assert.equal(r.body.ticket.assigneeId, null, 'the assignee is cleared');
    assert.equal(r.body.ticket.status, 'open');

    const row = await ticketRow(t.id);
    assert.deepEqual([row.level, row.group_id, row.assignee_id, row.status], [2, groups.l2, null, 'open']);
    assert.ok(row.version > t.version);
    const e = await ctx.deps.db.selectFrom('escalations').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual([e.kind, e.from_level, e.to_level, e.from_group_id, e.to_group_id], ['escalate', 1, 2, groups.l1, groups.l2]);
    assert.deepEqual([e.summary, e.tried, e.needed, e.attachment_ids.map(String), e.created_by], [handoff.summary, handoff.tried, handoff.needed, [att], agent.userId]);
    // the notice: a public reply (mailed) and a promise with that due time, linked to the escalation
    const msg = await ctx.deps.db.selectFrom('messages').selectAll().where('id', '=', r.body.messageId).executeTakeFirstOrThrow();
    assert.deepEqual([msg.kind, msg.author_type, msg.body_text], ['reply', 'agent', 'Мы передали ваш вопрос инженерам второй линии. Ответим до четверга.']);
    assert.ok(await ctx.deps.db.selectFrom('outbox').select('id').where('ticket_message_id', '=', msg.id).executeTakeFirst(), 'the reply is mailed');
    const p = await ctx.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.deepEqual([p.source, String(p.message_id), new Date(p.due_at).toISOString(), p.state, p.visible_to_customer], ['escalation', msg.id, dueAt.toISOString(), 'open', true]);
    assert.equal(e.promise_id, p.id);
    assert.equal(r.body.escalation.promiseId, p.id);
    // history event
    const ev = await ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', t.id).where('kind', '=', 'escalated').executeTakeFirstOrThrow();
    assert.equal((ev.data as { escalationId: string }).escalationId, e.id);
    assert.deepEqual((ev.data as { changes: Record<string, unknown> }).changes.level, [1, 2]);
    // the target group's members and lead are told, once each, never the agent who escalated
    const notes = await ctx.deps.db.selectFrom('notifications').select(['user_id', 'dedupe_key', 'kind']).where('ticket_id', '=', t.id).where('kind', '=', 'escalated').orderBy('user_id').execute();
    assert.deepEqual(notes.map((n) => [n.user_id, n.dedupe_key]), [l2.userId, lead2.userId].sort((a, b) => Number(a) - Number(b)).map((u) => [u, `escalation:${e.id}:${u}`]));
  });

  test('escalation to a named agent of the level; the default group is the first one of the level', async () => {
    const t = await makeTicket(agent, { groupId: groups.l1 });
    const r = await agent.post(`/api/v1/tickets/${t.id}/escalate`, { ...handoff, toLevel: 2, toGroupId: groups.l2b, assigneeId: l2.userId });
    assert.equal(r.status, 201, r.raw);
    const row = await ticketRow(t.id);
    assert.deepEqual([row.level, row.group_id, row.assignee_id], [2, groups.l2b, l2.userId]);
    const told = await ctx.deps.db.selectFrom('notifications').select('user_id').where('ticket_id', '=', t.id).where('kind', '=', 'escalated').execute();
    assert.ok(told.some((n) => n.user_id === l2.userId), 'the named assignee is told');
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/escalate`, { ...handoff, toLevel: 2 })).status, 422, 'already at level 2');
    assert.equal((await l2.post(`/api/v1/tickets/${t.id}/escalate`, { ...handoff, toLevel: 3 })).status, 201);
    assert.equal((await ticketRow(t.id)).group_id, groups.l3);
  });

  test('de-escalation needs a note and a lower level; the history lists both moves', async () => {
    const t = await makeTicket(agent, { groupId: groups.l1 });
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/escalate`, { ...handoff, toLevel: 2 })).status, 201);
    const url = `/api/v1/tickets/${t.id}/deescalate`;
    const noNote = await l2.post(url, { toLevel: 1 });
    assert.equal(noNote.status, 400);
    assert.equal(noNote.body.errors[0].path, '/note');
    assert.equal((await l2.post(url, { toLevel: 1, note: '   ' })).status, 400);
    const same = await l2.post(url, { toLevel: 2, note: 'Не наш вопрос' });
    assert.equal(same.status, 422);
    assert.equal(same.body.errors[0].path, '/toLevel');
    assert.equal((await l2.post(url, { toLevel: 1, note: 'x', toGroupId: groups.l2 })).status, 422);
    const ok = await l2.post(url, { toLevel: 1, note: 'Нужна настройка на стороне клиента, это первая линия' });
    assert.equal(ok.status, 201, ok.raw);
    const row = await ticketRow(t.id);
    assert.deepEqual([row.level, row.group_id], [1, groups.l1]);
    const h = await agent.get(`/api/v1/tickets/${t.id}/escalations`);
    assert.equal(h.status, 200);
    assert.deepEqual(h.body.items.map((x: { kind: string; fromLevel: number; toLevel: number; note: string }) => [x.kind, x.fromLevel, x.toLevel, x.note]),
      [['escalate', 1, 2, ''], ['deescalate', 2, 1, 'Нужна настройка на стороне клиента, это первая линия']]);
    assert.equal((await ctx.deps.db.selectFrom('ticket_events').select('id').where('ticket_id', '=', t.id).where('kind', '=', 'deescalated').execute()).length, 1);
    assert.equal((await agent.get('/api/v1/tickets/999999/escalations')).status, 404);
  });
});
