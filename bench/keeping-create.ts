// Side figure: POST /api/v1/tickets over HTTP with the keeping hooks on (SLA row, promises,
// escalation rules, priority score in the create path), the same load as the main bench's
// create scenario (bench/run.ts), against the priority database (100k unsolved tickets with
// SLA rows, nothing due). Slovo runs as `slovo serve` does (bench/server.ts, pg-boss on).
import { execSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomToken, sha256 } from '../server/modules/auth/tokens.ts';
import { CreateTicketBody } from '../api/tickets.ts';
import { SYSTEM } from '../server/actor.ts';
import { createTicket } from '../server/modules/tickets/tickets.service.ts';
import { quiesce, recordingDeps, type Captured } from './keeping-deps.ts';
import type { LoadSpec } from './load.ts';
import type { Row } from './report.ts';
import { cpuMeter, type LoadResult } from './stats.ts';
import { requestTexts } from './vocab.ts';

const here = import.meta.dirname;
const forkTs = (file: string, env: NodeJS.ProcessEnv) =>
  fork(path.resolve(here, file), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/** The source tree of an older commit (git archive) with this checkout's node_modules, for a baseline server. */
export function baselineTree(commit: string, dir: string): string {
  if (!/^[0-9a-f]{7,40}$/.test(commit)) throw new Error(`not a commit: ${commit}`);
  const root = path.join(dir, `baseline-${commit}`);
  if (!fs.existsSync(path.join(root, 'bench', 'server.ts'))) {
    fs.mkdirSync(root, { recursive: true });
    execSync(`git archive ${commit} | tar -x -C '${root}'`, { cwd: path.resolve(here, '..') }); // from the top: the whole tree
    fs.symlinkSync(path.resolve(here, '..', 'node_modules'), path.join(root, 'node_modules'));
  }
  return root;
}

function startServer(url: string, serverFile: string): Promise<{ child: ChildProcess; base: string; stop: () => Promise<void> }> {
  const child = forkTs(serverFile, { ...process.env, DATABASE_URL: url });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({
      child, base: `http://127.0.0.1:${m.port}`,
      stop: async () => {
        if (child.exitCode !== null) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.send('stop');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      },
    }));
    child.once('exit', (code) => reject(new Error(`Slovo server exited with ${code}`)));
  });
}

function load(spec: LoadSpec): Promise<LoadResult> {
  const child = forkTs('load.ts', process.env);
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`load client exited with ${code}`)));
    child.send(spec);
  });
}

/** Deletes tickets above maxId and every row that points at them or at their messages (FKs found in the catalog). */
export async function removeCreated(url: string, maxId: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const refs = async (table: string) => (await c.query(`select k.conrelid::regclass::text as tbl, a.attname as col
      from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where k.contype = 'f' and k.confrelid = $1::regclass and k.conrelid <> $1::regclass`, [table])).rows as { tbl: string; col: string }[];
    await c.query('begin');
    await c.query('set local session_replication_role = replica'); // ticket_events is append-only by trigger
    await c.query(`create temp table gone_messages on commit drop as select id from messages where ticket_id > $1`, [maxId]);
    for (const r of await refs('messages')) await c.query(`delete from ${r.tbl} where ${r.col} in (select id from gone_messages)`);
    for (const r of await refs('tickets')) await c.query(`delete from ${r.tbl} where ${r.col} > $1`, [maxId]);
    const del = await c.query('delete from tickets where id > $1', [maxId]);
    await c.query('commit');
    if (del.rowCount) await c.query('vacuum (analyze) tickets, messages, ticket_sla');
    return del.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

type Variant = { label: string; serverFile: string };

/** The statements of one ticket create (createTicket in this process, after 3 warm-up creates), with their times. */
async function createStatements(url: string, userId: string, emails: string[]): Promise<{ sql: string; ms: number }[]> {
  let out: Captured[] = [];
  for (let i = 0; i < 4; i++) {
    out = [];
    const deps = recordingDeps(url, out);
    try {
      const body = CreateTicketBody.parse({ subject: 'Не проходит оплата картой', requester: { email: emails[i] }, message: { body: 'Здравствуйте. Оплата картой не проходит уже второй день. Помогите, пожалуйста.' }, priority: 'normal', groupId: String(1 + i), tags: ['billing'], channel: 'api' });
      await createTicket(deps, { ...SYSTEM, id: userId, role: 'agent', scopes: ['write'] }, body);
    } finally {
      await deps.close();
    }
  }
  return out.map((q) => ({ sql: q.sql.replace(/\s+/g, ' ').trim().slice(0, 200), ms: Math.round(q.ms * 10) / 10 }));
}

export async function runCreateBench(cluster: { postmasterPid: () => number }, url: string, o: { maxTicketId: number; seconds: number; baseline?: { commit: string; root: string }; log: (m: string) => void }): Promise<{ rows: Row[]; notes: string[]; statements: { sql: string; ms: number }[] }> {
  const variants: Variant[] = [{ label: 'keeping hooks on', serverFile: 'server.ts' }];
  if (o.baseline) variants.push({ label: `baseline ${o.baseline.commit}`, serverFile: path.join(o.baseline.root, 'bench', 'server.ts') });
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const v of variants) {
    const r = await createRun(cluster, url, o, v);
    rows.push(r.row);
    notes.push(...r.notes);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const userId = String((await c.query(`select id from users where lower(email) = 'bench@bench.example'`)).rows[0].id);
  const emails = (await c.query(`select email from customer_emails order by hashtext(email) desc limit 4`)).rows.map((r) => r.email as string);
  await c.end();
  const statements = await createStatements(url, userId, emails);
  await removeCreated(url, o.maxTicketId);
  return { rows, notes, statements };
}

async function createRun(cluster: { postmasterPid: () => number }, url: string, o: { maxTicketId: number; seconds: number; log: (m: string) => void }, v: Variant): Promise<{ row: Row; notes: string[] }> {
  await removeCreated(url, o.maxTicketId);
  await quiesce(url, 'tickets, ticket_sla, promises, messages, ticket_events');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let token: string;
  let emails: string[];
  try {
    let u = await c.query(`select id from users where lower(email) = 'bench@bench.example'`);
    if (!u.rowCount) u = await c.query(`insert into users (email, name, role) values ('bench@bench.example', 'Bench agent', 'agent') returning id`);
    token = `slv_${randomToken(30)}`;
    await c.query(`delete from api_tokens where user_id = $1`, [u.rows[0].id]);
    await c.query(`insert into api_tokens (user_id, name, token_hash, prefix, scopes) values ($1, 'bench', $2, $3, '{write}')`, [u.rows[0].id, sha256(token), token.slice(0, 10)]);
    emails = (await c.query(`select email from customer_emails order by hashtext(email) limit 2000`)).rows.map((r) => r.email as string);
  } finally {
    await c.end();
  }
  const tags = ['billing', 'delivery', 'login', 'bug', 'refund'];
  const requests = requestTexts(2000).map((t, i) => ({
    method: 'POST' as const, path: '/api/v1/tickets',
    body: JSON.stringify({
      subject: t.subject, requester: { email: emails[i % emails.length] }, message: { body: t.body },
      priority: i % 10 === 0 ? 'high' : 'normal', groupId: String(1 + (i % 10)), tags: [tags[i % 5]], channel: 'api',
    }),
  }));
  const server = await startServer(url, v.serverFile);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const loadavg = os.loadavg()[0].toFixed(1);
    o.log(`create ticket over HTTP (${v.label}), 10 clients, ${o.seconds} s (load average ${loadavg}) ...`);
    const cpu = cpuMeter(server.child.pid!, cluster.postmasterPid());
    const result = await load({ kind: 'http', target: server.base, token, concurrency: 10, warmupMs: 3000, durationMs: o.seconds * 1000, expectStatus: 201, requests });
    const used = cpu();
    const per = (cores: number) => (result.throughput ? Math.round((cores / result.throughput) * 10000) / 10 : 0);
    const row: Row = {
      scenario: `Create ticket (POST /api/v1/tickets), ${v.label}`, mode: 'HTTP', clients: 10, target: { metric: 'throughput', value: 1500 }, result, cpu: used,
      note: `CPU per create: Slovo ${per(used.slovoCores)} ms, postgres ${per(used.postgresCores)} ms`,
    };
    o.log(`  ${result.requests} requests, ${result.throughput}/s, p50 ${result.p50} ms, p95 ${result.p95} ms, errors ${result.errors}${result.failures.length ? ` (${result.failures[0]})` : ''}`);
    return { row, notes: [`Create (${v.label}): load average ${loadavg} at the start.`] };
  } finally {
    await server.stop();
    const n = await removeCreated(url, o.maxTicketId);
    o.log(`  removed ${n} created tickets`);
  }
}
