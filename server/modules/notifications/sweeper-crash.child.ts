// A worker process for sweeper-crash.test.ts: one sweep, then the outbox sender (as the
// keeping.sweep and mail.outbox-sweep jobs would run them), against DATABASE_URL.
import pino from 'pino';
import { loadConfig } from '../../config.ts';
import { createDb } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { closeTransports, sweepOutbox } from '../../mail/outbound/sender.ts';
import { sweep } from './sweeper.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url }, { dotenv: false });
const { db, pool } = createDb(url, 6);
const deps: Deps = { db, pool, config, boss: null, log: pino({ level: 'silent' }) };

const swept = await sweep(deps);
process.stdout.write(`swept ${JSON.stringify(swept)}\n`);
const sent = await sweepOutbox(deps, { budgetMs: 30_000 });
process.stdout.write(`sent ${JSON.stringify(sent)}\n`);
await closeTransports();
await db.destroy();
