// One pg pool and one Kysely instance per process.
import { createHash } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';

// bigint (int8) and numeric stay strings; counts are cast to int in SQL where needed.
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

export function createDb(url: string, max = 20): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, application_name: 'slovo' });
  pool.on('error', () => {}); // a dropped idle client is replaced; queries report their own errors
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

/**
 * Runs a static, parameterized SQL text as a named prepared statement (planned once per
 * connection) — for the few hot queries. Inside a transaction it runs on that transaction.
 */
export async function prepared<R>(db: Db, pool: pg.Pool, name: string, text: string, values: unknown[]): Promise<R[]> {
  if (db.isTransaction) return (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows;
  return (await pool.query({ name, text, values })).rows as R[];
}

/**
 * A Kysely over its own small pool whose every statement runs as a named prepared
 * statement (named by its text's hash): planned once per connection, then a cached plan.
 * For hot, key-based statements only (the mail pipeline); queue and search queries, whose
 * best plan depends on the values, stay on the ordinary pool.
 */
export function createPreparingDb(url: string, max: number): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, allowExitOnIdle: true, application_name: 'slovo-mail' });
  pool.on('error', () => {});
  const wrapped = new WeakSet<pg.PoolClient>();
  const connect = async () => {
    const client = await pool.connect();
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<pg.QueryResult>;
      (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown[]) =>
        typeof text === 'string' && Array.isArray(values) && values.length > 0
          ? query({ name: `k${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text, values })
          : query(text, values);
    }
    return client;
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect, end: () => pool.end() } as unknown as pg.Pool }) });
  return { db, pool };
}
