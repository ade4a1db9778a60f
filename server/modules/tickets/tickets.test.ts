import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

describe('create ticket', () => {
  test('creates ticket, first message, customer and history in one go', async () => {
    const t = await makeTicket(agent, { tags: ['Mail', 'mail', 'urgent-ish'], priority: 'high' });
    assert.match(t.number, /^SL-\d{5,}$/);
    assert.equal(t.status, 'new');
    assert.equal(t.priority, 'high');
    assert.deepEqual(t.tags, ['mail', 'urgent-ish']);
    assert.equal(t.requester.name, 'Иван Петров');
    assert.equal(t.requester.stage, 'new');
    const msgs = await agent.get(`/api/v1/tickets/${t.number}/messages`);
    assert.equal(msgs.status, 200);
    assert.equal(msgs.body.items.length, 1);
    assert.equal(msgs.body.items[0].author.type, 'customer');
    const ev = await agent.get(`/api/v1/tickets/${t.id}/events`);
    assert.deepEqual(ev.body.items.map((e: { kind: string }) => e.kind), ['created']);
    const row = await ctx.deps.db.selectFrom('customer_emails').selectAll().where('customer_id', '=', t.requester.id).execute();
    assert.equal(row.length, 1);
  });

  test('numbers are sequential and carry the configured prefix', async () => {
    const a = await makeTicket(agent);
    const b = await makeTicket(agent);
    assert.equal(Number(b.number.slice(3)), Number(a.number.slice(3)) + 1);
  });

  test('same requester e-mail reuses the customer and links the organization by domain', async () => {
    await ctx.deps.db.insertInto('organizations').values({ name: 'Ромашка', domains: ['romashka.test'] }).execute();
    const a = await makeTicket(agent, { requester: { email: 'Olga@Romashka.test', name: 'Ольга' } });
    const b = await makeTicket(agent, { requester: { email: 'olga@romashka.test' } });
    assert.equal(a.requester.id, b.requester.id);
    assert.ok(a.organizationId);
    assert.equal(a.organizationId, b.organizationId);
  });

  test('HTML bodies are sanitized, text bodies escaped', async () => {
    const t = await makeTicket(agent, { message: { body: '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:evil()">x</a><img src="http://track.example/p.gif"></p>', format: 'html' } });
    const m = (await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items[0];
    assert.doesNotMatch(m.bodyHtml, /script|onclick|javascript|track\.example/);
    assert.equal(m.bodyText, 'Hix');
    const t2 = await makeTicket(agent, { message: { body: '<b>not html</b>\nline 2' } });
    const m2 = (await agent.get(`/api/v1/tickets/${t2.id}/messages`)).body.items[0];
    assert.equal(m2.bodyHtml, '<p>&lt;b&gt;not html&lt;/b&gt;<br>line 2</p>');
  });

  test('invalid input gets problem+json with the failing path', async () => {
    const r = await agent.post('/api/v1/tickets', { subject: '', requester: { email: 'not-an-email' }, message: { body: 'x' } });
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /application\/problem\+json/);
    assert.equal(r.body.code, 'validation_failed');
    assert.ok(r.body.errors.length >= 1);
    const bad = await agent.post('/api/v1/tickets', { subject: 'x', requester: { id: '999999' }, message: { body: 'x' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, '/requester/id');
    const g = await ctx.deps.db.insertInto('groups').values({ name: 'Биллинг' }).returning('id').executeTakeFirstOrThrow();
    const inGroup = await agent.post('/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test' }, message: { body: 'x' }, groupId: g.id });
    assert.equal(inGroup.status, 201);
    assert.equal(inGroup.body.groupId, g.id);
    // a known requester takes the one-statement path, where the group's foreign key is the check
    const badGroup = await agent.post('/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test' }, message: { body: 'x' }, groupId: '424242' });
    assert.equal(badGroup.status, 400);
    assert.equal(badGroup.body.errors[0].path, '/groupId');
    const badAssignee = await agent.post('/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test' }, message: { body: 'x' }, assigneeId: '424242' });
    assert.equal(badAssignee.body.code, 'validation_failed');
  });

  test('Idempotency-Key: a retried create makes one ticket; a different body is refused', async () => {
    const body = { subject: 'Retry me', requester: { email: 'retry@clients.test' }, message: { body: 'once' } };
    const before = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const [a, b] = await Promise.all([
      agent.post('/api/v1/tickets', body, { 'idempotency-key': 'k-1' }),
      agent.post('/api/v1/tickets', body, { 'idempotency-key': 'k-1' }),
    ]);
    const c = await agent.post('/api/v1/tickets', body, { 'idempotency-key': 'k-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(a.body.id, b.body.id);
    assert.equal(c.body.id, a.body.id);
    assert.equal(c.headers['idempotent-replayed'], 'true');
    const afterN = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterN.n), Number(before.n) + 1);
    const d = await agent.post('/api/v1/tickets', { ...body, subject: 'Other' }, { 'idempotency-key': 'k-1' });
    assert.equal(d.status, 422);
    assert.equal(d.body.code, 'idempotency_key_reused');
  });
});

describe('update ticket', () => {
  test('needs a version; a stale version is refused with 412 and nothing changes', async () => {
    const t = await makeTicket(agent);
    const none = await agent.patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent' });
    assert.equal(none.status, 428);
    const ok = await agent.patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent' }, { 'if-match': '"1"' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.version, 2);
    assert.equal(ok.headers.etag, '"2"');
    const stale = await agent.patch(`/api/v1/tickets/${t.id}`, { priority: 'low' }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'version_conflict');
    assert.equal(stale.body.currentVersion, 2);
    const now = await agent.get(`/api/v1/tickets/${t.id}`);
    assert.equal(now.body.priority, 'urgent');
  });

  test('two agents updating at once: exactly one wins', async () => {
    const t = await makeTicket(agent);
    const other = await ctx.as('agent');
    const [a, b] = await Promise.all([
      agent.patch(`/api/v1/tickets/${t.id}`, { status: 'open', version: 1 }),
      other.patch(`/api/v1/tickets/${t.id}`, { status: 'on_hold', version: 1 }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 412]);
  });

  test('records each change in the history with old and new values', async () => {
    const t = await makeTicket(agent, { tags: ['a'] });
    const r = await agent.patch(`/api/v1/tickets/${t.number}`, { version: 1, assigneeId: agent.userId, addTags: ['b'], removeTags: ['a'] });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'open', 'assigning a new ticket opens it');
    const ev = (await agent.get(`/api/v1/tickets/${t.id}/events`)).body.items;
    const upd = ev.find((e: { kind: string }) => e.kind === 'updated');
    assert.deepEqual(upd.data.changes.tags, [['a'], ['b']]);
    assert.deepEqual(upd.data.changes.assigneeId, [null, agent.userId]);
    assert.equal(upd.actor.id, agent.userId);
  });

  test('history is append-only in the database', async () => {
    const t = await makeTicket(agent);
    await assert.rejects(ctx.deps.db.deleteFrom('ticket_events').where('ticket_id', '=', t.id).execute(), /append-only/);
    await assert.rejects(ctx.deps.db.updateTable('ticket_events').set({ kind: 'x' }).where('ticket_id', '=', t.id).execute(), /append-only/);
  });

  test('solving stamps solved_at; reopening clears it; closed is final', async () => {
    const t = await makeTicket(agent);
    const s = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 1, status: 'solved' });
    assert.ok(s.body.solvedAt);
    const o = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 2, status: 'open' });
    assert.equal(o.body.solvedAt, null);
    const c = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 3, status: 'closed' });
    assert.ok(c.body.closedAt);
    const again = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 4, status: 'open' });
    assert.equal(again.status, 422);
    assert.equal(again.body.code, 'invalid_state');
  });

  test('unknown tickets are 404 whether by id or number', async () => {
    assert.equal((await agent.get('/api/v1/tickets/987654')).status, 404);
    assert.equal((await agent.get('/api/v1/tickets/SL-987654')).status, 404);
    assert.equal((await agent.get('/api/v1/tickets/XX-10000')).status, 404);
  });
});

describe('replies and notes', () => {
  test('a reply sets first response and opens a new ticket; a note does not', async () => {
    const t = await makeTicket(agent);
    const n = await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'внутренняя заметка' });
    assert.equal(n.status, 201);
    let now = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
    assert.equal(now.firstResponseAt, null);
    assert.equal(now.status, 'new');
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Проверяем', status: 'pending_customer' });
    assert.equal(r.status, 201);
    now = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
    assert.ok(now.firstResponseAt);
    assert.equal(now.status, 'pending_customer');
    assert.equal(now.version, 3);
  });

  test('a light agent may add notes but not replies or updates', async () => {
    const t = await makeTicket(agent);
    const light = await ctx.as('light_agent');
    assert.equal((await light.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'ok' })).status, 201);
    assert.equal((await light.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'reply', body: 'no' })).status, 403);
    assert.equal((await light.patch(`/api/v1/tickets/${t.id}`, { version: 1, priority: 'low' })).status, 403);
  });
});

describe('list', () => {
  test('keyset pages walk every ticket once, sorted by priority then update', async () => {
    for (let i = 0; i < 7; i++) await makeTicket(agent, { priority: ['low', 'normal', 'high', 'urgent'][i % 4], tags: ['paging'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    const prio: string[] = [];
    do {
      const url: string = `/api/v1/tickets?tags=paging&sort=priority&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await agent.get(url);
      assert.equal(r.status, 200);
      for (const t of r.body.items) { seen.push(t.id); prio.push(t.priority); }
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    const rank = { low: 0, normal: 1, high: 2, urgent: 3 } as Record<string, number>;
    for (let i = 1; i < prio.length; i++) assert.ok(rank[prio[i - 1]] >= rank[prio[i]]);
  });

  test('a forged cursor is a validation error, not a crash', async () => {
    const forged = Buffer.from(JSON.stringify(['bogus', 'x', 'y'])).toString('base64url');
    const r = await agent.get(`/api/v1/tickets?sort=priority&cursor=${forged}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
  });
});
