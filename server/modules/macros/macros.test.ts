import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, makeTicket, setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let lead: Client & { userId: string };

before(async () => {
  ctx = await setup();
  const u = await ctx.createUser('agent', { name: 'Мария Агентова' });
  agent = Object.assign(new Client(ctx.app), { userId: u.id });
  assert.equal((await agent.login(u.email)).status, 200);
  lead = await ctx.as('lead');
});
after(() => ctx.close());

const macro = async (c: Client, body: Record<string, unknown>) => {
  const r = await c.post('/api/v1/macros', body);
  assert.equal(r.status, 201, r.raw);
  return r.body as { id: string };
};
const apply = (c: Client, ticket: string, id: string, body: Record<string, unknown>) => c.post(`/api/v1/tickets/${ticket}/macros/${id}/apply`, body);
const eventKinds = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/events`)).body.items.map((e: { kind: string }) => e.kind);
const messageCount = async (id: string) => (await agent.get(`/api/v1/tickets/${id}/messages`)).body.items.length;

describe('macro rendering', () => {
  test('fills variables with Cyrillic values, escapes them, keeps and reports unknown ones', async () => {
    await ctx.deps.db.insertInto('organizations').values({ name: 'ООО «Ромашка» & Co', domains: ['romashka-m.test'] }).execute();
    const t = await makeTicket(agent, { subject: 'Счёт <script>x</script>', requester: { email: 'ivan@romashka-m.test', name: 'Иван <b>Петров</b>' } });
    const m = await macro(agent, {
      name: 'Приветствие',
      body: '<p>Здравствуйте, {{customer.name}}!</p><p>Обращение {{ticket.number}} «{{ ticket.subject }}»: {{ticket.status}}.</p>'
        + '<p>{{agent.name}}, {{organization.name}}, {{customer.email}} {{ticket.foo}} {{unknown}}</p>',
    });
    const r = await apply(agent, t.number, m.id, { version: t.version });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.body,
      '<p>Здравствуйте, Иван &lt;b&gt;Петров&lt;/b&gt;!</p>'
      + `<p>Обращение ${t.number} «Счёт &lt;script&gt;x&lt;/script&gt;»: Новое.</p>`
      + '<p>Мария Агентова, ООО «Ромашка» &amp; Co, ivan@romashka-m.test {{ticket.foo}} {{unknown}}</p>');
    assert.deepEqual(r.body.unknownVariables, ['ticket.foo', 'unknown']);
    assert.equal(r.body.message, null, 'not sent: the agent edits it first');
    assert.equal(r.body.ticket.version, t.version, 'a macro without actions changes nothing');
    assert.equal(await messageCount(t.id), 1);
    assert.ok((await eventKinds(t.id)).includes('macro_applied'));
  });

  test('values are inserted once, never read again as templates', async () => {
    const t = await makeTicket(agent, { subject: '{{agent.name}}' });
    const m = await macro(agent, { name: 'Тема', body: 'Тема: {{ticket.subject}}' });
    const r = await apply(agent, t.id, m.id, { version: 1 });
    assert.equal(r.body.body, 'Тема: {{agent.name}}');
    assert.deepEqual(r.body.unknownVariables, []);
  });

  test('the stored body is sanitized', async () => {
    const m = await agent.post('/api/v1/macros', { name: 'XSS', body: '<p onclick="x()">Hi<script>alert(1)</script> {{customer.name}}</p>' });
    assert.equal(m.body.body, '<p>Hi {{customer.name}}</p>');
  });
});

describe('applying actions', () => {
  test('send=true replies publicly, then runs the actions through the normal update (history, version)', async () => {
    const t = await makeTicket(agent, { tags: ['old', 'keep'] });
    const m = await macro(agent, {
      name: 'Ждём ответа', body: 'Уточните, пожалуйста, номер договора, {{customer.name}}.',
      actions: { status: 'pending_customer', priority: 'high', assigneeId: 'me', addTags: ['macro'], removeTags: ['old'] },
    });
    const stale = await apply(agent, t.id, m.id, { version: t.version + 5, send: true });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, t.version);
    assert.equal(await messageCount(t.id), 1, 'a stale apply sends nothing');

    const r = await apply(agent, t.id, m.id, { version: t.version, send: true });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.message.kind, 'reply');
    assert.equal(r.body.message.bodyText, 'Уточните, пожалуйста, номер договора, Иван Петров.');
    assert.equal(r.body.ticket.status, 'pending_customer');
    assert.equal(r.body.ticket.priority, 'high');
    assert.equal(r.body.ticket.assigneeId, agent.userId);
    assert.deepEqual(r.body.ticket.tags, ['keep', 'macro']);
    assert.equal(r.body.ticket.version, t.version + 2);
    assert.equal(r.headers.etag, `"${t.version + 2}"`);
    assert.ok(r.body.ticket.firstResponseAt);
    assert.equal(await messageCount(t.id), 2);
    assert.deepEqual((await eventKinds(t.id)).slice(1), ['message_added', 'updated', 'macro_applied']);
  });

  test('reply and close in one click', async () => {
    const t = await makeTicket(agent);
    const m = await macro(agent, { name: 'Закрыть', body: 'Всего доброго!', actions: { status: 'closed' } });
    const r = await apply(agent, t.id, m.id, { version: 1, send: true });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.ticket.status, 'closed');
    assert.equal(await messageCount(t.id), 2);
    assert.equal((await apply(agent, t.id, m.id, { version: r.body.ticket.version })).status, 422, 'closed tickets take no macros');
  });

  test('a failing action undoes the reply too', async () => {
    const helper = await ctx.createUser('agent');
    const t = await makeTicket(agent);
    const m = await macro(agent, { name: 'Передать', body: 'Передаю коллеге.', actions: { assigneeId: helper.id } });
    await ctx.deps.db.updateTable('users').set({ active: false }).where('id', '=', helper.id).execute();
    const r = await apply(agent, t.id, m.id, { version: 1, send: true });
    assert.equal(r.status, 400);
    assert.equal(await messageCount(t.id), 1);
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}`)).body.version, 1);
    assert.ok(!(await eventKinds(t.id)).includes('macro_applied'));
  });

  test('validation and 404s', async () => {
    const t = await makeTicket(agent);
    const m = await macro(agent, { name: 'Простой', body: 'Ок' });
    assert.equal((await apply(agent, t.id, m.id, {})).status, 400, 'version is required');
    assert.equal((await apply(agent, t.id, m.id, { version: 1, send: 'yes' })).status, 400);
    assert.equal((await apply(agent, 'SL-999999', m.id, { version: 1 })).status, 404);
    assert.equal((await apply(agent, t.id, '999999', { version: 1 })).status, 404);
    await agent.patch(`/api/v1/macros/${m.id}`, { active: false });
    assert.equal((await apply(agent, t.id, m.id, { version: 1 })).status, 404, 'inactive macros cannot be applied');
    const others = await macro(lead, { name: 'Чужой', body: 'x' });
    assert.equal((await apply(agent, t.id, others.id, { version: 1 })).status, 404, "someone else's personal macro");
    const light = await ctx.as('light_agent');
    const shared = await macro(lead, { name: 'Общий', body: 'x', shared: true });
    assert.equal((await apply(light, t.id, shared.id, { version: 1 })).status, 403);
  });
});

describe('managing macros', () => {
  test('create validates actions', async () => {
    const bad = [
      { name: 'x', actions: { status: 'bogus' } },
      { name: 'x', actions: { reopen: true } },
      { name: 'x', actions: { addTags: ['no spaces'] } },
      { name: '', body: 'x' },
    ];
    for (const b of bad) assert.equal((await agent.post('/api/v1/macros', b)).status, 400, JSON.stringify(b));
    const light = await ctx.createUser('light_agent');
    const r = await agent.post('/api/v1/macros', { name: 'x', actions: { assigneeId: light.id } });
    assert.equal(r.status, 400, 'light agents cannot be assignees');
    assert.equal((await agent.post('/api/v1/macros', { name: 'x', actions: { groupId: '999999' } })).status, 400);
  });

  test('list: mine and shared, active unless asked, by name, paged', async () => {
    const c = await ctx.as('agent');
    await macro(c, { name: 'Б личный', body: '' });
    const off = await macro(c, { name: 'В выключенный', body: '' });
    await c.patch(`/api/v1/macros/${off.id}`, { active: false });
    await macro(lead, { name: 'А общий', body: '', shared: true });
    await macro(lead, { name: 'Г чужой личный', body: '' });
    const names = async (url: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await c.get(`${url}${url.includes('?') ? '&' : '?'}limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.raw);
        out.push(...r.body.items.map((m: { name: string }) => m.name));
        cursor = r.body.nextCursor;
      } while (cursor);
      return out.filter((n) => /^[А-Г] /.test(n));
    };
    assert.deepEqual(await names('/api/v1/macros'), ['А общий', 'Б личный']);
    assert.deepEqual(await names('/api/v1/macros?includeInactive=true'), ['А общий', 'Б личный', 'В выключенный']);
  });

  test("shared macros need lead rights; others' personal macros are 404", async () => {
    assert.equal((await agent.post('/api/v1/macros', { name: 'Общий', shared: true })).status, 403);
    const shared = await macro(lead, { name: 'Общий', body: 'Привет', shared: true });
    assert.equal((await agent.patch(`/api/v1/macros/${shared.id}`, { name: 'Мой' })).status, 403);
    assert.equal((await agent.del(`/api/v1/macros/${shared.id}`)).status, 403);
    const upd = await lead.patch(`/api/v1/macros/${shared.id}`, { body: 'Добрый день', actions: { priority: 'low' } });
    assert.equal(upd.status, 200);
    assert.deepEqual([upd.body.body, upd.body.actions, upd.body.shared], ['Добрый день', { priority: 'low' }, true]);

    const mine = await macro(agent, { name: 'Мой', body: 'x' });
    assert.equal((await lead.patch(`/api/v1/macros/${mine.id}`, { name: 'Чужой' })).status, 404);
    assert.equal((await lead.del(`/api/v1/macros/${mine.id}`)).status, 404);
    assert.equal((await agent.patch(`/api/v1/macros/${mine.id}`, {})).status, 400);
    assert.equal((await agent.patch(`/api/v1/macros/${mine.id}`, { actions: { priority: 'extreme' } })).status, 400);
    assert.equal((await agent.del(`/api/v1/macros/${mine.id}`)).status, 200);
    assert.equal((await agent.del(`/api/v1/macros/${mine.id}`)).status, 404);
    assert.equal((await lead.del(`/api/v1/macros/${shared.id}`)).status, 200);

    const light = await ctx.as('light_agent');
    assert.equal((await light.get('/api/v1/macros')).status, 403);
    assert.equal((await light.post('/api/v1/macros', { name: 'x' })).status, 403);
    const customer = await ctx.asCustomer();
    assert.equal((await customer.get('/api/v1/macros')).status, 403);
    assert.equal((await ctx.anon().get('/api/v1/macros')).status, 401);
  });
});
