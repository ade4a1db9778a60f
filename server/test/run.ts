// `npm test`: starts one PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL),
// builds a migrated template database, then runs every *.test.ts with node:test.
// Each test file clones the template into a database of its own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { startEmbedded, type EmbeddedServer } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { freePort } from './ports.ts';
import { ensureWebBuilt } from '../../web/build.ts';

const root = path.resolve(import.meta.dirname, '../..');
const filter = process.argv.slice(2);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// screenshots of failed browser steps are this run's only (the reporter lists them at the end)
fs.rmSync(path.join(root, 'test-artifacts'), { recursive: true, force: true });

let embedded: EmbeddedServer | null = null;
let adminUrl = process.env.TEST_DATABASE_URL;
let tmp: string | null = null;
if (!adminUrl) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slovo-test-'));
  embedded = await startEmbedded({ dataDir: tmp, port: await freePort(), sharedBuffers: '128MB' });
  adminUrl = embedded.url;
}
const template = `slovo_tpl_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`drop database if exists ${template}`);
await admin.query(`create database ${template}`);
const u = new URL(adminUrl);
u.pathname = `/${template}`;
await migrate(u.toString());
const boss = new PgBoss({ connectionString: u.toString(), max: 1, supervise: false, schedule: false });
await boss.start();
await boss.stop({ graceful: false, wait: true });
await new Promise((r) => setTimeout(r, 300));

let files = ['server', 'bench', 'web'].filter((d) => fs.existsSync(path.join(root, d))).flatMap((d) => findTests(path.join(root, d))).sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
// TEST_EXCLUDE: comma-separated path parts to leave out (CI's second database pass skips the browser tests)
const exclude = (process.env.TEST_EXCLUDE ?? '').split(',').filter(Boolean);
if (exclude.length) files = files.filter((f) => !exclude.some((x) => f.includes(x)));
// browser tests serve web/dist: build it once here (skipped when the sources did not change)
if (files.some((f) => f.includes(`${path.sep}web${path.sep}`))) await ensureWebBuilt({ quiet: true });

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--import', path.join(root, 'server/test/watchdog.ts'), '--test', `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 240_000}`, `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, `--test-reporter=${path.join(root, 'server/test/reporter.js')}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', SLOVO_TEST_ADMIN_URL: adminUrl, SLOVO_TEST_TEMPLATE: template } },
);
const code: number = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));

await admin.query(`drop database if exists ${template}`).catch(() => {});
await admin.end();
if (embedded) await embedded.stop();
if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
process.exit(code);
