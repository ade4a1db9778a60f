// Slovo as `slovo serve` runs it (startRuntime: pool, migrations, pg-boss and workers;
// buildApp; a real listening socket), against the benchmark's database. Forked by
// bench/run.ts; reports its port over IPC and stops on "stop".
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { startRuntime } from '../server/runtime.ts';
import { startMailPaths } from '../server/mail/index.ts';
import { WEB_DIST } from '../web/build.ts';

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', // per-request info logs would go to the pipe of the parent
}, { dotenv: false });
const rt = await startRuntime(config);
const app = await buildApp(rt.deps, process.env.BENCH_WEB ? { web: WEB_DIST } : {}); // BENCH_WEB: serve the built web app (bench/web.ts)
await app.listen({ port: 0, host: '127.0.0.1' });
const stopMail = process.env.BENCH_MAIL_PATHS ? await startMailPaths(rt.deps) : null; // IMAP watchers, as serve runs them
process.send!({ port: (app.server.address() as AddressInfo).port, pool: config.SLOVO_DB_POOL });
process.on('message', async (m) => {
  if (m !== 'stop') return;
  await stopMail?.().catch(() => {});
  await app.close().catch(() => {});
  await rt.stop().catch(() => {});
  process.exit(0);
});
