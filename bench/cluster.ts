// The benchmark's own embedded PostgreSQL 18 cluster: kept between runs in
// $SLOVO_BENCH_DIR (default <tmp>/slovo-bench) so the 1M-ticket data is built once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbedded, type EmbeddedServer } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
import { freePort } from '../server/test/ports.ts';

export const BENCH_DB = 'slovo_bench';
export const benchDir = () => path.resolve(process.env.SLOVO_BENCH_DIR ?? path.join(os.tmpdir(), 'slovo-bench'));

async function dropDatabase(adminUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`drop database if exists ${BENCH_DB} with (force)`);
  await c.end();
}

/** Drops and recreates the bench database, migrated and empty (same URL). */
export async function recreateDatabase(adminUrl: string): Promise<void> {
  await dropDatabase(adminUrl);
  await migrate(await ensureDatabase(adminUrl, BENCH_DB));
}

export type Cluster = { embedded: EmbeddedServer; adminUrl: string; url: string; postmasterPid: () => number; stop: () => Promise<void> };

/** Starts the cluster (shared_buffers as Slovo ships it: 256MB), creates and migrates the bench database. */
export async function startCluster(opts: { fresh?: boolean; log?: (m: string) => void } = {}): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const dir = benchDir();
  fs.mkdirSync(dir, { recursive: true });
  // SLOVO_BENCH_STATEMENTS=1: pg_stat_statements on, and the create scenario lists where PostgreSQL's time went
  const settings = process.env.SLOVO_BENCH_STATEMENTS ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] : [];
  const embedded = await startEmbedded({ dataDir: dir, port: await freePort(), log, settings });
  try {
    if (opts.fresh) await dropDatabase(embedded.url);
    const url = await ensureDatabase(embedded.url, BENCH_DB);
    for (const m of await migrate(url)) log(`migrated ${m}`);
    const postmasterPid = () => Number(fs.readFileSync(path.join(embedded.pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { embedded, adminUrl: embedded.url, url, postmasterPid, stop: () => embedded.stop() };
  } catch (e) {
    await embedded.stop();
    throw e;
  }
}
