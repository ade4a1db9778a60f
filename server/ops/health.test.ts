import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { createDb } from '../db/db.ts';
import { listMigrations } from '../db/migrate.ts';
import { Client, setup, type TestCtx } from '../test/harness.ts';
import { freePort } from '../test/ports.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

test('/healthz is 200; /readyz is 200 when migrated and 503 while a migration is pending', async () => {
  const anon = ctx.anon();
  const h = await anon.get('/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { ok: true });
  assert.equal((await anon.get('/readyz')).status, 200);

  const last = (await listMigrations()).at(-1)!;
  const del = await ctx.deps.pool.query<{ applied_at: Date }>('delete from schema_migrations where version = $1 returning applied_at', [last.version]);
  assert.equal(del.rowCount, 1);
  try {
    const r = await anon.get('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.body.reason, 'migrations pending');
    assert.deepEqual(r.body.pending, [last.version]);
    assert.equal((await anon.get('/healthz')).status, 200, 'alive even when not ready');
  } finally {
    await ctx.deps.pool.query('insert into schema_migrations (version, name, applied_at) values ($1, $2, $3)', [last.version, last.name, del.rows[0].applied_at]);
  }
  assert.equal((await anon.get('/readyz')).status, 200);
});

test('/readyz is 503 when the database cannot be reached', async () => {
  const { db, pool } = createDb(`postgres://nobody@127.0.0.1:${await freePort()}/none`, 1);
  const app = await buildApp({ db, pool, config: ctx.config, boss: null, log: pino({ level: 'silent' }) });
  try {
    const r = await new Client(app).get('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.body.reason, 'database unreachable');
    assert.equal((await new Client(app).get('/healthz')).status, 200);
  } finally {
    await app.close();
    await db.destroy();
  }
});
