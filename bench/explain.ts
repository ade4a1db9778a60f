// EXPLAIN (ANALYZE, BUFFERS) of the statements behind the measured endpoints. The service
// functions themselves run once against a Kysely instance that records every query, so the
// plans are those of the exact SQL the endpoints send (same builder code, same parameters).
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { SYSTEM } from '../server/actor.ts';
import { loadConfig } from '../server/config.ts';
import type { DB } from '../server/db/types.ts';
import type { Deps } from '../server/deps.ts';

export type Plan = { name: string; sql: string; params: unknown[]; plan: string };
export type Captured = { sql: string; params: unknown[]; ms: number };

/** A pool and Kysely that record every statement sent through either (named prepared statements
 *  go straight to the pool), with its duration. */
export function recordingDb(url: string, out: Captured[], max: number): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => { out.push({ sql: e.query.sql, params: [...e.query.parameters], ms: e.queryDurationMillis }); },
  });
  const query = pool.query.bind(pool) as (c: pg.QueryConfig) => Promise<pg.QueryResult>;
  pool.query = (async (c: pg.QueryConfig | string, values?: unknown[]) => {
    const cfg: pg.QueryConfig = typeof c === 'string' ? { text: c, values } : c;
    const t = performance.now();
    const r = await query(cfg);
    out.push({ sql: cfg.text, params: [...(cfg.values ?? [])], ms: performance.now() - t });
    return r;
  }) as typeof pool.query;
  return { db, pool };
}

/** Runs `fn` with deps whose db records each query (with its duration). */
export async function capture(url: string, fn: (deps: Deps, actor: typeof SYSTEM) => Promise<unknown>): Promise<Captured[]> {
  const out: Captured[] = [];
  const { db, pool } = recordingDb(url, out, 2);
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', SLOVO_JOBS: 'false' }, { dotenv: false });
  try {
    await fn({ db, pool, config, boss: null, log: pino({ level: 'silent' }) }, SYSTEM);
  } finally {
    await db.destroy();
  }
  return out;
}

/** The search equivalent named in the brief, used only when GET /api/v1/search is missing. */
export const SEARCH_SQL = `select t.id, t.number, t.subject, t.status, t.priority, t.updated_at
from tickets t
where t.search @@ to_tsquery('russian', $1)
order by t.updated_at desc, t.id desc
limit 51`;

/** EXPLAIN ANALYZE runs the statement: writes are rolled back. */
export async function explain(url: string, name: string, text: string, params: unknown[]): Promise<Plan> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`explain (analyze) ${text}`, params); // warms this connection's caches like a pooled one
    await c.query('rollback; begin');
    const r = await c.query(`explain (analyze, buffers) ${text}`, params); // bind parameters pass through EXPLAIN
    return { name, sql: text, params, plan: r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n') };
  } finally {
    await c.query('rollback').catch(() => {});
    await c.end();
  }
}

/** Captures what `fn` sends and explains the statements that read tickets. */
export async function explainService(url: string, name: string, fn: Parameters<typeof capture>[1], match = /\b(from|into) "?tickets"?\s/i): Promise<Plan[]> {
  const qs = (await capture(url, fn)).filter((q) => match.test(q.sql));
  const plans: Plan[] = [];
  for (const [i, q] of qs.entries()) plans.push(await explain(url, qs.length > 1 ? `${name} [statement ${i + 1} of ${qs.length}]` : name, q.sql, q.params));
  return plans;
}
