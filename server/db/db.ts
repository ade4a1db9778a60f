// One pg pool and one Kysely instance per process.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
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
