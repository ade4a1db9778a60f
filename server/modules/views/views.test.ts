import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let lead: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
  lead = await ctx.as('lead');
});
after(() => ctx.close());

type View = { id: string; name: string; nameEn: string | null; shared: boolean; filters: Record<string, unknown>; sort: string };

/** Every id of a paginated list, walking the cursors. */
async function allIds(c: Client, url: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const r = await c.get(`${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.raw);
    ids.push(...r.body.items.map((t: { id: string }) => t.id));
    cursor = r.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('views', () => {
  test('two shared default views come first, with Russian and English names', async () => {
    const light = await ctx.as('light_agent');
    const r = await light.get('/api/v1/views');
    assert.equal(r.status, 200);
    const [unsolved, mine] = r.body.items as View[];
    assert.deepEqual([unsolved.name, unsolved.nameEn, unsolved.shared, unsolved.sort], ['Нерешённые', 'Unsolved', true, 'score']);
    assert.deepEqual(unsolved.filters.status, ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold']);
    assert.deepEqual([mine.name, mine.nameEn], ['Мои', 'Mine']);
    assert.deepEqual(mine.filters.assigneeId, ['me']);
  });

  test("a view's tickets are exactly GET /tickets with the same filters and sort", async () => {
    const prios = ['low', 'normal', 'high', 'urgent'];
    for (let i = 0; i < 9; i++) {
      await makeTicket(agent, { tags: i % 3 ? ['vt', 'mail'] : ['vt'], priority: prios[i % 4], status: i === 4 ? 'solved' : undefined });
    }
    const filters = { status: ['new', 'open', 'solved'], tags: ['vt'], priority: ['normal', 'high', 'urgent'] };
    for (const sort of ['priority', 'updated', 'created', 'oldest']) {
      const v = await agent.post('/api/v1/views', { name: `Проверка ${sort}`, filters, sort });
      assert.equal(v.status, 201, v.raw);
      const viaView = await allIds(agent, `/api/v1/views/${v.body.id}/tickets`);
      const viaList = await allIds(agent, `/api/v1/tickets?status=new,open,solved&tags=vt&priority=normal,high,urgent&sort=${sort}`);
      assert.ok(viaView.length >= 6);
      assert.deepEqual(viaView, viaList, sort);
    }
  });

  test('"Mine" shows each agent their own tickets', async () => {
    const other = await ctx.as('agent');
    const mineA = await makeTicket(agent, { assigneeId: agent.userId });
    const mineB = await makeTicket(agent, { assigneeId: other.userId });
    const id = ((await agent.get('/api/v1/views')).body.items as View[]).find((v) => v.nameEn === 'Mine')!.id;
    const a = await allIds(agent, `/api/v1/views/${id}/tickets`);
    const b = await allIds(other, `/api/v1/views/${id}/tickets`);
    assert.deepEqual(a, [mineA.id]);
    assert.deepEqual(b, [mineB.id]);
  });

  test('a view whose stored filters went invalid is listed as invalid; the others still work; its tickets are 422 until fixed', async () => {
    const good = await agent.post('/api/v1/views', { name: 'Хорошее', filters: { status: ['open'] }, sort: 'updated' });
    const bad = await agent.post('/api/v1/views', { name: 'Испорченное', filters: { status: ['open'] }, sort: 'updated' });
    assert.equal(bad.status, 201, bad.raw);
    // what a later change (a deleted field, an older release's filter) can leave behind
    await sql`update views set filters = '{"status": ["no_such_status"]}'::jsonb where id = ${bad.body.id}`.execute(ctx.deps.db);
    const list = await agent.get('/api/v1/views');
    assert.equal(list.status, 200, list.raw);
    const items = list.body.items as (View & { invalid: boolean })[];
    assert.deepEqual(items.filter((v) => [good.body.id, bad.body.id].includes(v.id)).map((v) => [v.name, v.invalid, v.filters]),
      [['Хорошее', false, { status: ['open'] }], ['Испорченное', true, {}]]);
    const counts = (await agent.get('/api/v1/views/counts')).body.items as { viewId: string; count: number }[];
    assert.equal(counts.find((c) => c.viewId === bad.body.id)?.count, 0);
    const t = await agent.get(`/api/v1/views/${bad.body.id}/tickets`);
    assert.equal(t.status, 422);
    assert.equal(t.body.code, 'invalid_state');
    // editing the filters repairs it
    const fixed = await agent.patch(`/api/v1/views/${bad.body.id}`, { filters: { status: ['new'] } });
    assert.equal(fixed.status, 200, fixed.raw);
    assert.equal(fixed.body.invalid, false);
    assert.equal((await agent.get(`/api/v1/views/${bad.body.id}/tickets`)).status, 200);
  });

  test('counts per view, capped at 10,000', async () => {
    const t = await makeTicket(agent, { tags: ['counted'] });
    await makeTicket(agent, { tags: ['counted'] });
    await sql`insert into tickets (subject, requester_id, tags, created_at, updated_at)
      select 'bulk ' || g, ${t.requester.id}, '{bulk}', now(), now() from generate_series(1, 10050) g`.execute(ctx.deps.db);
    const counted = (await agent.post('/api/v1/views', { name: 'Посчитанные', filters: { tags: ['counted'] } })).body;
    const bulk = (await agent.post('/api/v1/views', { name: 'Много', filters: { tags: ['bulk'] } })).body;
    const none = (await agent.post('/api/v1/views', { name: 'Пусто', filters: { tags: ['bulk'], status: ['solved'] } })).body;
    const r = await agent.get('/api/v1/views/counts');
    assert.equal(r.status, 200);
    assert.equal(r.body.cap, 10_000);
    const byId = new Map(r.body.items.map((i: { viewId: string }) => [i.viewId, i]));
    assert.deepEqual(byId.get(counted.id), { viewId: counted.id, count: 2, capped: false });
    assert.deepEqual(byId.get(bulk.id), { viewId: bulk.id, count: 10_000, capped: true });
    assert.deepEqual(byId.get(none.id), { viewId: none.id, count: 0, capped: false });
    const views = (await agent.get('/api/v1/views')).body.items as View[];
    assert.deepEqual(r.body.items.map((i: { viewId: string }) => i.viewId), views.map((v) => v.id), 'one count per visible view');
  });

  test('create, rename, move and delete a personal view; filters are validated', async () => {
    const bad = await agent.post('/api/v1/views', { name: 'Плохой', filters: { status: ['nope'] } });
    assert.equal(bad.status, 400);
    assert.equal((await agent.post('/api/v1/views', { name: '', filters: {} })).status, 400);
    assert.equal((await agent.post('/api/v1/views', { name: 'x', sort: 'random' })).status, 400);
    assert.equal((await agent.post('/api/v1/views', { name: 'x', filters: { assigneeId: ['someone'] } })).status, 400);
    const v = await agent.post('/api/v1/views', { name: 'Срочные', nameEn: 'Urgent', filters: { priority: 'urgent,high' } });
    assert.equal(v.status, 201);
    assert.deepEqual(v.body.filters, { priority: ['urgent', 'high'] });
    assert.equal(v.body.shared, false);
    const p = await agent.patch(`/api/v1/views/${v.body.id}`, { name: 'Горящие', position: 0, sort: 'oldest' });
    assert.equal(p.status, 200);
    assert.deepEqual([p.body.name, p.body.nameEn, p.body.position, p.body.sort], ['Горящие', 'Urgent', 0, 'oldest']);
    assert.equal((await agent.patch(`/api/v1/views/${v.body.id}`, {})).status, 400);
    assert.equal((await agent.patch(`/api/v1/views/${v.body.id}`, { filters: { priority: ['extreme'] } })).status, 400);
    assert.equal((await agent.del(`/api/v1/views/${v.body.id}`)).status, 200);
    assert.equal((await agent.get(`/api/v1/views/${v.body.id}/tickets`)).status, 404);
    assert.equal((await agent.del(`/api/v1/views/${v.body.id}`)).status, 404);
    assert.equal((await agent.get('/api/v1/views/abc/tickets')).status, 400);
    assert.equal((await agent.patch('/api/v1/views/999999', { name: 'x' })).status, 404);
  });

  test("shared views need lead rights; others' personal views are 404 to everyone else", async () => {
    assert.equal((await agent.post('/api/v1/views', { name: 'Общая', shared: true })).status, 403);
    const shared = await lead.post('/api/v1/views', { name: 'Общая', shared: true, filters: { status: ['open'] } });
    assert.equal(shared.status, 201);
    assert.equal(shared.body.shared, true);
    assert.ok((await agent.get('/api/v1/views')).body.items.some((v: View) => v.id === shared.body.id), 'agents see shared views');
    assert.equal((await agent.get(`/api/v1/views/${shared.body.id}/tickets`)).status, 200);
    assert.equal((await agent.patch(`/api/v1/views/${shared.body.id}`, { name: 'Моя' })).status, 403);
    assert.equal((await agent.del(`/api/v1/views/${shared.body.id}`)).status, 403);
    assert.equal((await lead.patch(`/api/v1/views/${shared.body.id}`, { name: 'Общая 2' })).status, 200);

    const personal = (await agent.post('/api/v1/views', { name: 'Личная' })).body;
    assert.ok(!(await lead.get('/api/v1/views')).body.items.some((v: View) => v.id === personal.id));
    assert.equal((await lead.get(`/api/v1/views/${personal.id}/tickets`)).status, 404);
    assert.equal((await lead.patch(`/api/v1/views/${personal.id}`, { name: 'Чужая' })).status, 404);
    assert.equal((await lead.del(`/api/v1/views/${personal.id}`)).status, 404);
    const admin = await ctx.as('admin');
    assert.equal((await admin.del(`/api/v1/views/${personal.id}`)).status, 404);
    assert.equal((await lead.del(`/api/v1/views/${shared.body.id}`)).status, 200);

    const customer = await ctx.asCustomer();
    assert.equal((await customer.get('/api/v1/views')).status, 403);
    assert.equal((await ctx.anon().get('/api/v1/views/counts')).status, 401);
  });

  test('at most 100 personal views per person', async () => {
    const u = await ctx.as('light_agent');
    await ctx.deps.db.insertInto('views')
      .values(Array.from({ length: 99 }, (_, i) => ({ name: `v${i}`, owner_user_id: u.userId, filters: '{}', created_at: new Date(), updated_at: new Date() })))
      .execute();
    const last = await u.post('/api/v1/views', { name: 'Сотая' });
    assert.equal(last.status, 201);
    assert.equal(last.body.position, 1, 'appended after the highest position');
    const over = await u.post('/api/v1/views', { name: 'Лишняя' });
    assert.equal(over.status, 422);
  });
});
