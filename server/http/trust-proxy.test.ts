import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../config.ts';
import { setup, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup({ env: { SLOVO_RATE_LIMIT_LOGIN: '3' } }); });
after(() => ctx.close());

test('a forged X-Forwarded-For does not get around the login rate limit', async () => {
  const c = ctx.anon();
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/api/v1/auth/login', { email: 'x@agents.test', password: 'wrong password' }, { 'x-forwarded-for': `203.0.113.${i}` });
    codes.push(r.status);
  }
  assert.deepEqual(codes, [401, 401, 401, 429, 429]);
});

test('SLOVO_TRUST_PROXY accepts true, a hop count or a list; rejects junk', () => {
  const base = { DATABASE_URL: 'postgres://x@localhost/db' };
  assert.equal(loadConfig({ ...base }, { dotenv: false }).trustProxy, false);
  assert.equal(loadConfig({ ...base, SLOVO_TRUST_PROXY: 'true' }, { dotenv: false }).trustProxy, true);
  assert.equal(loadConfig({ ...base, SLOVO_TRUST_PROXY: '1' }, { dotenv: false }).trustProxy, 1);
  assert.deepEqual(loadConfig({ ...base, SLOVO_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, { dotenv: false }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  assert.throws(() => loadConfig({ ...base, SLOVO_TRUST_PROXY: 'everyone' }, { dotenv: false }), /SLOVO_TRUST_PROXY/);
});
