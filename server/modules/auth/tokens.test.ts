import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, setup, type TestCtx } from '../../test/harness.ts';
import { TOKEN_MEMORY_MS } from './auth.service.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

const TICKET = { subject: 'From a script', requester: { email: 'script-user@clients.test' }, message: { body: 'hello' } };

/** A client that only sends `Authorization: Bearer <token>` (no cookies). */
function bearer(token: string): Client {
  const c = ctx.anon();
  c.token = token;
  return c;
}

describe('API tokens', () => {
  test('created once: plaintext shown in the response, only its sha256 in the DB', async () => {
    const agent = await ctx.as('agent');
    const r = await agent.post('/api/v1/tokens', { name: 'ci', scopes: ['read'] });
    assert.equal(r.status, 201);
    assert.match(r.body.token, /^slv_[\w-]{30,}$/);
    assert.equal(r.body.prefix, r.body.token.slice(0, 10));
    assert.deepEqual(r.body.scopes, ['read']);
    const row = await ctx.deps.db.selectFrom('api_tokens').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, createHash('sha256').update(r.body.token).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(r.body.token), 'no plaintext token in the row');
    // the list never shows the token again
    const list = await agent.get('/api/v1/tokens');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].token, undefined);
    assert.ok(!list.raw.includes(r.body.token));
  });

  test('a read token can GET tickets but not create them; it needs no CSRF header', async () => {
    const agent = await ctx.as('agent');
    const t = await agent.post('/api/v1/tokens', { name: 'reader', scopes: ['read'] });
    const bot = bearer(t.body.token);
    const list = await bot.get('/api/v1/tickets');
    assert.equal(list.status, 200);
    const w = await bot.post('/api/v1/tickets', TICKET);
    assert.equal(w.status, 403);
    assert.equal(w.body.code, 'forbidden');
    const row = await ctx.deps.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', t.body.id).executeTakeFirstOrThrow();
    assert.ok(row.last_used_at, 'use is recorded');
  });

  test('a write token can create a ticket (no CSRF needed for Bearer)', async () => {
    const agent = await ctx.as('agent');
    const t = await agent.post('/api/v1/tokens', { name: 'writer', scopes: ['write'] });
    const r = await bearer(t.body.token).post('/api/v1/tickets', TICKET);
    assert.equal(r.status, 201, r.raw);
  });

  test('a token never exceeds its user role: a light agent write token still cannot create tickets', async () => {
    const light = await ctx.as('light_agent');
    const t = await light.post('/api/v1/tokens', { name: 'w', scopes: ['write'] });
    assert.equal((await bearer(t.body.token).post('/api/v1/tickets', TICKET)).status, 403);
  });

  test('only admins may create admin-scoped tokens', async () => {
    for (const role of ['agent', 'lead'] as const) {
      const c = await ctx.as(role);
      const r = await c.post('/api/v1/tokens', { name: 'root', scopes: ['admin'] });
      assert.equal(r.status, 403, role);
      assert.equal(r.body.code, 'forbidden');
    }
    const admin = await ctx.as('admin');
    assert.equal((await admin.post('/api/v1/tokens', { name: 'root', scopes: ['read', 'admin'] })).status, 201);
  });

  test('a token cannot mint more tokens', async () => {
    const admin = await ctx.as('admin');
    const t = await admin.post('/api/v1/tokens', { name: 'root', scopes: ['admin'] });
    const r = await bearer(t.body.token).post('/api/v1/tokens', { name: 'child', scopes: ['admin'] });
    assert.equal(r.status, 403);
  });

  test('revoked token is refused immediately', async () => {
    const agent = await ctx.as('agent');
    const t = await agent.post('/api/v1/tokens', { name: 'x', scopes: ['read'] });
    const bot = bearer(t.body.token);
    assert.equal((await bot.get('/api/v1/tickets')).status, 200);
    assert.equal((await agent.del(`/api/v1/tokens/${t.body.id}`)).status, 200);
    const r = await bot.get('/api/v1/tickets');
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'unauthenticated');
    const list = await agent.get('/api/v1/tokens');
    assert.ok(list.body.items.find((x: { id: string }) => x.id === t.body.id).revokedAt);
    // revoking twice: already gone
    assert.equal((await agent.del(`/api/v1/tokens/${t.body.id}`)).status, 404);
  });

  test('expired token is refused, also one used a moment before it expired', async () => {
    const agent = await ctx.as('agent');
    const expiresAt = Date.now() + 1500;
    const t = await agent.post('/api/v1/tokens', { name: 'x', scopes: ['read'], expiresAt: new Date(expiresAt).toISOString() });
    assert.equal(t.status, 201);
    const bot = bearer(t.body.token);
    assert.equal((await bot.get('/api/v1/tickets')).status, 200);
    await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 50));
    assert.equal((await bot.get('/api/v1/tickets')).status, 401);
  });

  test('deactivating a user or changing the role through Slovo reaches their tokens at once', async () => {
    const admin = await ctx.as('admin');
    const agent = await ctx.as('agent');
    const t = await agent.post('/api/v1/tokens', { name: 'x', scopes: ['read', 'write'] });
    const bot = bearer(t.body.token);
    assert.equal((await bot.post('/api/v1/tickets', TICKET)).status, 201);
    assert.equal((await admin.patch(`/api/v1/users/${agent.userId}`, { role: 'light_agent' })).status, 200);
    assert.equal((await bot.post('/api/v1/tickets', TICKET)).status, 403, 'a light agent creates no tickets');
    assert.equal((await bot.get('/api/v1/tickets')).status, 200);
    assert.equal((await admin.patch(`/api/v1/users/${agent.userId}`, { active: false })).status, 200);
    assert.equal((await bot.get('/api/v1/tickets')).status, 401);
  });

  test('a change made outside Slovo (SQL by hand, another process) reaches a token within TOKEN_MEMORY_MS', async () => {
    const agent = await ctx.as('agent');
    const t = await agent.post('/api/v1/tokens', { name: 'x', scopes: ['read'] });
    const bot = bearer(t.body.token);
    assert.equal((await bot.get('/api/v1/tickets')).status, 200);
    await ctx.deps.db.updateTable('users').set({ active: false }).where('id', '=', agent.userId).execute();
    await new Promise((r) => setTimeout(r, TOKEN_MEMORY_MS + 50));
    assert.equal((await bot.get('/api/v1/tickets')).status, 401);
  });

  test('unknown or malformed Bearer values are 401 problems, not anonymous access', async () => {
    for (const auth of ['Bearer slv_nope', 'Bearer', 'Basic dXNlcjpwYXNz']) {
      const r = await ctx.anon().get('/api/v1/auth/me', { authorization: auth });
      assert.equal(r.status, 401, auth);
      assert.equal(r.body.code, 'unauthenticated');
    }
  });

  test('listing shows only my tokens; revoking someone else\'s token is 404 and leaves it working', async () => {
    const a = await ctx.as('agent');
    const b = await ctx.as('admin');
    const mine = await a.post('/api/v1/tokens', { name: 'mine', scopes: ['read'] });
    const theirs = await b.post('/api/v1/tokens', { name: 'theirs', scopes: ['read'] });
    const list = await a.get('/api/v1/tokens');
    assert.deepEqual(list.body.items.map((x: { id: string }) => x.id), [mine.body.id]);
    const r = await a.del(`/api/v1/tokens/${theirs.body.id}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'not_found');
    assert.equal((await bearer(theirs.body.token).get('/api/v1/tickets')).status, 200);
    // even an admin cannot revoke another user's token through this route
    assert.equal((await b.del(`/api/v1/tokens/${mine.body.id}`)).status, 404);
  });

  test('invalid token requests are validation problems', async () => {
    const a = await ctx.as('agent');
    assert.equal((await a.post('/api/v1/tokens', { name: '', scopes: ['read'] })).status, 400);
    assert.equal((await a.post('/api/v1/tokens', { name: 'x', scopes: [] })).status, 400);
    assert.equal((await a.post('/api/v1/tokens', { name: 'x', scopes: ['root'] })).status, 400);
    assert.equal((await a.del('/api/v1/tokens/abc')).status, 400);
    const past = await a.post('/api/v1/tokens', { name: 'x', scopes: ['read'], expiresAt: new Date(Date.now() - 60_000).toISOString() });
    assert.equal(past.status, 400);
    assert.equal(past.body.code, 'validation_failed');
  });
});
