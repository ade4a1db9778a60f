// Applies timestamped SQL files from migrations/ in order, each in its own transaction,
// under an advisory lock so two processes starting at once do not race.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_301_952_001; // arbitrary, stable

export type Migration = { version: string; name: string; file: string };

export async function listMigrations(): Promise<Migration[]> {
  const files = (await fs.readdir(DIR)).filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((f) => ({ version: f.slice(0, 14), name: f.slice(15, -4), file: path.join(DIR, f) }));
}

export async function migrate(url: string, log: (m: string) => void = () => {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      version text primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set((await client.query('select version from schema_migrations')).rows.map((r) => r.version));
    for (const m of await listMigrations()) {
      if (done.has(m.version)) continue;
      const sql = await fs.readFile(m.file, 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw new Error(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`);
      }
      log(`migrated ${m.version}_${m.name}`);
      applied.push(m.version);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}

/** True when every migration file has been applied (used by /readyz). */
export async function pendingMigrations(query: (sql: string) => Promise<{ rows: { version: string }[] }>): Promise<string[]> {
  const all = await listMigrations();
  let done: Set<string>;
  try {
    done = new Set((await query('select version from schema_migrations')).rows.map((r) => r.version));
  } catch {
    return all.map((m) => m.version);
  }
  return all.filter((m) => !done.has(m.version)).map((m) => m.version);
}
