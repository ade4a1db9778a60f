import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, PASSWORD, setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

const NEW_PASSWORD = 'a brand new password 42';

/** Signs the same user in on several "devices". */
async function devices(email: string, n: number): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = ctx.anon();
    assert.equal((await c.login(email)).status, 200);
    out.push(c);
  }
  return out;
}

describe('password', () => {
  test('stored as an argon2id hash', async () => {
    const u = await ctx.createUser('agent');
    const [c] = await devices(u.email, 1);
    assert.equal((await c.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status, 200);
    const row = await ctx.deps.db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash!, /^\$argon2id\$v=19\$m=19456,/);
    assert.ok(!row.password_hash!.includes(NEW_PASSWORD));
    assert.ok(row.password_changed_at);
  });

  test('change needs the current password', async () => {
    const u = await ctx.createUser('agent');
    const [c] = await devices(u.email, 1);
    const r = await c.post('/api/v1/auth/password', { currentPassword: 'not it', newPassword: NEW_PASSWORD });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'invalid_credentials');
    // nothing changed, the session still works
    assert.equal((await c.get('/api/v1/auth/me')).status, 200);
    assert.equal((await ctx.anon().login(u.email)).status, 200);
  });

  test('a too short new password is a validation error', async () => {
    const u = await ctx.createUser('agent');
    const [c] = await devices(u.email, 1);
    const r = await c.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
  });

  test('after a change every other session is dead, the caller gets a fresh one, the old password stops working', async () => {
    const u = await ctx.createUser('agent');
    const [me, laptop, phone] = await devices(u.email, 3);
    const oldCookie = me.cookies.get('slovo_session');
    const oldCsrf = me.csrf;
    const r = await me.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(r.status, 200);
    assert.notEqual(me.cookies.get('slovo_session'), oldCookie, 'a fresh session cookie is set');
    assert.notEqual(me.cookies.get('slovo_csrf'), oldCsrf, 'a fresh CSRF token is set');
    for (const other of [laptop, phone]) assert.equal((await other.get('/api/v1/auth/me')).status, 401);
    // the caller keeps working with the new session (CSRF token from the new cookie)
    me.csrf = me.cookies.get('slovo_csrf')!;
    const mine = await me.get('/api/v1/auth/me');
    assert.equal(mine.status, 200);
    assert.equal(mine.body.csrfToken, me.csrf);
    assert.equal((await me.post('/api/v1/tokens', { name: 'after change', scopes: ['read'] })).status, 201);
    // the old cookie itself is dead too
    const stale = ctx.anon();
    stale.cookies.set('slovo_session', oldCookie!);
    assert.equal((await stale.get('/api/v1/auth/me')).status, 401);
    const sessions = await ctx.deps.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
    assert.equal(sessions.length, 1);
    assert.equal((await ctx.anon().login(u.email, PASSWORD)).status, 401);
    assert.equal((await ctx.anon().login(u.email, NEW_PASSWORD)).status, 200);
  });

  test('an API token cannot change the password', async () => {
    const u = await ctx.createUser('agent');
    const [c] = await devices(u.email, 1);
    const t = await c.post('/api/v1/tokens', { name: 'w', scopes: ['write'] });
    const bot = ctx.anon();
    bot.token = t.body.token;
    const r = await bot.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(r.status, 403);
    assert.equal((await ctx.anon().login(u.email)).status, 200);
  });
});

describe('logout', () => {
  test('logout ends only this session and clears the cookies', async () => {
    const u = await ctx.createUser('agent');
    const [a, b] = await devices(u.email, 2);
    const cookie = a.cookies.get('slovo_session')!;
    const r = await a.post('/api/v1/auth/logout');
    assert.equal(r.status, 200);
    assert.equal(a.cookies.has('slovo_session'), false);
    assert.equal(a.cookies.has('slovo_csrf'), false);
    assert.equal((await a.get('/api/v1/auth/me')).status, 401);
    const replay = ctx.anon();
    replay.cookies.set('slovo_session', cookie);
    assert.equal((await replay.get('/api/v1/auth/me')).status, 401, 'the old cookie is dead on the server, not just forgotten');
    assert.equal((await b.get('/api/v1/auth/me')).status, 200);
  });

  test('logout-all ends every session of the user, and only theirs', async () => {
    const u = await ctx.createUser('agent');
    const other = await ctx.createUser('agent');
    const [a, b, c] = await devices(u.email, 3);
    const [o] = await devices(other.email, 1);
    const r = await a.post('/api/v1/auth/logout-all');
    assert.equal(r.status, 200);
    assert.equal(r.body.ended, 3);
    for (const x of [a, b, c]) assert.equal((await x.get('/api/v1/auth/me')).status, 401);
    assert.equal((await o.get('/api/v1/auth/me')).status, 200);
  });

  test('an expired session is refused', async () => {
    const u = await ctx.createUser('agent');
    const [a] = await devices(u.email, 1);
    await ctx.deps.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', u.id).execute();
    assert.equal((await a.get('/api/v1/auth/me')).status, 401);
  });

  test('anonymous logout is 401', async () => {
    const r = await ctx.anon().post('/api/v1/auth/logout');
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'unauthenticated');
  });
});
