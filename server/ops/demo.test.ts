import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Client, setup, type TestCtx } from '../test/harness.ts';
import { DemoError, loadDemo, type DemoResult } from './demo.ts';

let ctx: TestCtx;
let result: DemoResult;
let ms: number;

before(async () => {
  ctx = await setup();
  const t = Date.now();
  result = await loadDemo(ctx.deps.db, { deps: ctx.deps });
  ms = Date.now() - t;
});
after(() => ctx.close());

const count = async (q: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(q)}`.execute(ctx.deps.db)).rows[0].n;

describe('slovo demo loader', () => {
  test('loads the promised amounts quickly', async () => {
    assert.ok(ms < 20_000, `took ${ms} ms`);
    assert.deepEqual(
      { orgs: await count('organizations'), customers: await count('customers'), groups: await count('groups'), agents: await count("users where email like '%@slovo-demo.example'"), tickets: await count('tickets') },
      { orgs: 8, customers: 150, groups: 3, agents: 8, tickets: 300 },
    );
    assert.equal(result.counts.messages, await count('messages'));
    assert.ok(result.counts.messages >= 300 && result.counts.messages <= 1800);
    assert.ok(await count('customer_emails') > 150, 'some customers have several e-mails');
    assert.ok(await count("customers where cardinality(phones) > 0") > 20);
    const stages = await sql<{ stage: string }>`select distinct stage from customers`.execute(ctx.deps.db);
    assert.deepEqual(stages.rows.map((r) => r.stage).sort(), ['active', 'churned', 'lead', 'new', 'trial', 'vip']);
    const roles = new Set(result.agents.map((a) => `${a.role}/${a.level}`));
    assert.ok(roles.has('lead/3') && roles.has('agent/1') && roles.has('agent/2') && roles.has('light_agent/1'));
    assert.ok(await count("organizations where cardinality(domains) > 0") === 8);
  });

  test('ru and en texts, every ticket has a requester and messages, statuses and channels vary', async () => {
    assert.ok(await count("tickets where language = 'ru'") > 150);
    assert.ok(await count("tickets where language = 'en'") > 20);
    assert.ok(await count("messages where body_text ~ '[а-яё]'") > 200, 'Russian text');
    assert.ok(await count("messages where body_text ~ '^[A-Za-z]' and body_text !~ '[а-яё]'") > 30, 'English text');
    assert.equal(await count('tickets t where not exists (select 1 from messages m where m.ticket_id = t.id)'), 0);
    assert.equal(await count('tickets t where not exists (select 1 from customers c where c.id = t.requester_id)'), 0);
    assert.equal(await count("tickets t where organization_id is distinct from (select organization_id from customers c where c.id = t.requester_id)"), 0);
    for (const col of ['status', 'priority', 'channel']) {
      const n = (await sql<{ n: number }>`select count(distinct ${sql.ref(col)})::int as n from tickets`.execute(ctx.deps.db)).rows[0].n;
      assert.ok(n >= 4, `${col} varies (${n})`);
    }
    assert.ok(await count("messages where kind = 'note'") > 10);
    assert.ok(await count("tickets where 'billing' = any(tags)") > 5);
  });

  test('back-dated over 60 days, consistent times, nothing in the future', async () => {
    const r = (await sql<{ min: Date; max: Date; bad: number; future: number }>`
      select min(created_at) as min, max(created_at) as max,
        (select count(*)::int from tickets t where updated_at < created_at
           or updated_at <> (select max(created_at) from messages m where m.ticket_id = t.id)
           or (status in ('solved', 'closed')) <> (solved_at is not null)) as bad,
        (select count(*)::int from messages where created_at > now()) as future
      from tickets`.execute(ctx.deps.db)).rows[0];
    assert.ok(Date.now() - r.min.getTime() > 45 * 86_400_000 && Date.now() - r.min.getTime() <= 60 * 86_400_000 + 60_000);
    assert.equal(r.bad, 0);
    assert.equal(r.future, 0);
    // numbers grow with creation time
    assert.equal(await count('tickets a join tickets b on a.number < b.number and a.created_at > b.created_at'), 0);
  });

  test('search vectors are filled and searchable in both languages', async () => {
    assert.equal(await count("tickets where search = ''::tsvector"), 0);
    assert.ok(await count("tickets where search @@ plainto_tsquery('russian', 'письма')") > 0);
    assert.ok(await count("tickets where search @@ plainto_tsquery('russian', 'certificate')") + await count("tickets where search @@ plainto_tsquery('russian', 'refund')") > 0);
  });

  test('a demo ticket has the same search vector as one written through the API', async () => {
    const t = await ctx.deps.db.selectFrom('tickets as t').select(['t.id', 't.subject', 't.search'])
      .where(sql<boolean>`(select count(*) from messages m where m.ticket_id = t.id) >= 3`).orderBy('t.id').executeTakeFirstOrThrow();
    const msgs = await ctx.deps.db.selectFrom('messages').select(['kind', 'body_text']).where('ticket_id', '=', t.id).orderBy('id').execute();
    const agent = await ctx.as('agent');
    const made = await agent.post('/api/v1/tickets', { subject: t.subject, requester: { email: 'same@clients.test' }, message: { body: msgs[0].body_text } });
    assert.equal(made.status, 201, made.raw);
    for (const m of msgs.slice(1)) {
      const r = await agent.post(`/api/v1/tickets/${made.body.id}/messages`, { body: m.body_text, kind: m.kind });
      assert.equal(r.status, 201, r.raw);
    }
    const api = await ctx.deps.db.selectFrom('tickets').select('search').where('id', '=', made.body.id).executeTakeFirstOrThrow();
    assert.equal(String(t.search), String(api.search));
  });

  test('demo agents can sign in with the printed password and see demo tickets', async () => {
    const lead = result.agents.find((a) => a.role === 'lead')!;
    const c = new Client(ctx.app);
    const r = await c.login(lead.email, result.password);
    assert.equal(r.status, 200, r.raw);
    const list = await c.get('/api/v1/tickets?limit=5');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 5);
  });

  test('keeping the word: SLA clocks on every unsolved ticket, policies, promises, a care flag, explained scores', async () => {
    const unsolved = await count("tickets where status < 'solved'");
    assert.ok(result.keeping.ticketsWithSla >= unsolved - 1, 'all unsolved demo tickets (one more came through the API above)');
    assert.equal(await count("ticket_sla s join tickets t on t.id = s.ticket_id where t.status < 'solved'"), unsolved);
    assert.ok(await count('ticket_sla where policy_id is not null and resolution_due_at is not null') > 0, 'running resolution clocks');
    assert.ok(await count('ticket_sla where first_response_met_at is not null') > 0, 'answered tickets have their first response met');
    assert.equal(await count('sla_policies'), 3);
    assert.equal(await count("promises where state = 'open'"), result.keeping.promises - 1);
    assert.equal(await count("promises where state = 'broken'"), 1);
    assert.equal(await count("groups where level = 2"), 1);
    // every unsolved ticket of the cared-for organization shows the care part in its score
    const care = await sql<{ n: number; with_care: number }>`
      select count(*)::int as n, count(*) filter (where t.priority_parts @> '[{"code": "care"}]')::int as with_care
      from tickets t join care_flags f on f.organization_id = t.organization_id where t.status < 'solved'`.execute(ctx.deps.db);
    assert.ok(care.rows[0].n > 0);
    assert.equal(care.rows[0].with_care, care.rows[0].n);
    // scores are explained: a trial customer's open ticket carries that part, the sum matches the parts
    assert.equal(await count(`tickets t join customers c on c.id = t.requester_id
      where t.status < 'solved' and c.stage = 'trial' and not t.priority_parts @> '[{"code": "stage_trial"}]'`), 0);
    assert.equal(await count(`tickets t where t.status < 'solved' and t.priority_score <>
      least(100, greatest(0, (select coalesce(sum((p->>'points')::int), 0) from jsonb_array_elements(t.priority_parts) p)))`), 0);
    assert.ok(await count("tickets where status < 'solved' and priority_score > 0") > unsolved / 2);
  });

  test('a second load is refused with a clear message and changes nothing', async () => {
    const before = await count('tickets');
    await assert.rejects(loadDemo(ctx.deps.db), (e: Error) => e instanceof DemoError && /demo data is already loaded/.test(e.message));
    assert.equal(await count('tickets'), before);
  });
});
