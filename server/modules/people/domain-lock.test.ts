// Claiming domains and linking parent tickets each serialize on an advisory lock of their own:
// a long parent_of check must not hold up creating an organization.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

test('an organization is created while the parent-link lock is held elsewhere', async () => {
  const other = new pg.Client({ connectionString: ctx.url });
  await other.connect();
  try {
    await other.query('begin');
    await other.query('select pg_advisory_xact_lock(7301952101)'); // PARENT_LOCK in links.service.ts
    const create = agent.post('/api/v1/organizations', { name: 'Лютик', domains: ['lyutik.test'] });
    const r = await Promise.race([create, new Promise<null>((res) => setTimeout(() => res(null), 2000))]);
    await other.query('commit');
    assert.ok(r, 'the create waited for an unrelated lock');
    assert.equal(r.status, 201);
  } finally {
    await other.end();
  }
});
