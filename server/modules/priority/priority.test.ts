import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { applyFilters, applySort, sortColumns } from '../tickets/ticket-filters.ts';
import { partsText } from './priority.service.ts';
import { recomputeAll } from './recompute.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let n = 0;

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
});
after(() => ctx.close());

async function customer(stage: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await agent.post('/api/v1/customers', { name: `Клиент ${++n}`, emails: [`prio${n}-${Date.now()}@clients.test`], stage, ...extra });
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}

async function dbTicket(id: string) {
  return ctx.deps.db.selectFrom('tickets').select(['priority_score', 'priority_parts', 'version', 'updated_at', 'created_at', 'signals']).where('id', '=', id).executeTakeFirstOrThrow();
}

type Part = { code: string; points: number; label_ru: string; label_en: string };
const byCode = (parts: Part[]) => Object.fromEntries(parts.map((p) => [p.code, p]));

describe('priority score', () => {
  test('a trial customer threatening a regulator: signals, parts and their labels, stored without an edit', async () => {
    const cust = await customer('trial');
    const t = await makeTicket(agent, {
      requester: { id: cust },
      subject: 'Списали деньги дважды',
      message: { body: 'Деньги списали дважды, а поддержка молчит. Если не решите, пожалуюсь в Роспотребнадзор.' },
    });
    const row = await dbTicket(t.id);
    assert.ok(row.signals.includes('threat_regulator'), `signals: ${row.signals}`);
    const r = await agent.get(`/api/v1/tickets/${t.number}/priority`);
    assert.equal(r.status, 200, r.raw);
    const parts = byCode(r.body.parts);
    assert.deepEqual(parts.stage_trial, { code: 'stage_trial', points: 20, label_ru: '+20 клиент на пробном периоде', label_en: '+20 trial customer' });
    assert.deepEqual(parts.threat_regulator, { code: 'threat_regulator', points: 25, label_ru: '+25 угроза жалобы регулятору', label_en: '+25 threat to complain to a regulator' });
    assert.equal(parts.priority.points, 10);
    assert.equal(r.body.parts[0].code, 'threat_regulator', 'biggest part first');
    const sum = r.body.parts.reduce((s: number, p: Part) => s + p.points, 0);
    assert.equal(r.body.score, Math.min(100, sum));
    assert.ok(r.body.score >= 55);
    // stored on the ticket, shown by the ticket API; not an agent's edit
    assert.equal(row.priority_score, r.body.score);
    assert.deepEqual(row.priority_parts, r.body.parts);
    assert.equal(row.version, 1);
    assert.equal(row.updated_at.getTime(), row.created_at.getTime());
    const got = await agent.get(`/api/v1/tickets/${t.id}`);
    assert.equal(got.body.priorityScore, r.body.score);
    assert.deepEqual(got.body.priorityParts, r.body.parts);
  });

  test('a change of an input (PATCH priority) recomputes in the same change; the edit bumps the version once', async () => {
    const t = await makeTicket(agent, { requester: { id: await customer('active') }, message: { body: 'Подскажите, как выгрузить отчёт.' } });
    assert.equal((await dbTicket(t.id)).priority_score, 10);
    const p = await agent.patch(`/api/v1/tickets/${t.id}`, { version: 1, priority: 'urgent' });
    assert.equal(p.status, 200, p.raw);
    const row = await dbTicket(t.id);
    assert.equal(row.priority_score, 40);
    assert.equal(row.version, 2);
    assert.deepEqual(row.priority_parts.map((x: Part) => x.label_en), ['+40 urgent priority']);
  });

  test('repeat contacts: the third ticket of a customer in 14 days', async () => {
    const cust = await customer('active');
    const body = { requester: { id: cust }, priority: 'low', message: { body: 'Снова не работает выгрузка.' } };
    const a = await makeTicket(agent, body);
    await makeTicket(agent, body);
    const c = await makeTicket(agent, body);
    assert.equal(byCode((await dbTicket(c.id)).priority_parts).repeat_contact?.points, 10);
    // the first one learns of the others at its next refresh (here: the weight recompute)
    await recomputeAll(ctx.deps);
    assert.equal(byCode((await dbTicket(a.id)).priority_parts).repeat_contact?.points, 10);
  });

  test('broken promises and SLA state from their tables', async () => {
    const t = await makeTicket(agent, { requester: { id: await customer('active') }, priority: 'low', message: { body: 'Нужна справка.' } });
    await ctx.deps.db.insertInto('promises').values({ ticket_id: t.id, text: 'Перезвоним', due_at: new Date(Date.now() - 3600e3), state: 'broken', created_at: new Date(), updated_at: new Date() }).execute();
    const now = Date.now();
    await sql`insert into ticket_sla (ticket_id, resolution_due_at) values (${t.id}, ${new Date(now + 10 * 60e3)})
      on conflict (ticket_id) do update set resolution_due_at = excluded.resolution_due_at, resolution_met_at = null, first_response_due_at = null, next_response_due_at = null`.execute(ctx.deps.db);
    await sql`update tickets set created_at = ${new Date(now - 3600e3)} where id = ${t.id}`.execute(ctx.deps.db);
    await recomputeAll(ctx.deps);
    let parts = byCode((await dbTicket(t.id)).priority_parts);
    assert.equal(parts.promise_broken?.points, 15);
    assert.equal(parts.sla_at_risk?.points, 10, JSON.stringify(parts));
    await sql`update ticket_sla set resolution_due_at = ${new Date(now - 60e3)} where ticket_id = ${t.id}`.execute(ctx.deps.db);
    await recomputeAll(ctx.deps);
    parts = byCode((await dbTicket(t.id)).priority_parts);
    assert.equal(parts.sla_breached?.points, 20);
    assert.equal(parts.sla_at_risk, undefined);
    assert.equal((await dbTicket(t.id)).priority_score, 35);
  });

  test('weights: read by staff, written by admins; a change recomputes scores and the queue order follows', async () => {
    const trial = await makeTicket(agent, { requester: { id: await customer('trial') }, priority: 'low', tags: ['wq'], message: { body: 'Вопрос по тарифу.' } });
    const high = await makeTicket(agent, { requester: { id: await customer('active') }, priority: 'high', tags: ['wq'], message: { body: 'Вопрос по тарифу.' } });
    const queue = async () => (await agent.get('/api/v1/tickets?tags=wq&status=new,open&sort=score')).body.items.map((t: { id: string }) => t.id);
    assert.deepEqual(await queue(), [high.id, trial.id]); // 25 > 20

    const light = await ctx.as('light_agent');
    const w = await light.get('/api/v1/settings/priority-weights');
    assert.equal(w.status, 200);
    assert.equal(w.body.weights.stage_trial, 20);
    assert.deepEqual(w.body.overrides, {});
    assert.equal((await agent.put('/api/v1/settings/priority-weights', { stage_trial: 40 })).status, 403);
    assert.equal((await admin.put('/api/v1/settings/priority-weights', { stage_trial: 400 })).status, 400);
    assert.equal((await admin.put('/api/v1/settings/priority-weights', { nonsense: 1 })).status, 400);

    const put = await admin.put('/api/v1/settings/priority-weights', { stage_trial: 40 });
    assert.equal(put.status, 202, put.raw);
    assert.equal(put.body.weights.stage_trial, 40);
    assert.deepEqual(put.body.overrides, { stage_trial: 40 });
    const stored = await ctx.deps.db.selectFrom('settings').select('value').where('key', '=', 'priority_weights').executeTakeFirstOrThrow();
    assert.deepEqual(stored.value, { stage_trial: 40 });

    const versions = await ctx.deps.db.selectFrom('tickets').select(['id', 'version', 'updated_at']).where('id', 'in', [trial.id, high.id]).orderBy('id').execute();
    const r = await recomputeAll(ctx.deps, { batch: 3 }); // small batches: the keyset walks them all
    assert.ok(r.tickets >= 2 && r.changed >= 1);
    assert.equal((await dbTicket(trial.id)).priority_score, 40);
    assert.equal(byCode((await dbTicket(trial.id)).priority_parts).stage_trial.label_en, '+40 trial customer');
    assert.deepEqual(await queue(), [trial.id, high.id]);
    assert.deepEqual(await ctx.deps.db.selectFrom('tickets').select(['id', 'version', 'updated_at']).where('id', 'in', [trial.id, high.id]).orderBy('id').execute(), versions);
    // a second run changes nothing
    assert.equal((await recomputeAll(ctx.deps)).changed, 0);

    // {} restores the defaults
    await admin.put('/api/v1/settings/priority-weights', {});
    await recomputeAll(ctx.deps);
    assert.deepEqual(await queue(), [high.id, trial.id]);
  });

  test('sort=score pages with a cursor through the whole queue in score order', async () => {
    const prios = ['low', 'normal', 'high', 'urgent'];
    for (let i = 0; i < 7; i++) await makeTicket(agent, { priority: prios[i % 4], tags: ['sp'], message: { body: 'Проверка сортировки.' } });
    const seen: { id: string; priorityScore: number }[] = [];
    let cursor: string | null = null;
    do {
      const r = await agent.get(`/api/v1/tickets?tags=sp&sort=score&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.raw);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen.map((t) => t.id)).size, 7);
    const scores = seen.map((t) => t.priorityScore);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.equal((await agent.get('/api/v1/tickets?sort=score&cursor=WyJ4IiwiMSJd')).status, 400);
    // a new view sorts by score unless told otherwise
    const v = await agent.post('/api/v1/views', { name: 'По важности', filters: { tags: ['sp'] } });
    assert.equal(v.body.sort, 'score');
  });

  test('a queue by score (group + status + tag) is an index-only scan of the covering score index', async () => {
    const g = await ctx.deps.db.insertInto('groups').values({ name: 'Очередь по важности' }).returning('id').executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) await makeTicket(agent, { groupId: g.id, tags: ['cov'], message: { body: 'Проверка индекса.' } });
    const actor = { kind: 'user', id: agent.userId, role: 'agent', via: 'session', scopes: [] } as never;
    let q = ctx.deps.db.selectFrom('tickets as t').select(sortColumns('score'));
    q = applySort(applyFilters(q, { groupId: [g.id], status: ['new', 'open'], tags: ['cov'] }, actor), 'score').limit(51);
    const c = q.compile();
    await sql`vacuum (analyze) tickets`.execute(ctx.deps.db); // visibility map: index-only scans need it
    const plan = await ctx.deps.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      return (await trx.executeQuery({ ...c, sql: `explain ${c.sql}` })).rows.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /Index Only Scan using tickets_group_queue_score/, plan);
  });

  test('stored parts print exactly as partsText writes them (unchanged rows are recognised without parsing)', async () => {
    const cust = await customer('trial');
    const t = await makeTicket(agent, { requester: { id: cust }, priority: 'urgent', message: { body: 'Тест' } });
    await ctx.deps.db.insertInto('care_flags').values({ customer_id: cust, reason: 'Кавычки "двойные", \\ обратная черта, таб\t, эмодзи 🙂 и <теги>', until: new Date(Date.now() + 86400e3), points: 7, created_at: new Date() }).execute();
    await recomputeAll(ctx.deps);
    const row = await sql<{ parts: Part[]; text: string }>`select priority_parts as parts, priority_parts::text as text from tickets where id = ${t.id}`.execute(ctx.deps.db);
    assert.equal(row.rows[0].parts.length, 3);
    assert.equal(partsText(row.rows[0].parts), row.rows[0].text);
    assert.equal(partsText([]), (await sql<{ t: string }>`select '[]'::jsonb::text as t`.execute(ctx.deps.db)).rows[0].t);
  });

  test('a ticket of another principal: 404 for unknown, 403 for customers', async () => {
    assert.equal((await agent.get('/api/v1/tickets/999999999/priority')).status, 404);
    const c = await ctx.asCustomer();
    const t = await makeTicket(agent);
    assert.equal((await c.get(`/api/v1/tickets/${t.id}/priority`)).status, 403);
  });
});
