// Test support: runs `node bin/slovo.js <command>` as a real child process and keeps
// track of it (and of embedded postmasters in its data folder) so tests can clean up.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export type SlovoProcess = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

const running = new Set<ChildProcess>();

/** The environment of the test run without what would point the child at the test database. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SLOVO_') && k !== 'DATABASE_URL' && k !== 'PORT') env[k] = v;
  return { ...env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...extra };
}

export function startSlovo(args: string[], env: Record<string, string>): SlovoProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/slovo.js'), ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      // let the pipes drain so output() is complete
      setTimeout(() => resolve({ code, signal }), 50);
    });
  });
  return { child, output: () => out, exited };
}

/** Runs a command to the end. */
export async function runSlovo(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const p = startSlovo(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const r = await p.exited;
  clearTimeout(timer);
  return { ...r, output: p.output() };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster pid recorded in <dataDir>/pg/postmaster.pid, if that process runs on that folder. */
export function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(dataDir, 'pg')) ? pid : null;
  } catch {
    return null;
  }
}

export async function waitFor(what: string, fn: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Kills every child still running and the postmasters of the given data folders. */
export async function killAll(dataDirs: string[]): Promise<void> {
  const children = [...running];
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  })));
  // a postmaster spawned just before the kill writes its pid file a moment later
  if (children.length) await new Promise((r) => setTimeout(r, 1000));
  for (const dir of dataDirs) {
    const pid = postmasterPid(dir);
    if (pid) {
      process.kill(pid, 'SIGQUIT');
      await waitFor('the postmaster to stop', () => !pidAlive(pid), 10_000).catch(() => process.kill(pid, 'SIGKILL'));
    }
  }
}
