// Deps for calling the keeping services in the bench process (no HTTP, no pg-boss), and a
// variant whose db records every statement with its duration (for the sweep's statement list
// and its EXPLAIN plans: the exact SQL the services send, same parameters).
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../server/config.ts';
import { createDb } from '../server/db/db.ts';
import type { Deps } from '../server/deps.ts';
import { recordingDb, type Captured } from './explain.ts';

export type { Captured };

const config = (url: string) => loadConfig({
  DATABASE_URL: url, LOG_LEVEL: 'silent', SLOVO_JOBS: 'false', PUBLIC_URL: 'https://help.bench.example',
}, { dotenv: false });

/** Deps as a Slovo process has them, with jobs off (boss null) and a pool of `max`. */
export function benchDeps(url: string, max = 6): Deps & { close: () => Promise<void> } {
  const { db, pool } = createDb(url, max);
  return { db, pool, config: config(url), boss: null, log: pino({ level: 'silent' }), close: () => db.destroy() };
}

/** Like benchDeps, but every statement sent through db or pool is recorded in `out`. */
export function recordingDeps(url: string, out: Captured[], max = 6): Deps & { close: () => Promise<void> } {
  const { db, pool } = recordingDb(url, out, max);
  return { db, pool, config: config(url), boss: null, log: pino({ level: 'silent' }), close: () => db.destroy() };
}

/** A scan summary of a plan: which scans on which indexes/tables, heap fetches, seq scans. */
export function planFlags(plan: string): { indexOnly: boolean; seqScan: boolean; heapFetches: number | null; scans: string[] } {
  const scans = [...plan.matchAll(/((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan)(?: Backward)?)(?: using (\S+))? on (\S+)/g)]
    .map((m) => `${m[1]}${m[2] ? ` using ${m[2]}` : ''} on ${m[3]}`);
  const fetches = [...plan.matchAll(/Heap Fetches: (\d+)/g)].map((m) => Number(m[1]));
  return {
    indexOnly: /Index Only Scan/.test(plan), seqScan: /Seq Scan/.test(plan),
    heapFetches: fetches.length ? fetches.reduce((a, b) => a + b, 0) : null, scans: [...new Set(scans)],
  };
}

/** Long id lists in plans and parameters, cut to their first ids and a count. */
export function shorten<T>(x: T): T {
  if (typeof x === 'string') return x.replace(/\{(\d+,){20,}\d+\}/g, (m) => { const a = m.slice(1, -1).split(','); return `{${a.slice(0, 3).join(',')},…${a.length} ids}`; }) as T;
  if (Array.isArray(x)) return (x.length > 20 ? [...x.slice(0, 3), `…${x.length} items`] : x.map((v) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 200)}…(${v.length} characters)` : shorten(v)))) as T;
  return x;
}

/** VACUUM (ANALYZE) of `tables`, then waits (up to 60 s) until no autovacuum worker runs, so a timed run does not share the machine with one. */
export async function quiesce(url: string, tables: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`vacuum (analyze) ${tables}`);
    for (let i = 0; i < 120; i++) {
      const r = await c.query(`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`);
      if (!r.rows[0].n) return;
      await new Promise((res) => setTimeout(res, 500));
    }
  } finally {
    await c.end();
  }
}
