import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { sweepCareExpiry } from './care.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
let n = 0;

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

async function customer(extra: Record<string, unknown> = {}): Promise<string> {
  const r = await agent.post('/api/v1/customers', { name: `Клиент ${++n}`, emails: [`care${n}-${Date.now()}@clients.test`], stage: 'active', ...extra });
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}
async function org(): Promise<string> {
  return (await ctx.deps.db.insertInto('organizations').values({ name: `ООО Забота ${++n}` }).returning('id').executeTakeFirstOrThrow()).id;
}
const ticketOf = (requester: string, over: Record<string, unknown> = {}) =>
  makeTicket(agent, { requester: { id: requester }, priority: 'low', message: { body: 'Не проходит оплата.' }, ...over });
async function score(id: string) {
  const t = await ctx.deps.db.selectFrom('tickets').select(['priority_score', 'priority_parts', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  return { score: t.priority_score, care: t.priority_parts.find((p) => p.code === 'care') ?? null, version: t.version };
}
const flagRow = (id: string) => ctx.deps.db.selectFrom('care_flags').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('care memory', () => {
  test('a flag on a customer raises every unsolved ticket of theirs and shows as a banner on each', async () => {
    const cust = await customer();
    const [t1, t2] = [await ticketOf(cust), await ticketOf(cust)];
    const solved = await ticketOf(cust, { status: 'solved' });
    const other = await ticketOf(await customer());
    const before = new Map([[t1.id, (await score(t1.id)).score], [t2.id, (await score(t2.id)).score]]);
    assert.equal((await score(t2.id)).care, null);

    const r = await agent.post(`/api/v1/customers/${cust}/care`, { reason: 'Двойное списание по нашей вине', days: 28, ticketId: t1.id });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.scope, 'customer');
    assert.equal(r.body.points, 15);
    assert.equal(r.body.active, true);
    assert.deepEqual(r.body.ticket, { id: t1.id, number: t1.number });
    assert.equal(r.body.createdBy.id, agent.userId);
    const days = (Date.parse(r.body.until) - Date.now()) / 86400e3;
    assert.ok(days > 27.9 && days <= 28.05, `until ${r.body.until}`);

    for (const t of [t1, t2]) {
      const s = await score(t.id);
      assert.equal(s.score, before.get(t.id)! + 15);
      assert.deepEqual(s.care, { code: 'care', points: 15, label_ru: '+15 особое внимание: Двойное списание по нашей вине', label_en: '+15 care flag: Двойное списание по нашей вине' });
      assert.equal(s.version, 1, 'a score change is no edit');
      const b = await agent.get(`/api/v1/tickets/${t.number}/care`);
      assert.equal(b.status, 200, b.raw);
      assert.equal(b.body.items.length, 1);
      assert.equal(b.body.items[0].reason, 'Двойное списание по нашей вине');
      assert.equal(b.body.items[0].createdBy.name.length > 0, true);
      assert.equal(b.body.items[0].ticket.number, t1.number);
    }
    assert.equal((await score(solved.id)).care, null, 'solved tickets are not refreshed');
    assert.equal((await score(other.id)).score, 0);
    assert.deepEqual((await agent.get(`/api/v1/tickets/${other.id}/care`)).body.items, []);
    // a new ticket of the customer gets it at once
    const t3 = await ticketOf(cust);
    assert.equal((await score(t3.id)).care?.points, 15);
    const row = await flagRow(r.body.id);
    assert.equal(row.customer_id, cust);
    assert.equal(row.created_by, agent.userId);
  });

  test('an organization flag covers the tickets of all its customers; the strongest flag counts once', async () => {
    const o = await org();
    const [a, b] = [await customer({ organizationId: o }), await customer({ organizationId: o })];
    const [ta, tb] = [await ticketOf(a), await ticketOf(b)];
    const r = await agent.post(`/api/v1/organizations/${o}/care`, { reason: 'Простой сервиса 6 часов', until: new Date(Date.now() + 7 * 86400e3).toISOString(), points: 30 });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.scope, 'organization');
    assert.equal(r.body.organizationId, o);
    for (const t of [ta, tb]) assert.equal((await score(t.id)).score, 30);
    await agent.post(`/api/v1/customers/${a}/care`, { reason: 'Потеряли письмо', days: 7 });
    assert.equal((await score(ta.id)).score, 30, 'max points, not the sum');
    const banner = (await agent.get(`/api/v1/tickets/${ta.id}/care`)).body.items;
    assert.deepEqual(banner.map((f: { scope: string; points: number }) => [f.scope, f.points]), [['organization', 30], ['customer', 15]]);
    const hist = await agent.get(`/api/v1/organizations/${o}/care`);
    assert.equal(hist.body.items.length, 1);
  });

  test('expiry by the sweep with an explicit now: ended, history kept, creator notified once, priority back', async () => {
    const cust = await customer();
    const t = await ticketOf(cust);
    const r = await agent.post(`/api/v1/customers/${cust}/care`, { reason: 'Ошибка в счёте', days: 2 });
    assert.equal((await score(t.id)).score, 15);
    const until = new Date(r.body.until);
    // not yet due
    await sweepCareExpiry(ctx.deps, ctx.deps.db, new Date(until.getTime() - 1000), 100);
    assert.equal((await flagRow(r.body.id)).ended_at, null);

    const later = new Date(until.getTime() + 3600e3);
    const ended = await ctx.deps.db.transaction().execute((trx) => sweepCareExpiry(ctx.deps, trx, later, 100));
    assert.ok(ended >= 1);
    const row = await flagRow(r.body.id);
    assert.equal(row.end_reason, 'expired');
    assert.equal(row.ended_at!.getTime(), until.getTime());
    assert.equal(row.ended_by, null);
    assert.equal((await score(t.id)).score, 0);
    assert.deepEqual((await agent.get(`/api/v1/tickets/${t.id}/care`)).body.items, []);
    const hist = (await agent.get(`/api/v1/customers/${cust}/care`)).body.items;
    assert.deepEqual(hist.map((f: { active: boolean; endReason: string }) => [f.active, f.endReason]), [[false, 'expired']]);
    // a re-run ends nothing and notifies nobody again
    assert.equal(await sweepCareExpiry(ctx.deps, ctx.deps.db, later, 100), 0);
    const notes = await ctx.deps.db.selectFrom('notifications').select(['user_id', 'kind', 'data']).where('dedupe_key', '=', `care:${r.body.id}:expired`).execute();
    assert.equal(notes.length, 1);
    assert.equal(notes[0].user_id, agent.userId);
    assert.equal(notes[0].kind, 'care_expired');
    assert.equal(notes[0].data.reason, 'Ошибка в счёте');
  });

  test('the sweep takes at most `limit` flags, the earliest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await agent.post(`/api/v1/customers/${await customer()}/care`, { reason: `Лимит ${i}`, days: 1 + i })).body.id);
    const far = new Date(Date.now() + 3.5 * 86400e3); // the flags of the other tests end later
    assert.equal(await sweepCareExpiry(ctx.deps, ctx.deps.db, far, 2), 2);
    const rows = await ctx.deps.db.selectFrom('care_flags').select(['id', 'ended_at']).where('id', 'in', ids).orderBy('id').execute();
    assert.deepEqual(rows.map((x) => x.ended_at !== null), [true, true, false]);
    assert.equal(await sweepCareExpiry(ctx.deps, ctx.deps.db, far, 2), 1);
  });

  test('ending by hand: who, when, note; priority back; a second end is refused', async () => {
    const cust = await customer();
    const t = await ticketOf(cust);
    const f = (await agent.post(`/api/v1/customers/${cust}/care`, { reason: 'Сбой доставки', days: 14, points: 25 })).body;
    assert.equal((await score(t.id)).score, 25);
    const lead = await ctx.as('lead');
    const e = await lead.post(`/api/v1/care/${f.id}/end`, { note: 'Компенсировали, клиент доволен' });
    assert.equal(e.status, 200, e.raw);
    assert.deepEqual([e.body.active, e.body.endReason, e.body.endedBy.id, e.body.endNote], [false, 'ended', lead.userId, 'Компенсировали, клиент доволен']);
    const row = await flagRow(f.id);
    assert.equal(row.end_reason, 'ended');
    assert.equal(row.ended_by, lead.userId);
    assert.equal((await score(t.id)).score, 0);
    assert.equal((await agent.post(`/api/v1/care/${f.id}/end`, {})).status, 422);
    assert.equal((await agent.post('/api/v1/care/999999999/end', {})).status, 404);
    assert.equal((await agent.get(`/api/v1/customers/${cust}/care`)).body.items.length, 1);
  });

  test('validation and roles', async () => {
    const cust = await customer();
    const url = `/api/v1/customers/${cust}/care`;
    assert.equal((await agent.post(url, { reason: 'x' })).status, 400, 'until or days');
    assert.equal((await agent.post(url, { reason: 'x', days: 3, until: new Date(Date.now() + 86400e3).toISOString() })).status, 400);
    assert.equal((await agent.post(url, { reason: 'x', until: new Date(Date.now() - 1000).toISOString() })).status, 400);
    assert.equal((await agent.post(url, { reason: '', days: 3 })).status, 400);
    assert.equal((await agent.post(url, { reason: 'x', days: 3, points: 51 })).status, 400);
    assert.equal((await agent.post('/api/v1/customers/999999999/care', { reason: 'x', days: 3 })).status, 404);
    assert.equal((await agent.post('/api/v1/organizations/999999999/care', { reason: 'x', days: 3 })).status, 404);
    assert.equal((await agent.post(url, { reason: 'x', days: 3, ticketId: '999999999' })).status, 404);
    const light = await ctx.as('light_agent');
    assert.equal((await light.post(url, { reason: 'x', days: 3 })).status, 403);
    assert.equal((await light.get(url)).status, 200);
    const portal = await ctx.asCustomer();
    assert.equal((await portal.get(url)).status, 403);
    assert.equal((await ctx.anon().get(url)).status, 401);
    assert.equal((await ctx.deps.db.selectFrom('care_flags').select('id').where('customer_id', '=', cust).execute()).length, 0);
  });
});
