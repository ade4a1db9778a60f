// `npm run bench [-- --fresh] [-- --tickets N] [-- --create-seconds 20] [-- --read-seconds 10] [-- --only create,queue,search,mail,analyzer,keeping,web]`
//
// 1. embedded PostgreSQL 18 in $SLOVO_BENCH_DIR (default <tmp>/slovo-bench), database slovo_bench, migrated;
// 2. the 1M-ticket dataset, reused when present with the same counts (--fresh rebuilds it);
// 3. Slovo in a child process (bench/server.ts) on a real port, load from another child (bench/load.ts);
// 4. queue views, search, ticket creation; memory of both sides; EXPLAIN plans; results in bench/results/.
// The analyzer scenario (bench/analyzer.ts) runs first, in process, without the database.
// The keeping scenarios (bench/keeping.ts: sweeper, priority recompute) run last, in databases of their own.
// The web scenario (bench/web.ts: the agent app in Chromium, first-load JS and ticket open) runs on the 1M dataset after the API ones.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sha256, randomToken } from '../server/modules/auth/tokens.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { explain, explainService, SEARCH_SQL, type Plan } from './explain.ts';
import { SearchQuery } from '../api/search.ts';
import { CreateTicketBody, ListTicketsQuery } from '../api/tickets.ts';
import { searchTickets } from '../server/modules/search/search.service.ts';
import { createTicket, listTickets } from '../server/modules/tickets/tickets.service.ts';
import { cleanupExtra, ensureDataset } from './generate.ts';
import { analyzerTable, runAnalyzerBench, writeAnalyzerReport } from './analyzer.ts';
import { runMailBench } from './mail.ts';
import { runKeepingBench } from './keeping.ts';
import { runWebBench } from './web.ts';
import { writeMailReport } from './report.ts';
import type { LoadSpec } from './load.ts';
import { gitShort, table, writeReport, type Memory, type Row } from './report.ts';
import { cpuMeter, memorySampler, sampleMemory, type LoadResult } from './stats.ts';
import { requestTexts, WORDS } from './vocab.ts';
import { statementStats } from './statements.ts';

const argv = process.argv.slice(2);

const opt = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const FRESH = argv.includes('--fresh');
const TICKETS = Number(opt('tickets', '1000000'));
const CREATE_S = Number(opt('create-seconds', '20'));
const READ_S = Number(opt('read-seconds', '10'));
const ONLY = new Set(opt('only', 'queue,search,create,mail,analyzer,keeping,web').split(','));
const API = ['queue', 'search', 'create'].some((x) => ONLY.has(x));
const CORE = API || ONLY.has('web');
const MAIL_COUNT = Number(opt('mails', '5000'));
const keeping = async (cluster: Cluster) => {
  const k = await runKeepingBench(cluster, log, {
    fresh: FRESH, parts: new Set(opt('keeping-parts', 'sweep,priority,create').split(',')), runs: Number(opt('keeping-runs', '5')),
    createSeconds: Number(opt('keeping-create-seconds', '10')), open: Number(opt('keeping-tickets', '1000000')), promises: Number(opt('keeping-promises', '200000')),
    prioOpen: Number(opt('keeping-priority-tickets', '100000')), prioSolved: Number(opt('keeping-priority-solved', '400000')),
    sweepLimit: argv.includes('--keeping-sweep-limit') ? Number(opt('keeping-sweep-limit', '0')) : undefined,
    createBaseline: argv.includes('--keeping-create-baseline') ? opt('keeping-create-baseline', '') : undefined,
  });
  log(`results: ${path.relative(process.cwd(), k.files.json)}, ${path.relative(process.cwd(), k.files.md)}`);
};
const web = async (cluster: Cluster, dataset: Awaited<ReturnType<typeof ensureDataset>>) => {
  const w = await runWebBench(cluster, dataset, log, { opens: Number(opt('web-opens', '120')) });
  log(`results: ${path.relative(process.cwd(), w.files.json)}, ${path.relative(process.cwd(), w.files.md)}`);
};
const here = import.meta.dirname;
const t0 = performance.now();
const startedAt = new Date().toISOString();
const log = (m: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);

const QUEUE_ALL = 'status=new,open,pending_customer,pending_third_party,on_hold&sort=priority&limit=50';
const FILTER_TAG = 'refund'; // tag rank 5: on ~8% of tickets
const queueFiltered = (g: number) => `groupId=${g}&status=open,new&tags=${FILTER_TAG}&sort=priority&limit=50`;
const COMMON_WORDS = [WORDS.ru[3], WORDS.ru[4], WORDS.ru[6]]; // ошибка, пароль, доставка

function forkTs(file: string, env: NodeJS.ProcessEnv = process.env, flags: string[] = []): ChildProcess {
  return fork(path.join(here, file), [], { execArgv: ['--import', 'tsx', ...flags], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function load(spec: LoadSpec): Promise<LoadResult> {
  const child = forkTs('load.ts');
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`load client exited with ${code}`)));
    child.send(spec);
  });
}

async function startServer(url: string): Promise<{ child: ChildProcess; base: string; pool: number; stop: () => Promise<void> }> {
  // BENCH_CPU_PROF=<dir>: V8 CPU profile of the Slovo process, written when it stops
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = forkTs('server.ts', { ...process.env, DATABASE_URL: url }, prof);
  const { port, pool } = await new Promise<{ port: number; pool: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; pool: number }));
    child.once('exit', (code) => reject(new Error(`Slovo server exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.send('stop');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { child, base: `http://127.0.0.1:${port}`, pool, stop };
}

/** POST bodies: vocabulary texts, existing customers by e-mail, a group, a tag. */
function createRequests(emails: string[]) {
  const tags = ['billing', 'delivery', 'login', 'bug', 'refund'];
  return requestTexts(2000).map((t, i) => ({
    method: 'POST' as const,
    path: '/api/v1/tickets',
    body: JSON.stringify({
      subject: t.subject, requester: { email: emails[i % emails.length] }, message: { body: t.body },
      priority: i % 10 === 0 ? 'high' : 'normal', groupId: String(1 + (i % 10)), tags: [tags[i % 5]], channel: 'api',
    }),
  }));
}

type Fixtures = { token: string; userId: string; emails: string[]; plans: Plan[]; notes: string[]; searchMatches: Record<string, number> };

async function fixtures(url: string): Promise<Fixtures> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    let u = await c.query(`select id from users where lower(email) = 'bench@bench.example'`);
    if (!u.rowCount) u = await c.query(`insert into users (email, name, role) values ('bench@bench.example', 'Bench agent', 'agent') returning id`);
    const userId = u.rows[0].id;
    const token = `slv_${randomToken(30)}`;
    await c.query(`delete from api_tokens where user_id = $1`, [userId]);
    await c.query(`insert into api_tokens (user_id, name, token_hash, prefix, scopes) values ($1, 'bench', $2, $3, '{write}')`, [userId, sha256(token), token.slice(0, 10)]);
    const emails = (await c.query(`select email from customer_emails order by hashtext(email) limit 2000`)).rows.map((r) => r.email as string);
    const notes: string[] = [];
    const share = await c.query(`select round(100.0 * count(*) filter (where tags @> array[$1]) / count(*), 1) as pct,
        count(*) filter (where status < 'solved') as unsolved,
        count(*) filter (where status in ('new', 'open') and tags @> array[$1]) as filtered from tickets`, [FILTER_TAG]);
    const s = share.rows[0];
    notes.push(`Queue: ${Number(s.unsolved).toLocaleString('en')} unsolved tickets; tag "${FILTER_TAG}" on ${s.pct}% of tickets; ${Number(s.filtered).toLocaleString('en')} new/open tickets carry it (spread over 10 groups, the filtered run rotates through groups 1-10).`);
    const searchMatches: Record<string, number> = {};
    return { token, userId, emails, plans: [], notes, searchMatches };
  } finally {
    await c.end();
  }
}

async function countMatches(url: string, words: string[]): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const out: Record<string, number> = {};
  for (const w of words) out[w] = Number((await c.query(`select count(*) from tickets where search @@ to_tsquery('russian', $1)`, [w])).rows[0].count);
  await c.end();
  return out;
}

async function hasRoute(base: string, route: string): Promise<boolean> {
  const r = await fetch(`${base}/api/v1/openapi.json`);
  const doc = (await r.json()) as { paths?: Record<string, unknown> };
  return Boolean(doc.paths?.[route]);
}

async function main() {
  let cluster: Cluster | null = null;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  const stopAll = async () => {
    await server?.stop().catch(() => {});
    await cluster?.stop().catch(() => {});
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  if (ONLY.has('analyzer')) {
    // in process on this thread, before anything else starts: no database needed
    const a0 = performance.now();
    const a = await runAnalyzerBench(log, { seconds: Number(opt('analyzer-seconds', '5')) });
    const files = writeAnalyzerReport({ startedAt, commit: gitShort(), seconds: Math.round((performance.now() - a0) / 1000), ...a });
    console.log('\n' + analyzerTable(a.rows) + '\n');
    log(`results: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.md)}`);
    if (!CORE && !ONLY.has('mail') && !ONLY.has('keeping')) return;
  }
  try {
    cluster = await startCluster({ fresh: FRESH, log });
    if (!CORE) {
      // mail and keeping scenarios only: they need no 1M-ticket dataset (they use databases of their own)
      if (ONLY.has('mail')) {
        const mail = await runMailBench(cluster, log, { count: MAIL_COUNT });
        const files = writeMailReport({ startedAt, commit: gitShort(), seconds: Math.round((performance.now() - t0) / 1000), rows: mail.rows, notes: mail.notes });
        console.log('\n' + table(mail.rows) + '\n');
        log(`results: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.md)}`);
      }
      if (ONLY.has('keeping')) await keeping(cluster);
      return;
    }
    const removed = await cleanupExtra(cluster.url);
    if (removed) log(`removed ${removed} tickets left by an interrupted create run`);
    const dataset = await ensureDataset(cluster.adminUrl, cluster.url, { tickets: TICKETS, fresh: FRESH, log });
    if (!API) {
      // --only web (with mail/keeping): the browser scenario alone on the dataset
      await web(cluster, dataset);
      if (ONLY.has('mail')) {
        const mail = await runMailBench(cluster, log, { count: MAIL_COUNT });
        writeMailReport({ startedAt, commit: gitShort(), seconds: Math.round((performance.now() - t0) / 1000), rows: mail.rows, notes: mail.notes });
      }
      if (ONLY.has('keeping')) await keeping(cluster);
      return;
    }
    const fx = await fixtures(cluster.url);
    const pgInfo = new pg.Client({ connectionString: cluster.url });
    await pgInfo.connect();
    const version = (await pgInfo.query('show server_version')).rows[0].server_version;
    const sharedBuffers = (await pgInfo.query('show shared_buffers')).rows[0].shared_buffers;
    await pgInfo.end();

    server = await startServer(cluster.url);
    const dbPool = server.pool;
    log(`Slovo listening at ${server.base} (pid ${server.child.pid}, DB pool ${dbPool})`);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = sampleMemory(server.child.pid!, cluster.postmasterPid());
    const rows: Row[] = [];
    const notes = [...fx.notes];
    const run = async (row: Omit<Row, 'result'>, spec: Omit<LoadSpec, 'token'>) => {
      const load1 = os.loadavg()[0].toFixed(1);
      log(`${row.scenario}${row.note ? ` (${row.note})` : ''}, ${row.clients} client(s), ${row.mode} ... (load average ${load1})`);
      const stopCpu = cpuMeter(server!.child.pid!, cluster!.postmasterPid());
      const result = await load({ ...spec, token: fx.token });
      const r: Row = { ...row, result, cpu: stopCpu() };
      rows.push(r);
      log(`  ${result.requests} requests, ${result.throughput}/s, p50 ${result.p50} ms, p95 ${result.p95} ms, p99 ${result.p99} ms, errors ${result.errors}${result.failures.length ? ` (${result.failures[0]})` : ''}`);
      return r;
    };
    const read = { kind: 'http' as const, target: server.base, warmupMs: 2000, durationMs: READ_S * 1000 };

    if (ONLY.has('queue')) {
      for (const clients of [1, 4]) {
        await run({ scenario: 'Queue: all unsolved by priority', mode: 'HTTP', clients, target: { metric: 'p95', value: 15 } },
          { ...read, concurrency: clients, requests: [{ method: 'GET', path: `/api/v1/tickets?${QUEUE_ALL}` }] });
      }
      for (const clients of [1, 4]) {
        await run({ scenario: 'Queue: group + status + tag', mode: 'HTTP', clients, target: { metric: 'p95', value: 25 } },
          { ...read, concurrency: clients, requests: Array.from({ length: 10 }, (_, i) => ({ method: 'GET' as const, path: `/api/v1/tickets?${queueFiltered(i + 1)}` })) });
      }
    }

    const searchHttp = await hasRoute(server.base, '/api/v1/search');
    if (ONLY.has('search')) {
      const http = searchHttp;
      const matches = await countMatches(cluster.url, [...dataset.rareWords, ...COMMON_WORDS]);
      notes.push(`Search words and matching tickets: ${Object.entries(matches).map(([w, n]) => `${w} ${n.toLocaleString('en')}`).join(', ')}.`);
      if (!http) notes.push('Search is measured at SQL level (GET /api/v1/search was not registered): the statement in "Plans" runs on its own pg connections from the load child, without HTTP and JSON.');
      const searchReqs = (words: string[]) => words.map((w) => (http
        ? { method: 'GET' as const, path: `/api/v1/search?q=${encodeURIComponent(w)}&limit=50` }
        : { sql: SEARCH_SQL, params: [w] }));
      const spec = http ? read : { ...read, kind: 'sql' as const, target: cluster.url };
      for (const [name, words, p95] of [['Search: rare word', dataset.rareWords, 20], ['Search: common word, first page', COMMON_WORDS, 150]] as const) {
        for (const clients of [1, 4]) {
          await run({ scenario: name, mode: http ? 'HTTP' : 'SQL', clients, target: { metric: 'p95', value: p95 } },
            { ...spec, concurrency: clients, requests: searchReqs([...words]) });
        }
      }
    }

    log('EXPLAIN (ANALYZE, BUFFERS) of the queue and search statements');
    const plans: Plan[] = [];
    for (const [name, qs] of [['Queue: all unsolved by priority', QUEUE_ALL], ['Queue: group 1 + status + tag', queueFiltered(1)]]) {
      const query = ListTicketsQuery.parse(Object.fromEntries(new URLSearchParams(qs)));
      plans.push(...await explainService(cluster.url, `${name} — GET /api/v1/tickets?${qs}`, (deps, actor) => listTickets(deps, actor, query)));
    }
    for (const [kind, word] of [['rare', dataset.rareWords[0]], ['common', COMMON_WORDS[0]]]) {
      if (searchHttp) {
        const query = SearchQuery.parse({ q: word, limit: '50' });
        plans.push(...await explainService(cluster.url, `Search: ${kind} word — GET /api/v1/search?q=${word}&limit=50`, (deps, actor) => searchTickets(deps, actor, query)));
      } else {
        plans.push(await explain(cluster.url, `Search: ${kind} word "${word}" (SQL level)`, SEARCH_SQL, [word]));
      }
    }

    if (ONLY.has('create')) {
      const body = CreateTicketBody.parse(JSON.parse(createRequests(fx.emails)[0].body));
      plans.push(...await explainService(cluster.url, 'Create ticket — the insert statement of POST /api/v1/tickets (rolled back)',
        (deps, actor) => createTicket(deps, { ...actor, id: fx.userId, role: 'agent', scopes: ['write'] }, body)));
    }

    let createLoad: Memory['createLoad'] = null;
    if (ONLY.has('create')) {
      const requests = createRequests(fx.emails);
      const stopSampling = memorySampler(server.child.pid!, cluster.postmasterPid());
      const statements = process.env.SLOVO_BENCH_STATEMENTS ? await statementStats(cluster.url, 'Create') : null;
      await run({ scenario: 'Create ticket (POST /api/v1/tickets)', mode: 'HTTP', clients: 10, target: { metric: 'throughput', value: 1500 } },
        { kind: 'http', target: server.base, concurrency: 10, warmupMs: 3000, durationMs: CREATE_S * 1000, expectStatus: 201, requests });
      createLoad = stopSampling();
      if (statements) notes.push(...(await statements.report()));
      notes.push('Create: Bearer token of an agent (scope write); body = subject, requester by the e-mail of an existing customer, a 3-sentence text message, groupId, one tag, priority; no Idempotency-Key. The created tickets are deleted after the run (the dataset stays at its counts).');
    }
    await server.stop();
    server = null;
    if (ONLY.has('mail')) {
      const mail = await runMailBench(cluster, log, { count: MAIL_COUNT });
      rows.push(...mail.rows);
      notes.push(...mail.notes);
    }
    if (ONLY.has('create')) {
      log('removing the tickets created by the run');
      await cleanupExtra(cluster.url, { vacuum: true });
    }

    notes.push(`Load client: a separate Node process (node:http, keep-alive, closed loop), on the same machine as Slovo and PostgreSQL; warm-up ${read.warmupMs / 1000} s (reads) / 3 s (create) not counted.`);
    notes.push(`Slovo runs as \`slovo serve\` does (startRuntime + buildApp, pg-boss and workers on), NODE_ENV=production, LOG_LEVEL=warn, DB pool ${dbPool} (SLOVO_DB_POOL default); PostgreSQL as Slovo ships it embedded (shared_buffers ${sharedBuffers}, fsync on, synchronous_commit on).`);
    notes.push(`CPU columns: cores busy during the run (incl. warm-up) — Slovo node process / PostgreSQL processes / whole machine (of ${os.cpus().length}); the remainder of the machine figure is the load client and other work on the machine.`);
    notes.push('Other engineers run tests on this machine at the same time; the load average printed per scenario in the log shows the noise.');
    const report = {
      startedAt, finishedAt: new Date().toISOString(), seconds: Math.round((performance.now() - t0) / 1000), commit: gitShort(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: version, loadavgAtEnd: os.loadavg()[0].toFixed(1) },
      dataset, rows, memory: { idle, createLoad }, plans: [...fx.plans, ...plans], notes,
    };
    const files = writeReport(report);
    console.log('\n' + table(rows) + '\n');
    console.log(`memory idle: node ${idle.nodeRssMb} MB RSS, postgres ${idle.pgRssMb} MB RSS / ${idle.pgPssMb} MB PSS` +
      (createLoad ? `; create load peak: node ${createLoad.peak.nodeRssMb} MB, postgres ${createLoad.peak.pgRssMb} MB RSS / ${createLoad.peak.pgPssMb} MB PSS` : ''));
    log(`results: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.md)}`);
    if (ONLY.has('web')) await web(cluster, dataset);
    if (ONLY.has('keeping')) await keeping(cluster);
  } finally {
    await stopAll();
  }
}

await main();
