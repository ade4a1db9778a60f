// Admins see every user's API tokens with their owner and revoke any of them (a leaked token, a
// colleague who left): the token stops working at once. Nobody else may.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

test('an admin lists all tokens with owners, filters by user and by still working, and revokes an agent\'s token', async () => {
  const admin = await ctx.as('admin');
  const anna = await ctx.as('agent');
  await ctx.deps.db.updateTable('users').set({ name: 'Анна Смирнова' }).where('id', '=', anna.userId).execute();
  const boris = await ctx.as('agent');
  const a1 = (await anna.post('/api/v1/tokens', { name: 'anna-ci', scopes: ['read', 'write'] })).body;
  const a2 = (await anna.post('/api/v1/tokens', { name: 'anna-old', scopes: ['read'] })).body;
  const b1 = (await boris.post('/api/v1/tokens', { name: 'boris-export', scopes: ['read'] })).body;
  assert.equal((await anna.del(`/api/v1/tokens/${a2.id}`)).status, 200);

  const all = await admin.get('/api/v1/admin/tokens');
  assert.equal(all.status, 200, all.raw);
  assert.deepEqual(all.body.items.map((t: { name: string }) => t.name), ['boris-export', 'anna-old', 'anna-ci'], 'newest first');
  const annas = all.body.items.find((t: { id: string }) => t.id === a1.id);
  assert.deepEqual(annas.user, { id: anna.userId, name: 'Анна Смирнова', email: annas.user.email, active: true });
  assert.equal(annas.prefix, a1.token.slice(0, 10));
  assert.ok(!JSON.stringify(all.body).includes(a1.token), 'never the secret');

  const onlyAnna = await admin.get(`/api/v1/admin/tokens?userId=${anna.userId}&active=true`);
  assert.deepEqual(onlyAnna.body.items.map((t: { name: string }) => t.name), ['anna-ci']);
  const paged = await admin.get('/api/v1/admin/tokens?limit=2');
  assert.equal(paged.body.items.length, 2);
  const rest = await admin.get(`/api/v1/admin/tokens?limit=2&cursor=${encodeURIComponent(paged.body.nextCursor)}`);
  assert.deepEqual(rest.body.items.map((t: { name: string }) => t.name), ['anna-ci']);

  // the token works, then an admin revokes it and it stops at once
  const bearer = ctx.anon();
  bearer.token = a1.token;
  assert.equal((await bearer.get('/api/v1/auth/me')).status, 200);
  assert.equal((await admin.del(`/api/v1/admin/tokens/${a1.id}`)).status, 200);
  assert.equal((await bearer.get('/api/v1/auth/me')).status, 401);
  const again = await admin.del(`/api/v1/admin/tokens/${a1.id}`);
  assert.equal(again.status, 404);
  assert.equal(again.body.code, 'not_found');
  const row = await ctx.deps.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', a1.id).executeTakeFirstOrThrow();
  assert.ok(row.revoked_at);

  // not an admin: refused, and Boris's token is untouched
  assert.equal((await boris.get('/api/v1/admin/tokens')).status, 403);
  assert.equal((await anna.del(`/api/v1/admin/tokens/${b1.id}`)).status, 403);
  assert.equal((await ctx.deps.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', b1.id).executeTakeFirstOrThrow()).revoked_at, null);
  assert.equal((await admin.get('/api/v1/admin/tokens?active=maybe')).status, 400);
});
