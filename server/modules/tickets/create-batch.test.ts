// Concurrent creates share insert statements (create-batch.ts): each ticket still gets its own
// requester, message, event, SLA row and score; a bad item fails alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { batcherFor } from './create-batch.ts';
import { factsBatcherFor } from '../keeping/create.ts';
import { refreshBatcherFor } from '../priority/refresh-batch.ts';
import { refreshPriority } from '../priority/priority.service.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

test('40 concurrent creates: fewer statements than tickets, every ticket whole and its own', async () => {
  const db = ctx.deps.db;
  await db.insertInto('sla_policies').values({ name: 'all', conditions: JSON.stringify({}), first_response_min: 60 }).execute();
  const group = await db.insertInto('groups').values({ name: 'Биллинг' }).returning('id').executeTakeFirstOrThrow();
  // known requesters (the one-statement path), created first
  for (let i = 0; i < 40; i++) await makeTicket(agent, { requester: { email: `c${i}@batch.test`, name: `Клиент ${i}` } });
  const stats = batcherFor(ctx.deps.pool).stats;
  // all good: grouped
  const before = { ...stats };
  const good = await Promise.all(Array.from({ length: 40 }, (_, i) => agent.post('/api/v1/tickets', {
    subject: `Хорошая ${i}`, requester: { email: `c${i}@batch.test` }, message: { body: 'Всё плохо' }, groupId: group.id,
  })));
  for (const r of good) assert.equal(r.status, 201, r.raw);
  const sent = stats.groups - before.groups;
  assert.equal(stats.calls - before.calls, 40);
  assert.ok(sent < 40, `grouped: ${sent} statements for 40 tickets`);
  // one bad item among them: it fails alone, the others are made
  const res = await Promise.all(Array.from({ length: 40 }, (_, i) => agent.post('/api/v1/tickets', {
    subject: `Партия ${i}`, requester: { email: `c${i}@batch.test` }, message: { body: `Текст номер ${i}: не работает оплата` },
    groupId: i === 7 ? '987654' : group.id, tags: [`t${i}`], priority: i % 2 ? 'high' : 'normal',
  })));
  assert.equal(res[7].status, 400, 'the unknown group fails');
  assert.equal(res[7].body.errors[0].path, '/groupId');
  const ok = res.filter((r, i) => i !== 7);
  for (const r of ok) assert.equal(r.status, 201, r.raw);
  for (const [i, r] of res.entries()) {
    if (i === 7) continue;
    const t = r.body;
    assert.equal(t.subject, `Партия ${i}`);
    assert.deepEqual(t.tags, [`t${i}`]);
    const row = await db.selectFrom('tickets as t').innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id')
      .select(['e.email', 't.priority', 't.priority_score', 't.group_id']).where('t.id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(row.email, `c${i}@batch.test`);
    assert.equal(row.priority, i % 2 ? 'high' : 'normal');
    assert.equal(row.priority_score, t.priorityScore);
    const msgs = await db.selectFrom('messages').select(['body_text', 'author_type']).where('ticket_id', '=', t.id).execute();
    assert.deepEqual(msgs.map((m) => m.body_text), [`Текст номер ${i}: не работает оплата`]);
    assert.equal(msgs[0].author_type, 'customer');
    const ev = await db.selectFrom('ticket_events').select('kind').where('ticket_id', '=', t.id).execute();
    assert.deepEqual(ev.map((e) => e.kind), ['created']);
    assert.ok(await db.selectFrom('ticket_sla').select('first_response_due_at').where('ticket_id', '=', t.id).where('first_response_due_at', 'is not', null).executeTakeFirst());
  }
  // search sees the subject and the text
  const s = await agent.get(`/api/v1/search?q=${encodeURIComponent('Партия')}&limit=50`);
  assert.equal(s.status, 200);
  assert.ok(s.body.items.length >= 39, `found ${s.body.items.length}`);
  const numbers = new Set(ok.map((r) => r.body.number));
  assert.equal(numbers.size, ok.length, 'distinct ticket numbers');
});

test('concurrent creates of returning customers: the earlier tickets become repeat contacts, refreshed in shared statements', async () => {
  const db = ctx.deps.db;
  for (let i = 0; i < 30; i++) await makeTicket(agent, { requester: { email: `r${i}@repeat.test` } });
  const stats = refreshBatcherFor(ctx.deps).stats;
  const before = { ...stats };
  for (let round = 0; round < 2; round++) {
    const res = await Promise.all(Array.from({ length: 30 }, (_, i) => agent.post('/api/v1/tickets', {
      subject: `Снова ${round} ${i}`, requester: { email: `r${i}@repeat.test` }, message: { body: 'Опять не работает' },
    })));
    for (const r of res) assert.equal(r.status, 201, r.raw);
  }
  assert.equal(stats.calls - before.calls, 60, 'every create refreshed its siblings');
  assert.ok(stats.groups - before.groups < 60, `grouped: ${stats.groups - before.groups} refreshes for 60 creates`);
  // every customer's three tickets carry "repeat contact", and nothing is stale: a fresh refresh changes nothing
  const rows = await db.selectFrom('tickets as t').innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id')
    .select(['t.id', 't.priority_parts']).where('e.email', 'like', '%@repeat.test').execute();
  assert.equal(rows.length, 90);
  for (const r of rows) assert.ok((r.priority_parts as { code: string }[]).some((p) => p.code === 'repeat_contact'), `ticket ${r.id}`);
  assert.equal(await refreshPriority(ctx.deps, db, rows.map((r) => r.id)), 0, 'no stored score is stale');
});

test('concurrent creates share the requester reads, and each ticket is scored from its own requester', async () => {
  const db = ctx.deps.db;
  const stages = ['trial', 'vip', 'active', 'new'] as const;
  for (let i = 0; i < 24; i++) {
    await makeTicket(agent, { requester: { email: `f${i}@facts.test` } });
    const c = await db.selectFrom('customer_emails').select('customer_id').where('email', '=', `f${i}@facts.test`).executeTakeFirstOrThrow();
    await db.updateTable('customers').set({ stage: stages[i % 4] }).where('id', '=', c.customer_id).execute();
  }
  const stats = factsBatcherFor(ctx.deps).stats;
  const before = { ...stats };
  const res = await Promise.all(Array.from({ length: 24 }, (_, i) => agent.post('/api/v1/tickets', {
    subject: `Факты ${i}`, requester: { email: `f${i}@facts.test` }, message: { body: 'Вопрос по счёту' },
  })));
  for (const r of res) assert.equal(r.status, 201, r.raw);
  assert.equal(stats.calls - before.calls, 24);
  assert.ok(stats.groups - before.groups < 24, `shared: ${stats.groups - before.groups} reads for 24 creates`);
  const code = { trial: 'stage_trial', vip: 'vip', new: 'stage_new', active: null } as const;
  for (const [i, r] of res.entries()) {
    const parts: { code: string }[] = r.body.priorityParts;
    const want = code[stages[i % 4]];
    const stageCodes = parts.map((p) => p.code).filter((c) => ['stage_trial', 'vip', 'stage_new'].includes(c));
    assert.deepEqual(stageCodes, want ? [want] : [], `ticket ${i} (${stages[i % 4]})`);
  }
  // an unknown requester among them still gets a ticket (the long way creates the customer)
  const mixed = await Promise.all([
    agent.post('/api/v1/tickets', { subject: 'Новый', requester: { email: 'brand-new@facts.test' }, message: { body: 'Здравствуйте' } }),
    agent.post('/api/v1/tickets', { subject: 'Старый', requester: { email: 'f1@facts.test' }, message: { body: 'Ещё вопрос' } }),
  ]);
  for (const r of mixed) assert.equal(r.status, 201, r.raw);
});
