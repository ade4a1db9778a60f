// What services need from the outside world, created once in main and passed down.
import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';

export type Deps = {
  db: Db;
  pool: pg.Pool;
  config: Config;
  boss: PgBoss | null; // null only when jobs are switched off
  log: Logger;
};
