// The slovo command line as a user runs it: config errors, usage, backup and restore.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { killAll, runSlovo } from '../ops/cli-process.ts';
import { createTestDatabase, makeTicket, setup, type TestCtx } from '../test/harness.ts';

let dir: string;
let ctx: TestCtx;
const drops: (() => Promise<void>)[] = [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-cli-'));
  ctx = await setup();
});
after(async () => {
  await killAll([]);
  for (const d of drops) await d().catch(() => {});
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env, { dotenv: false });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  assert.fail(`config ${JSON.stringify(env)} was accepted`);
}

describe('configuration', () => {
  test('bad values are refused with a message naming the variable', () => {
    assert.match(configError({ PORT: 'abc' }), /Invalid configuration:\n {2}PORT: /);
    assert.match(configError({ PORT: '70000' }), /PORT/);
    assert.match(configError({ SLOVO_TICKET_PREFIX: 'sl-1' }), /SLOVO_TICKET_PREFIX: use 1-8 capital letters\/digits, e\.g\. SL/);
    assert.match(configError({ SLOVO_ADMIN_PASSWORD: 'short' }), /SLOVO_ADMIN_PASSWORD must be at least 12 characters/);
    assert.match(configError({ DATABASE_URL: 'not a url' }), /DATABASE_URL/);
    assert.match(configError({ SLOVO_JOBS: 'maybe' }), /SLOVO_JOBS/);
    const both = configError({ PORT: 'abc', SLOVO_TICKET_PREFIX: 'sl-1' });
    assert.match(both, /PORT/);
    assert.match(both, /SLOVO_TICKET_PREFIX/);
  });

  test('good values and defaults', () => {
    const c = loadConfig({ PORT: '8080', SLOVO_TICKET_PREFIX: 'HD2', SLOVO_JOBS: 'no' }, { dotenv: false });
    assert.equal(c.PORT, 8080);
    assert.equal(c.SLOVO_TICKET_PREFIX, 'HD2');
    assert.equal(c.SLOVO_JOBS, false);
    assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(loadConfig({}, { dotenv: false }).SLOVO_PG_PORT, 54329);
  });

  test('slovo serve with a bad PORT exits 78 with the message, touching nothing', async () => {
    const data = path.join(dir, 'never');
    const r = await runSlovo(['serve'], { PORT: 'abc', SLOVO_DATA_DIR: data });
    assert.equal(r.code, 78, r.output);
    assert.match(r.output, /Invalid configuration:\n {2}PORT: /);
    assert.ok(!existsSync(data), 'no data folder created');
  });

  test('usage: unknown command exits 2, help exits 0', async () => {
    const bad = await runSlovo(['frobnicate'], {});
    assert.equal(bad.code, 2);
    assert.match(bad.output, /Usage: slovo <command>/);
    const help = await runSlovo(['--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.output, /backup <file>/);
  });
});

describe('slovo backup / restore', () => {
  test('backup writes a gzip file, restore loads it into an empty database and refuses a second time', async () => {
    const t = await makeTicket(await ctx.as('agent'), { subject: 'Через CLI' });
    const file = path.join(dir, 'cli.backup.gz');
    const b = await runSlovo(['backup', file], { DATABASE_URL: ctx.url });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /backup written to .*cli\.backup\.gz: \d+ tables, \d+ rows/);
    assert.ok(zlib.gunzipSync(readFileSync(file)).subarray(0, 13).toString() === 'SLOVO-BACKUP\n');

    const target = await createTestDatabase();
    drops.push(target.drop);
    const r = await runSlovo(['restore', file], { DATABASE_URL: target.url });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /restored \d+ rows in \d+ tables/);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    const row = await c.query('select subject from tickets where number = $1', [t.number.slice(3)]);
    await c.end();
    assert.equal(row.rows[0]?.subject, 'Через CLI');

    const again = await runSlovo(['restore', file], { DATABASE_URL: target.url });
    assert.equal(again.code, 1);
    assert.match(again.output, /slovo restore: the database is not empty/);
  });

  test('missing arguments and files are usage errors', async () => {
    assert.equal((await runSlovo(['backup'], { DATABASE_URL: ctx.url })).code, 2);
    const r = await runSlovo(['restore', path.join(dir, 'nope.gz')], { DATABASE_URL: ctx.url });
    assert.equal(r.code, 2);
    assert.match(r.output, /no such file/);
  });
});
