// Database access for one-off operations (demo, backup, restore). With the embedded
// PostgreSQL, a postmaster already serving the data folder (a running `slovo serve`)
// is used as is: starting our own would stop it (see recoverLeftover).
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { ensureDatabase } from '../db/embedded.ts';
import { resolveDatabase } from '../runtime.ts';

export type OpsDb = { url: string; source: 'external' | 'embedded-running' | 'embedded'; close: () => Promise<void> };

async function runningPostmaster(pgDir: string): Promise<{ pid: number; port: number } | null> {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
    const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
    return cmd.includes('postgres') ? { pid, port } : null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? { pid, port } : null;
  }
}

export async function openOpsDb(config: Config, log: (m: string) => void = () => {}): Promise<OpsDb> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, source: 'external', close: async () => {} };
  const pgDir = path.join(config.dataDir, 'pg');
  const running = await runningPostmaster(pgDir);
  const pwFile = path.join(config.dataDir, 'pg-password');
  if (running && existsSync(pwFile)) {
    const password = (await fs.readFile(pwFile, 'utf8')).trim();
    const admin = `postgres://slovo:${encodeURIComponent(password)}@127.0.0.1:${running.port}/postgres`;
    try {
      const url = await ensureDatabase(admin, 'slovo');
      log(`using the embedded PostgreSQL already running in ${pgDir} (port ${running.port})`);
      return { url, source: 'embedded-running', close: async () => {} };
    } catch {
      // not reachable (e.g. shutting down): fall through and start our own
    }
  }
  const { url, embedded } = await resolveDatabase(config, log);
  return { url, source: 'embedded', close: async () => { await embedded?.stop(); } };
}
