// One pg pool and one Kysely instance per process.
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
