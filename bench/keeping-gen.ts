// Data for the keeping benchmark (issue 6), in databases of its own in the bench cluster:
// `open` unsolved tickets (no messages) each with a ticket_sla row and an alert plan,
// `solved` solved/closed tickets, open promises with alert plans, care flags, third-party
// follow-ups and snoozes; 1% of every source due at `sweepAt` (spread over its last 5 minutes).
// Set-based SQL (INSERT ... SELECT over generate_series) in batches on two connections,
// secondary indexes and foreign keys dropped during the load and recreated, then VACUUM ANALYZE.
// Every attribute is a function of the row id (bench.u(id, salt)), as in bench/generate.ts.
import pg from 'pg';
import { ensureDatabase } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
import { GROUPS } from './vocab.ts';

export const KEEPING_GEN_VERSION = 1;
const AGENTS = 50; // 1-3 admins, 4-8 leads, 9-50 agents
const BATCH = 50_000;

export type KeepingGenOptions = {
  open: number; solved: number; promises: number; customers: number; organizations: number;
  /** 'sweep': 1% of every source due at sweepAt; 'quiet': every alert at least 30 days ahead (nothing due) */
  mode: 'sweep' | 'quiet';
  /** share of promises already broken (history for the priority score) */
  brokenShare: number;
};
export type KeepingDataset = KeepingGenOptions & {
  reused: boolean; seconds: number; sweepAt: string; phases: Record<string, number>; counts: Record<string, number>;
};

const SETUP = `
create schema if not exists bench;
create table if not exists bench.meta (key text primary key, value jsonb not null);
create or replace function bench.u(k bigint, salt int) returns float8 language sql immutable parallel safe
  as $$ select (hashint8(k * 1000 + salt) & 2147483647)::float8 / 2147483648.0 $$;`;

// $1 lo, $2 hi, $3 now0, $4 customers, $5 open count, $6 mode ('sweep' | 'quiet')
const INSERT_TICKETS = `
insert into tickets (id, number, subject, requester_id, organization_id, group_id, assignee_id, status, priority, priority_score,
  channel, tags, language, signals, level, third_party_name, third_party_follow_up_at, snoozed_until,
  created_at, updated_at, first_response_at, solved_at, closed_at)
overriding system value
select g.id, 9999 + g.id, 'Заявка ' || g.id, c.id, c.organization_id, x.grp,
  case when s.status = 'new' then null else 9 + floor(bench.u(g.id, 7) * 42)::bigint end,
  s.status, s.priority, 10, 'email', array[(array['billing', 'delivery', 'login', 'bug', 'refund'])[1 + g.id % 5]],
  case when bench.u(g.id, 1) < 0.8 then 'ru' else 'en' end,
  case when bench.u(g.id, 13) < 0.03 then '{anger}' when bench.u(g.id, 13) < 0.05 then '{business_impact}'
    when bench.u(g.id, 13) < 0.06 then '{threat_regulator}' when bench.u(g.id, 13) < 0.08 then '{churn}'
    when bench.u(g.id, 13) < 0.10 then '{urgent}' else '{}' end::text[],
  case when x.grp >= 9 then 3 when x.grp >= 7 then 2 else 1 end,
  case when s.status = 'pending_third_party' then 'Партнёр ' || (1 + g.id % 40) end,
  case when s.status = 'pending_third_party' then x.due end,
  case when s.status = 'on_hold' and bench.u(g.id, 14) < 0.2 then x.due end,
  x.created, least($3::timestamptz, x.created + interval '1 hour' * bench.u(g.id, 6)),
  case when s.status <> 'new' then x.created + interval '20 minutes' end,
  case when s.status >= 'solved' then x.created + interval '1 day' end,
  case when s.status = 'closed' then x.created + interval '4 days' end
from generate_series($1::bigint, $2::bigint) g(id)
cross join lateral (select
  case when g.id > $5 then (case when bench.u(g.id, 2) < 0.3 then 'solved' else 'closed' end)
    when bench.u(g.id, 2) < 0.15 then 'new' when bench.u(g.id, 2) < 0.85 then 'open'
    when bench.u(g.id, 2) < 0.95 then 'on_hold' else 'pending_third_party' end::ticket_status as status,
  (case when bench.u(g.id, 3) < 0.12 then 'low' when bench.u(g.id, 3) < 0.78 then 'normal'
    when bench.u(g.id, 3) < 0.95 then 'high' else 'urgent' end)::ticket_priority as priority) s
cross join lateral (select 1 + floor(power(bench.u(g.id, 12), 1.5) * 10)::bigint as grp,
  case when g.id > $5 then $3::timestamptz - bench.u(g.id, 5) * interval '700 days'
    else $3::timestamptz - interval '10 minutes' - bench.u(g.id, 5) * interval '60 days' end as created,
  case when $6 = 'quiet' then $3::timestamptz + interval '30 days' + bench.u(g.id, 15) * interval '60 days'
    when g.id % 100 = 0 then $3::timestamptz - bench.u(g.id, 15) * interval '5 minutes'
    else $3::timestamptz + interval '1 hour' + bench.u(g.id, 15) * interval '30 days' end as due) x
join customers c on c.id = 1 + floor(power(bench.u(g.id, 10), 2) * $4)::bigint`;

// First alert at a (1% of rows: in the 5 minutes before now0); d = time from the 75% warning to the due time.
// k = 0-5: resolution 75/90/100; 6-7: resolution 90/100; 8: next response 90/100 + resolution 75; 9: first response breach + resolution 75.
const INSERT_SLA = `
insert into ticket_sla (ticket_id, policy_id, first_response_due_at, first_response_met_at, next_response_started_at,
  next_response_due_at, resolution_due_at, alert_plan, next_alert_at, updated_at)
select t.id, case when t.status = 'pending_third_party' then 3 when t.organization_id % 50 = 0 then 2 else 1 end,
  case when p.k = 9 then p.a else t.created_at + interval '4 hours' end,
  case when p.k <> 9 then t.first_response_at end,
  case when p.k = 8 then p.a - p.d end,
  case when p.k = 8 then p.a + 0.4 * p.d end,
  case when p.k <= 5 then p.a + p.d when p.k <= 7 then p.a + 0.4 * p.d else p.a + 2 * p.d end,
  p.plan, (p.plan->0->>'at')::timestamptz, $3::timestamptz
from tickets t
cross join lateral (select
  case when $4 = 'quiet' then $3::timestamptz + interval '30 days' + bench.u(t.id, 20) * interval '60 days'
    when t.id % 100 = 0 then $3::timestamptz - bench.u(t.id, 20) * interval '5 minutes'
    else $3::timestamptz + interval '1 minute' + power(bench.u(t.id, 21), 2) * interval '7 days' end as a,
  interval '1 hour' + bench.u(t.id, 22) * interval '2 days' as d,
  (case when t.id % 100 = 0 then t.id / 100 else t.id end) % 10 as k) q
cross join lateral (select q.a, q.d, q.k, case
  when q.k <= 5 then jsonb_build_array(jsonb_build_object('at', q.a, 'metric', 'resolution', 'level', 75),
    jsonb_build_object('at', q.a + 0.6 * q.d, 'metric', 'resolution', 'level', 90), jsonb_build_object('at', q.a + q.d, 'metric', 'resolution', 'level', 100))
  when q.k <= 7 then jsonb_build_array(jsonb_build_object('at', q.a, 'metric', 'resolution', 'level', 90),
    jsonb_build_object('at', q.a + 0.4 * q.d, 'metric', 'resolution', 'level', 100))
  when q.k = 8 then jsonb_build_array(jsonb_build_object('at', q.a, 'metric', 'next_response', 'level', 90),
    jsonb_build_object('at', q.a + 0.4 * q.d, 'metric', 'next_response', 'level', 100), jsonb_build_object('at', q.a + 0.5 * q.d, 'metric', 'resolution', 'level', 75))
  else jsonb_build_array(jsonb_build_object('at', q.a, 'metric', 'first_response', 'level', 100),
    jsonb_build_object('at', q.a + q.d, 'metric', 'resolution', 'level', 75)) end as plan) p
where t.id between $1 and $2 and t.status < 'solved'`;

// Promises on open tickets. Due rows (id % 100 = 0): j = 0-4 the 60-minute reminder, 5-7 the 15-minute one, 8-9 the due time (broken).
// $5 open count, $6 brokenShare
const INSERT_PROMISES = `
insert into promises (id, ticket_id, owner_id, created_by, kind, text, due_at, source, state, alert_plan, next_alert_at,
  resolved_at, created_at, updated_at)
overriding system value
select g.id, q.ticket_id, q.owner, q.owner, (array['callback', 'update', 'fix', 'info', 'other'])[1 + g.id % 5],
  'Вернусь с ответом до ' || to_char(q.due, 'DD.MM HH24:MI'), q.due, 'manual',
  case when q.broken then 'broken' else 'open' end::promise_state,
  case when q.broken then '[]'::jsonb else p.plan end, case when not q.broken then (p.plan->0->>'at')::timestamptz end,
  case when q.broken then q.due end, q.due - interval '1 day', $3::timestamptz
from generate_series($1::bigint, $2::bigint) g(id)
cross join lateral (select 1 + floor(bench.u(g.id, 60) * $5)::bigint as ticket_id, 9 + floor(bench.u(g.id, 61) * 42)::bigint as owner,
  bench.u(g.id, 64) < $6 as broken, (g.id / 100) % 10 as j,
  case when bench.u(g.id, 64) < $6 then $3::timestamptz - bench.u(g.id, 62) * interval '10 days'
    when $4 = 'quiet' then $3::timestamptz + interval '30 days' + bench.u(g.id, 62) * interval '60 days'
    when g.id % 100 <> 0 then $3::timestamptz + interval '2 hours' + power(bench.u(g.id, 62), 2) * interval '10 days'
    when (g.id / 100) % 10 <= 4 then $3::timestamptz - bench.u(g.id, 62) * interval '5 minutes' + interval '60 minutes'
    when (g.id / 100) % 10 <= 7 then $3::timestamptz - bench.u(g.id, 62) * interval '5 minutes' + interval '15 minutes'
    else $3::timestamptz - bench.u(g.id, 62) * interval '5 minutes' end as due) q
cross join lateral (select (select coalesce(jsonb_agg(e order by (e->>'at')::timestamptz), '[]') from (values
    (jsonb_build_object('at', q.due - interval '60 minutes', 'level', 'remind', 'minutes', 60)),
    (jsonb_build_object('at', q.due - interval '15 minutes', 'level', 'remind', 'minutes', 15)),
    (jsonb_build_object('at', q.due, 'level', 'due'))) v(e)
  where (e->>'at')::timestamptz >= $3::timestamptz - interval '5 minutes') as plan) p`;

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`set synchronous_commit = off; set maintenance_work_mem = '512MB'; set work_mem = '64MB'; set timezone = 'UTC'`);
  return c;
}

const since = (t: number) => Math.round((performance.now() - t) / 100) / 10;

async function pool<T>(items: T[], clients: pg.Client[], fn: (c: pg.Client, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(clients.map(async (c) => { while (next < items.length) await fn(c, items[next++]); }));
}

async function fillPeople(c: pg.Client, o: KeepingGenOptions, now0: Date): Promise<void> {
  await c.query(`insert into groups (id, name, description, level) overriding system value
    select n, name, '', case when n >= 9 then 3 when n >= 7 then 2 else 1 end from unnest($1::text[]) with ordinality u(name, n)`, [GROUPS]);
  await c.query(`insert into users (id, email, name, role, level, locale, created_at, updated_at) overriding system value
    select i, 'agent' || i || '@bench.example', 'Агент ' || i, (case when i <= 3 then 'admin' when i <= 8 then 'lead' else 'agent' end)::user_role,
      1 + i % 3, case when i % 5 = 0 then 'en' else 'ru' end, $2, $2 from generate_series(1, $1) i`, [AGENTS, now0]);
  await c.query(`insert into group_members select distinct 1 + (i * 7 + k) % 10, i from generate_series(1, $1) i, generate_series(0, 1) k`, [AGENTS]);
  await c.query(`insert into organizations (id, name, domains, vip, created_at, updated_at) overriding system value
    select i, 'Организация ' || i, array['org' || i || '.example'], bench.u(i, 50) < 0.02, $2::timestamptz - interval '800 days', $2
    from generate_series(1, $1) i`, [o.organizations, now0]);
  await c.query(`insert into customers (id, name, organization_id, stage, stage_since, language, created_at, updated_at) overriding system value
    select i, 'Клиент ' || i, case when bench.u(i, 51) < 0.7 then 1 + floor(bench.u(i, 52) * $2)::bigint end,
      (array['lead','trial','new','active','active','active','vip','churned'])[1 + floor(bench.u(i, 53) * 8)::int]::customer_stage,
      $3::timestamptz - bench.u(i, 54) * interval '700 days', case when bench.u(i, 55) < 0.8 then 'ru' else 'en' end,
      $3::timestamptz - interval '750 days', $3 from generate_series(1, $1) i`, [o.customers, o.organizations, now0]);
  await c.query(`insert into customer_emails (email, customer_id, is_primary)
    select 'customer' || id || '@' || coalesce('org' || organization_id, 'mail') || '.example', id, true from customers`);
  await c.query(`insert into sla_policies (id, name, position, conditions, first_response_min, next_response_min, resolution_min, pause_pending_third_party)
    overriding system value values
    (1, 'Стандарт', 2, '{}', 240, 480, 2400, true),
    (2, 'VIP', 1, '{"vip": true}', 60, 120, 960, true),
    (3, 'Партнёры', 0, '{"channels": ["email"]}', 480, 960, 9600, false)`);
  // care flags on 1 customer in 10, created by leads; 1% expired at now0 (sweep mode)
  await c.query(`insert into care_flags (id, customer_id, reason, until, points, created_by, created_at) overriding system value
    select i, 1 + floor(bench.u(i, 70) * $2)::bigint, 'Инцидент с оплатой', case
        when $4 = 'quiet' then $3::timestamptz + interval '30 days' + bench.u(i, 71) * interval '60 days'
        when i % 100 = 0 then $3::timestamptz - bench.u(i, 71) * interval '5 minutes'
        else $3::timestamptz + interval '1 day' + bench.u(i, 71) * interval '60 days' end,
      15, 4 + i % 5, $3::timestamptz - interval '10 days'
    from generate_series(1, $1) i`, [Math.round(o.customers / 10), o.customers, now0, o.mode]);
}

type Saved = { indexes: { name: string; def: string }[]; fks: { tbl: string; name: string; def: string }[] };
const LOADED = ['tickets', 'ticket_sla', 'promises'];

async function dropForLoad(c: pg.Client): Promise<Saved> {
  const rel = `(${LOADED.map((t) => `'${t}'::regclass`).join(', ')})`;
  const idx = await c.query(`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i where i.indrelid in ${rel}
      and not i.indisprimary and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    order by (pg_get_indexdef(i.indexrelid) like '%USING gin%') desc`);
  const fks = await c.query(`select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
    from pg_constraint where contype = 'f' and (conrelid in ${rel} or confrelid in ${rel})`);
  const saved: Saved = { indexes: idx.rows, fks: fks.rows };
  for (const f of saved.fks) await c.query(`alter table ${f.tbl} drop constraint ${f.name}`);
  for (const i of saved.indexes) await c.query(`drop index ${i.name}`);
  return saved;
}

/** Due rows at sweepAt, kept whole so every run can put them back (bench/keeping.ts rearm). */
const SAVE_DUE = `
create table bench.sla_due as select * from ticket_sla where next_alert_at <= $1;
create table bench.promises_due as select * from promises where next_alert_at <= $1;
create table bench.care_due as select * from care_flags where until <= $1 and ended_at is null;
create table bench.tickets_due as select * from tickets where id in (select ticket_id from bench.sla_due union select ticket_id from bench.promises_due
  union select id from tickets where third_party_follow_up_at <= $1 union select id from tickets where snoozed_until <= $1
  union select t.id from tickets t join bench.care_due f on f.customer_id = t.requester_id where t.status < 'solved');`;

/** Drops and recreates `name`, migrated, and fills it. */
export async function generateKeeping(adminUrl: string, name: string, o: KeepingGenOptions, log: (m: string) => void): Promise<KeepingDataset> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  const url = await ensureDatabase(adminUrl, name);
  await migrate(url);
  const now0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const clients = await Promise.all([connect(url), connect(url)]);
  const c = clients[0];
  try {
    let t = performance.now();
    await c.query(SETUP);
    await fillPeople(c, o, now0);
    await c.query('analyze customers, organizations, users, groups, group_members');
    phases.people = since(t);
    const saved = await dropForLoad(c);
    t = performance.now();
    const total = o.open + o.solved;
    const batches: [number, number][] = [];
    for (let lo = 1; lo <= total; lo += BATCH) batches.push([lo, Math.min(total, lo + BATCH - 1)]);
    await pool(batches, clients, async (cl, [lo, hi]) => {
      await cl.query(INSERT_TICKETS, [lo, hi, now0, o.customers, o.open, o.mode]);
      await cl.query(INSERT_SLA, [lo, hi, now0, o.mode]);
    });
    log(`  ${total.toLocaleString('en')} tickets and their SLA rows in ${since(t)} s`);
    const pb: [number, number][] = [];
    for (let lo = 1; lo <= o.promises; lo += BATCH) pb.push([lo, Math.min(o.promises, lo + BATCH - 1)]);
    await pool(pb, clients, async (cl, [lo, hi]) => { await cl.query(INSERT_PROMISES, [lo, hi, now0, o.mode, o.open, o.brokenShare]); });
    phases.load = since(t);
    t = performance.now();
    for (const tbl of ['tickets', 'promises', 'care_flags', 'groups', 'users', 'organizations', 'customers', 'sla_policies']) {
      await c.query(`select setval(pg_get_serial_sequence($1, 'id'), greatest(1, (select max(id) from ${tbl})))`, [tbl]);
    }
    await c.query(`select setval('ticket_number_seq', 9999 + $1)`, [total]);
    await pool(saved.indexes, clients, async (cl, i) => { await cl.query(i.def); });
    phases.indexes = since(t);
    t = performance.now();
    for (const f of saved.fks) await c.query(`alter table ${f.tbl} add constraint ${f.name} ${f.def}`);
    phases.foreignKeys = since(t);
    if (o.mode === 'sweep') await c.query(SAVE_DUE.replaceAll('$1', `'${now0.toISOString()}'::timestamptz`));
    t = performance.now();
    await pool(['tickets', 'ticket_sla', 'promises, care_flags, customers, customer_emails, organizations, users, groups, group_members, sla_policies'], clients,
      async (cl, tbl) => { await cl.query(`vacuum (analyze) ${tbl}`); });
    phases.vacuum = since(t);
    const counts = (await c.query(`select (select count(*) from tickets where status < 'solved')::int as open_tickets,
        (select count(*) from tickets where status >= 'solved')::int as solved_tickets, (select count(*) from ticket_sla)::int as ticket_sla,
        (select count(*) from promises where state = 'open')::int as open_promises, (select count(*) from promises where state = 'broken')::int as broken_promises,
        (select count(*) from care_flags)::int as care_flags,
        (select count(*) from ticket_sla where next_alert_at <= $1)::int as due_sla, (select count(*) from promises where next_alert_at <= $1)::int as due_promises,
        (select count(*) from care_flags where until <= $1)::int as due_care, (select count(*) from tickets where third_party_follow_up_at <= $1)::int as due_follow_ups,
        (select count(*) from tickets where snoozed_until <= $1)::int as due_snoozes,
        (select count(*) from tickets where third_party_follow_up_at is not null)::int as follow_ups,
        (select count(*) from tickets where snoozed_until is not null)::int as snoozed`, [now0])).rows[0];
    const info: KeepingDataset = { ...o, reused: false, seconds: since(t0), sweepAt: now0.toISOString(), phases, counts };
    await c.query(`insert into bench.meta values ('keeping', $1)`, [JSON.stringify({ ...info, version: KEEPING_GEN_VERSION })]);
    return info;
  } finally {
    await Promise.all(clients.map((x) => x.end().catch(() => {})));
  }
}

/** Reuses the database when it holds a complete dataset of these options (migrated to the current schema), else rebuilds it. */
export async function ensureKeeping(adminUrl: string, name: string, o: KeepingGenOptions, opts: { fresh: boolean; log: (m: string) => void }): Promise<{ url: string; info: KeepingDataset }> {
  const url = await ensureDatabase(adminUrl, name);
  if (!opts.fresh) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query(`select value from bench.meta where key = 'keeping'`).catch(() => null);
    await c.end();
    const v = r?.rows[0]?.value as (KeepingDataset & { version: number }) | undefined;
    const same = v && v.version === KEEPING_GEN_VERSION && (Object.keys(o) as (keyof KeepingGenOptions)[]).every((k) => v[k] === o[k]);
    if (same) {
      await migrate(url);
      opts.log(`${name}: reusing the dataset generated at ${v.sweepAt}`);
      return { url, info: { ...v, reused: true } };
    }
  }
  opts.log(`${name}: generating ${o.open.toLocaleString('en')} open + ${o.solved.toLocaleString('en')} solved tickets, ${o.promises.toLocaleString('en')} promises ...`);
  const info = await generateKeeping(adminUrl, name, o, opts.log);
  opts.log(`${name}: generated in ${info.seconds} s (${JSON.stringify(info.phases)})`);
  return { url, info };
}
