// Data generator: N tickets with 3N messages, 50k customers, 10 groups, 30 tags, built
// with set-based SQL (INSERT ... SELECT over generate_series) in batches on two
// connections, with the app's secondary indexes and foreign keys dropped during the
// load and recreated from their own definitions afterwards.
//
// Every ticket attribute is a pure function of its id (bench.u(id, salt) is a hash in
// [0,1)), so the message and ticket statements agree without reading each other.
//
// CLI:  node --import tsx bench/generate.ts [--tickets 1000000] [--fresh]
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { BENCH_DB, recreateDatabase, startCluster } from './cluster.ts';
import { GROUPS, pools, RARE_WORDS, TAGS, tagShare, type Lang } from './vocab.ts';

export const GENERATOR_VERSION = 3;
const SENTENCES = 4000; // per language
const SUBJECTS = 3000; // per language
const AGENTS = 50; // users 1..50; the benchmark's token owner is created later
const BATCH = 20_000;

export type GenOptions = { tickets: number; customers?: number; organizations?: number; workers?: number; log?: (m: string) => void };
export type DatasetInfo = {
  reused: boolean; seconds: number; tickets: number; messages: number; customers: number; groups: number;
  rareWords: string[]; rareEvery: number; tags: string[]; phases: Record<string, number>;
};

const SETUP = `
create schema if not exists bench;
create table if not exists bench.meta (key text primary key, value jsonb not null);
create table bench.sentences (lang text not null, n int not null, text text not null, tsv tsvector, primary key (lang, n));
create table bench.subjects (lang text not null, n int not null, text text not null, tsv tsvector, primary key (lang, n));
create aggregate bench.tsv_cat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');
create table bench.tags (rank int primary key, name text not null, p float8 not null);
create function bench.u(k bigint, salt int) returns float8 language sql immutable parallel safe
  as $$ select (hashint8(k * 1000 + salt) & 2147483647)::float8 / 2147483648.0 $$;
-- Every ticket attribute from its id. Unsolved tickets are recent, solved/closed spread over two years.
create function bench.attrs(lo bigint, hi bigint, now0 timestamptz, ncust int, ngroups int, nagents int, nsubj int)
returns table (id bigint, lang text, status ticket_status, priority ticket_priority, channel ticket_channel,
  requester_id bigint, group_id bigint, assignee_id bigint, created_at timestamptz, updated_at timestamptz, nmsg int, subj int)
language sql stable as $$
  select r.id, r.lang, s.status, s.priority, s.channel, r.requester_id, r.group_id,
    case when s.status = 'new' then null else 1 + floor(r.u7 * nagents)::bigint end,
    c.created_at, least(now0, c.created_at + r.u6 * r.u6 * (case when s.status >= 'solved' then interval '20 days' else interval '5 days' end)),
    r.nmsg, floor(r.u9 * nsubj)::int
  from (
    select g.id,
      case when bench.u(g.id, 1) < 0.8 then 'ru' else 'en' end as lang,
      bench.u(g.id, 2) as u2, bench.u(g.id, 3) as u3, bench.u(g.id, 4) as u4, bench.u(g.id, 5) as u5,
      bench.u(g.id, 6) as u6, bench.u(g.id, 7) as u7, bench.u(g.id, 9) as u9,
      1 + floor(power(bench.u(g.id, 10), 2) * ncust)::bigint as requester_id,
      case when bench.u(g.id, 11) < 0.03 then null else 1 + floor(power(bench.u(g.id, 12), 1.5) * ngroups)::bigint end as group_id,
      (array[1, 1, 2, 2, 3, 3, 3, 4, 5, 6])[1 + (g.id * 7) % 10] as nmsg
    from generate_series(lo, hi) g(id)
  ) r
  cross join lateral (select
      (case when r.u2 < 0.25 then 'solved' when r.u2 < 0.85 then 'closed' when r.u2 < 0.88 then 'new'
        when r.u2 < 0.94 then 'open' when r.u2 < 0.97 then 'pending_customer' when r.u2 < 0.98 then 'pending_third_party'
        else 'on_hold' end)::ticket_status as status,
      (case when r.u3 < 0.12 then 'low' when r.u3 < 0.78 then 'normal' when r.u3 < 0.95 then 'high' else 'urgent' end)::ticket_priority as priority,
      (case when r.u4 < 0.5 then 'email' when r.u4 < 0.7 then 'portal' when r.u4 < 0.8 then 'api' when r.u4 < 0.9 then 'phone' else 'chat' end)::ticket_channel as channel
  ) s
  cross join lateral (select case when s.status >= 'solved' then now0 - r.u5 * interval '730 days'
      else now0 - r.u5 * r.u5 * interval '120 days' end as created_at) c
$$;
`;

// Messages of tickets lo..hi: 2-3 pool sentences each, a rare word planted in some first messages.
// Parameters: $1-$7 as bench.attrs, $8 sentences per language, $9 rareEvery, $10 rare count, $11 rare words.
const MESSAGES_FROM = `
from bench.attrs($1, $2, $3, $4, $5, $6, $7) a
cross join lateral generate_series(1, a.nmsg) m(seq)
join bench.sentences s1 on s1.lang = a.lang and s1.n = floor(bench.u(a.id * 16 + m.seq, 31) * $8)::int
join bench.sentences s2 on s2.lang = a.lang and s2.n = floor(bench.u(a.id * 16 + m.seq, 32) * $8)::int
join bench.sentences s3 on s3.lang = a.lang and s3.n = floor(bench.u(a.id * 16 + m.seq, 33) * $8)::int
cross join lateral (select bench.u(a.id * 16 + m.seq, 34) < 0.5 as has3,
  case when m.seq = 1 and a.id % $9 between 1 and $10 then 'Код: ' || ($11::text[])[(a.id % $9)::int] || '.' end as rare) x`;

const INSERT_MESSAGES = `
insert into messages (ticket_id, kind, author_type, author_user_id, author_customer_id, body_html, body_text, channel, created_at)
select a.id, b.kind::message_kind, b.author::author_type,
  case when b.author = 'agent' then coalesce(a.assignee_id, 1) end,
  case when b.author = 'customer' then a.requester_id end,
  '<p>' || b.body || '</p>', b.body, a.channel,
  a.created_at + (a.updated_at - a.created_at) * ((m.seq - 1)::float8 / a.nmsg)
${MESSAGES_FROM}
cross join lateral (select
    case when m.seq % 2 = 1 then 'customer' else 'agent' end as author,
    case when m.seq % 2 = 0 and bench.u(a.id * 16 + m.seq, 35) < 0.15 then 'note' else 'reply' end as kind,
    s1.text || ' ' || s2.text || case when x.has3 then ' ' || s3.text else '' end || coalesce(' ' || x.rare, '') as body
) b
order by a.id, m.seq`;

// The app's search vector: setweight(to_tsvector('russian', subject), 'A') || to_tsvector('russian', <each message>).
// to_tsvector of a text equals the || of its sentences' vectors (same lexemes and weights), so the
// per-sentence vectors are computed once in bench.sentences instead of 3M times (checkSearch() verifies).
const INSERT_TICKETS = `
with mt as (
  select a.id, bench.tsv_cat(s1.tsv || s2.tsv || case when x.has3 then s3.tsv else ''::tsvector end
    || coalesce(to_tsvector('russian', x.rare), ''::tsvector) order by m.seq) as tsv
  ${MESSAGES_FROM}
  group by a.id
)
insert into tickets (id, number, subject, requester_id, organization_id, group_id, assignee_id, status, priority, channel,
  tags, language, search, created_at, updated_at, first_response_at, solved_at, closed_at)
overriding system value
select a.id, 9999 + a.id, sj.text, a.requester_id, c.organization_id, a.group_id, a.assignee_id, a.status, a.priority, a.channel,
  array(select t.name from bench.tags t where bench.u(a.id * 64 + t.rank, 41) < t.p order by t.rank),
  a.lang, sj.tsv || mt.tsv,
  a.created_at, a.updated_at,
  case when a.nmsg > 1 then a.created_at + (a.updated_at - a.created_at) / a.nmsg end,
  case when a.status >= 'solved' then a.updated_at end,
  case when a.status = 'closed' then a.updated_at end
from bench.attrs($1, $2, $3, $4, $5, $6, $7) a
join mt on mt.id = a.id
join bench.subjects sj on sj.lang = a.lang and sj.n = a.subj
join customers c on c.id = a.requester_id`;

/** Compares the stored vectors of a sample with the app's expression over the stored texts. */
async function checkSearch(c: pg.Client): Promise<number> {
  const r = await c.query(`select count(*)::int as bad from (select t.id, t.search,
      setweight(to_tsvector('russian', t.subject), 'A') || to_tsvector('russian', string_agg(m.body_text, ' ' order by m.id)) as app
    from tickets t join messages m on m.ticket_id = t.id where t.id % 5000 = 17 group by t.id) s
    where tsvector_to_array(s.search) <> tsvector_to_array(s.app) or strip(s.search)::text <> strip(s.app)::text
      or array(select weights::text from unnest(s.search)) <> array(select weights::text from unnest(s.app))`);
  return r.rows[0].bad;
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`set synchronous_commit = off; set maintenance_work_mem = '1GB'; set work_mem = '64MB'`);
  return c;
}

const since = (t: number) => Math.round((performance.now() - t) / 100) / 10;

async function fillPools(c: pg.Client): Promise<void> {
  for (const lang of ['ru', 'en'] as Lang[]) {
    const p = pools(lang, SENTENCES, SUBJECTS);
    await c.query(`insert into bench.sentences select $1, n - 1, s from unnest($2::text[]) with ordinality u(s, n)`, [lang, p.sentences]);
    await c.query(`insert into bench.subjects select $1, n - 1, s from unnest($2::text[]) with ordinality u(s, n)`, [lang, p.subjects]);
  }
  await c.query(`update bench.sentences set tsv = to_tsvector('russian', text)`);
  await c.query(`update bench.subjects set tsv = setweight(to_tsvector('russian', text), 'A')`);
  await c.query(`insert into bench.tags select n, name, $2::float8 / n from unnest($1::text[]) with ordinality u(name, n)`, [TAGS, tagShare(1)]);
}

async function fillPeople(c: pg.Client, customers: number, orgs: number, now0: Date): Promise<void> {
  await c.query(`insert into groups (id, name, description) overriding system value
    select n, name, '' from unnest($1::text[]) with ordinality u(name, n)`, [GROUPS]);
  await c.query(`insert into users (id, email, name, role, level, created_at, updated_at) overriding system value
    select i, 'agent' || i || '@bench.example', 'Агент ' || i, (case when i <= 3 then 'admin' when i <= 8 then 'lead' else 'agent' end)::user_role,
      1 + i % 3, $2, $2 from generate_series(1, $1) i`, [AGENTS, now0]);
  await c.query(`insert into group_members select distinct 1 + (i * 7 + k) % $2, i from generate_series(1, $1) i, generate_series(0, 1) k`, [AGENTS, GROUPS.length]);
  await c.query(`insert into organizations (id, name, domains, created_at, updated_at) overriding system value
    select i, 'Организация ' || i, array['org' || i || '.example'], $2::timestamptz - interval '800 days', $2 from generate_series(1, $1) i`, [orgs, now0]);
  await c.query(`insert into customers (id, name, organization_id, stage, stage_since, language, created_at, updated_at) overriding system value
    select i, (array['Анна','Иван','Мария','Петр','Ольга','Сергей','John','Emma','Дарья','Алексей'])[1 + i % 10] || ' ' ||
        (array['Иванова','Петров','Смирнова','Кузнецов','Попова','Smith','Соколов','Лебедева','Brown','Козлов','Новикова'])[1 + (i / 10) % 11] || ' ' || i,
      case when bench.u(i, 51) < 0.7 then 1 + floor(bench.u(i, 52) * $2)::bigint end,
      (array['lead','trial','new','active','active','active','vip','churned'])[1 + floor(bench.u(i, 53) * 8)::int]::customer_stage,
      $3::timestamptz - bench.u(i, 54) * interval '700 days', case when bench.u(i, 55) < 0.8 then 'ru' else 'en' end,
      $3::timestamptz - interval '750 days', $3 from generate_series(1, $1) i`, [customers, orgs, now0]);
  await c.query(`insert into customer_emails (email, customer_id, is_primary)
    select 'customer' || id || '@' || coalesce('org' || organization_id, 'mail') || '.example', id, true from customers`);
}

type Saved = { indexes: { name: string; def: string }[]; fks: { tbl: string; name: string; def: string }[] };

/** Drops secondary indexes and foreign keys of tickets/messages; returns how to recreate them. */
async function dropForLoad(c: pg.Client): Promise<Saved> {
  const idx = await c.query(`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i where i.indrelid in ('tickets'::regclass, 'messages'::regclass)
      and not i.indisprimary and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    order by (pg_get_indexdef(i.indexrelid) like '%USING gin%') desc`);
  const fks = await c.query(`select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
    from pg_constraint where contype = 'f' and conrelid in ('tickets'::regclass, 'messages'::regclass)`);
  const saved: Saved = { indexes: idx.rows, fks: fks.rows };
  await c.query(`insert into bench.meta values ('saved', $1)`, [JSON.stringify(saved)]);
  for (const f of saved.fks) await c.query(`alter table ${f.tbl} drop constraint ${f.name}`);
  for (const i of saved.indexes) await c.query(`drop index ${i.name}`);
  return saved;
}

async function pool<T>(items: T[], clients: pg.Client[], fn: (c: pg.Client, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(clients.map(async (c) => {
    while (next < items.length) await fn(c, items[next++]);
  }));
}

/** Fills a freshly migrated, empty database. */
export async function generate(url: string, opts: GenOptions): Promise<DatasetInfo> {
  const log = opts.log ?? (() => {});
  const n = opts.tickets;
  const customers = opts.customers ?? 50_000;
  const orgs = opts.organizations ?? 5_000;
  const workers = opts.workers ?? 2;
  const rareEvery = Math.max(RARE_WORDS.length + 1, Math.floor(n / 100));
  const now0 = new Date();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const clients = await Promise.all(Array.from({ length: workers }, () => connect(url)));
  const c = clients[0];
  try {
    const empty = await c.query(`select not exists (select 1 from tickets) and not exists (select 1 from customers) as ok`);
    if (!empty.rows[0].ok) throw new Error('generate() needs an empty, freshly migrated database (use --fresh)');
    let t = performance.now();
    await c.query(SETUP);
    await fillPools(c);
    await fillPeople(c, customers, orgs, now0);
    await c.query(`analyze customers; analyze bench.sentences; analyze bench.subjects`);
    phases.people = since(t);
    const saved = await dropForLoad(c);

    t = performance.now();
    const batches: [number, number][] = [];
    for (let lo = 1; lo <= n; lo += BATCH) batches.push([lo, Math.min(n, lo + BATCH - 1)]);
    let done = 0;
    await pool(batches, clients, async (cl, [lo, hi]) => {
      const attrs = [lo, hi, now0, customers, GROUPS.length, AGENTS, SUBJECTS];
      await cl.query('begin');
      await cl.query(INSERT_MESSAGES, [...attrs, SENTENCES, rareEvery, RARE_WORDS.length, RARE_WORDS]);
      await cl.query(INSERT_TICKETS, [...attrs, SENTENCES, rareEvery, RARE_WORDS.length, RARE_WORDS]);
      await cl.query('commit');
      done += hi - lo + 1;
      if (batches.length > 4 && (done / BATCH) % Math.ceil(batches.length / 10) === 0) log(`  ${done.toLocaleString('en')} tickets loaded (${since(t0)} s)`);
    });
    phases.load = since(t);

    t = performance.now();
    await c.query(`select setval(pg_get_serial_sequence('tickets', 'id'), $1), setval('ticket_number_seq', 9999 + $1)`, [n]);
    for (const tbl of ['groups', 'users', 'organizations', 'customers']) {
      await c.query(`select setval(pg_get_serial_sequence($1, 'id'), (select max(id) from ${tbl}))`, [tbl]);
    }
    await pool(saved.indexes, clients, async (cl, i) => { await cl.query(i.def); });
    phases.indexes = since(t);
    t = performance.now();
    for (const f of saved.fks) await c.query(`alter table ${f.tbl} add constraint ${f.name} ${f.def}`);
    phases.foreignKeys = since(t);
    t = performance.now();
    await pool(['tickets', 'messages', 'customers, customer_emails, organizations, users, groups, group_members'], clients, async (cl, tbl) => {
      await cl.query(`vacuum (analyze) ${tbl}`);
    });
    phases.vacuum = since(t);
    const bad = await checkSearch(c);
    if (bad) throw new Error(`${bad} sampled tickets have a search vector that differs from the app's expression`);

    const counts = await c.query(`select (select count(*) from tickets)::int as tickets, (select count(*) from messages)::int as messages`);
    const info: DatasetInfo = {
      reused: false, seconds: since(t0), tickets: counts.rows[0].tickets, messages: counts.rows[0].messages, customers,
      groups: GROUPS.length, rareWords: RARE_WORDS, rareEvery, tags: TAGS, phases,
    };
    await c.query(`insert into bench.meta values ('dataset', $1) on conflict (key) do update set value = excluded.value`,
      [JSON.stringify({ ...info, version: GENERATOR_VERSION, requested: n })]);
    return info;
  } finally {
    await Promise.all(clients.map((x) => x.end().catch(() => {})));
  }
}

/** The dataset recorded in the database if it is complete and of the wanted size, else null. */
export async function existingDataset(url: string, tickets: number): Promise<DatasetInfo | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`select value from bench.meta where key = 'dataset'`).catch(() => null);
    const v = r?.rows[0]?.value as (DatasetInfo & { version: number; requested: number }) | undefined;
    if (!v || v.version !== GENERATOR_VERSION || v.requested !== tickets) return null;
    const counts = await c.query(`select (select count(*) from tickets)::int as tickets, (select count(*) from messages)::int as messages`);
    if (counts.rows[0].tickets !== v.tickets || counts.rows[0].messages !== v.messages) return null;
    return { ...v, reused: true };
  } finally {
    await c.end();
  }
}

/** Reuses the dataset when complete with the same counts, else rebuilds the database. */
export async function ensureDataset(adminUrl: string, url: string, opts: GenOptions & { fresh?: boolean }): Promise<DatasetInfo> {
  const log = opts.log ?? (() => {});
  if (!opts.fresh) {
    const have = await existingDataset(url, opts.tickets);
    if (have) {
      log(`dataset: reusing ${have.tickets.toLocaleString('en')} tickets / ${have.messages.toLocaleString('en')} messages`);
      return have;
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const any = await c.query(`select exists (select 1 from tickets) as x`);
    await c.end();
    if (any.rows[0].x) {
      log('dataset: present but not the wanted size or generator version; rebuilding');
      await recreateDatabase(adminUrl);
    }
  }
  log(`dataset: generating ${opts.tickets.toLocaleString('en')} tickets ...`);
  const info = await generate(url, opts);
  log(`dataset: generated in ${info.seconds} s (${JSON.stringify(info.phases)})`);
  return info;
}

/** Deletes tickets (and their messages, events) beyond the generated ones, e.g. made by the create benchmark. */
export async function cleanupExtra(url: string, opts: { vacuum?: boolean } = {}): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`select (value->>'tickets')::bigint as n from bench.meta where key = 'dataset'`).catch(() => null);
    const n = r?.rows[0]?.n;
    if (!n) return 0;
    await c.query('begin');
    await c.query('set local session_replication_role = replica'); // ticket_events is append-only by trigger
    for (const tbl of ['ticket_events', 'messages']) await c.query(`delete from ${tbl} where ticket_id > $1`, [n]);
    const del = await c.query('delete from tickets where id > $1', [n]);
    await c.query('commit');
    if (del.rowCount && opts.vacuum) await c.query('vacuum (analyze) tickets, messages, ticket_events');
    return del.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const log = (m: string) => console.log(m);
  const tickets = Number(arg('tickets') ?? 1_000_000);
  const fresh = process.argv.includes('--fresh');
  const cluster = await startCluster({ fresh, log });
  try {
    await ensureDataset(cluster.adminUrl, cluster.url, { tickets, fresh, log });
    console.log(`database ${BENCH_DB} ready at ${cluster.url.replace(/:[^:@]*@/, ':***@')}`);
  } finally {
    await cluster.stop();
  }
}
