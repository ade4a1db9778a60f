// Starts what a Slovo process needs: the database (embedded or external), migrations,
// the pool, pg-boss and its workers. Returns deps and an orderly stop.
import { createLogger } from './log.ts';
import type { Config } from './config.ts';
import { createDb } from './db/db.ts';
import { ensureDatabase, startEmbedded, type EmbeddedServer } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import { startBoss, stopJobs } from './jobs/boss.ts';
import { registerWorkers } from './jobs/workers.ts';

export type Runtime = { deps: Deps; url: string; embedded: EmbeddedServer | null; stop: () => Promise<void> };

export async function resolveDatabase(config: Config, log: (m: string) => void): Promise<{ url: string; embedded: EmbeddedServer | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbedded({ dataDir: config.dataDir, port: config.SLOVO_PG_PORT, sharedBuffers: config.SLOVO_PG_SHARED_BUFFERS, log });
  const url = await ensureDatabase(embedded.url, 'slovo');
  return { url, embedded };
}

export async function startRuntime(config: Config, opts: { jobs?: boolean; workers?: boolean } = {}): Promise<Runtime> {
  const log = createLogger(config.LOG_LEVEL);
  const { url, embedded } = await resolveDatabase(config, (m) => log.info(m));
  try {
    await migrate(url, (m) => log.info(m));
    const { db, pool } = createDb(url, config.SLOVO_DB_POOL);
    const jobs = (opts.jobs ?? true) && config.SLOVO_JOBS;
    const boss = jobs ? await startBoss(url, { schedule: opts.workers ?? true }) : null;
    const deps: Deps = { db, pool, config, boss, log };
    if (boss && (opts.workers ?? true)) await registerWorkers(deps, boss);
    const stop = async () => {
      if (boss) await stopJobs(boss, { graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
      await db.destroy().catch(() => {});
      if (embedded) await embedded.stop();
    };
    return { deps, url, embedded, stop };
  } catch (e) {
    if (embedded) await embedded.stop();
    throw e;
  }
}
