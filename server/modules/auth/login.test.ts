import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { PASSWORD, setup, type Res, type TestCtx } from '../../test/harness.ts';

/** Set-Cookie header lines of a response, by cookie name. */
function setCookies(r: Res): Map<string, string> {
  const raw = r.headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Map(lines.map((l) => [l.split('=')[0], l]));
}

function assertProblem(r: Res, status: number, code: string) {
  assert.equal(r.status, status, r.raw);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(r.body.code, code);
  assert.equal(r.body.status, status);
}

describe('login', () => {
  let ctx: TestCtx;
  before(async () => { ctx = await setup(); });
  after(() => ctx.close());

  test('right password: 200, HttpOnly Secure SameSite=Lax session cookie and a readable CSRF cookie', async () => {
    const u = await ctx.createUser('agent');
    const c = ctx.anon();
    const r = await c.login(u.email);
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'user');
    assert.equal(r.body.id, u.id);
    assert.equal(r.body.role, 'agent');
    assert.ok(r.body.csrfToken);
    assert.equal(ctx.config.cookieSecure, true); // the test public URL is loopback
    const cookies = setCookies(r);
    const session = cookies.get('slovo_session')!;
    assert.match(session, /; HttpOnly/i);
    assert.match(session, /; Secure/i);
    assert.match(session, /; SameSite=Lax/i);
    assert.match(session, /; Path=\//i);
    const csrf = cookies.get('slovo_csrf')!;
    assert.doesNotMatch(csrf, /HttpOnly/i);
    assert.match(csrf, /; SameSite=Lax/i);
    assert.match(csrf, new RegExp(`^slovo_csrf=${r.body.csrfToken};`));
    // the session cookie is not stored in the clear: only its hash is the session id
    const cookie = c.cookies.get('slovo_session')!;
    const rows = await ctx.deps.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].id, cookie);
    const me = await c.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, u.email);
  });

  test('e-mail is matched case-insensitively', async () => {
    const u = await ctx.createUser('agent', { email: 'Mixed.Case@agents.test' });
    const r = await ctx.anon().login('mixed.case@AGENTS.test');
    assert.equal(r.status, 200);
    assert.equal(r.body.id, u.id);
  });

  test('wrong password and unknown e-mail get the same 401 invalid_credentials', async () => {
    const u = await ctx.createUser('agent');
    const wrong = await ctx.anon().login(u.email, 'not the password');
    const unknown = await ctx.anon().login('nobody-here@agents.test', 'not the password');
    assertProblem(wrong, 401, 'invalid_credentials');
    assertProblem(unknown, 401, 'invalid_credentials');
    const shape = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    assert.deepEqual(shape(wrong.body), shape(unknown.body));
    assert.equal(setCookies(wrong).has('slovo_session'), false);
    const n = await ctx.deps.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
    assert.equal(n.length, 0);
  });

  test('a deactivated user cannot sign in and their open session stops working', async () => {
    const u = await ctx.createUser('lead');
    const c = ctx.anon();
    assert.equal((await c.login(u.email)).status, 200);
    assert.equal((await c.get('/api/v1/tickets')).status, 200);
    await ctx.deps.db.updateTable('users').set({ active: false }).where('id', '=', u.id).execute();
    assert.equal((await c.get('/api/v1/auth/me')).status, 401);
    assert.equal((await c.get('/api/v1/tickets')).status, 401);
    assertProblem(await ctx.anon().login(u.email), 401, 'invalid_credentials');
  });

  test('invalid body is a 400 validation problem', async () => {
    const r = await ctx.anon().post('/api/v1/auth/login', { email: 'not-an-email', password: '' });
    assertProblem(r, 400, 'validation_failed');
  });

  test('cookieSecure follows the public URL (https or loopback) unless set explicitly', () => {
    const cfg = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, { dotenv: false }).cookieSecure;
    assert.equal(cfg({ PUBLIC_URL: 'https://help.example.com' }), true);
    assert.equal(cfg({ PUBLIC_URL: 'http://localhost:3000' }), true);
    assert.equal(cfg({ PUBLIC_URL: 'http://help.example.com' }), false);
    assert.equal(cfg({ PUBLIC_URL: 'http://help.example.com', SLOVO_COOKIE_SECURE: 'true' }), true);
  });
});

describe('lockout', () => {
  let ctx: TestCtx;
  before(async () => { ctx = await setup({ env: { SLOVO_LOGIN_MAX_FAILS: '3' } }); });
  after(() => ctx.close());

  test('after SLOVO_LOGIN_MAX_FAILS failures the account is locked even for the right password', async () => {
    const u = await ctx.createUser('agent');
    for (let i = 0; i < 2; i++) assertProblem(await ctx.anon().login(u.email, 'bad'), 401, 'invalid_credentials');
    // still open after 2 failures
    const row0 = await ctx.deps.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.equal(row0.failed_logins, 2);
    assert.equal(row0.locked_until, null);
    assertProblem(await ctx.anon().login(u.email, 'bad'), 401, 'invalid_credentials');
    const row = await ctx.deps.db.selectFrom('users').select(['locked_until']).where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.ok(row.locked_until && row.locked_until > new Date());
    const locked = await ctx.anon().login(u.email, PASSWORD);
    assertProblem(locked, 423, 'account_locked');
    assert.equal(locked.body.retryAfter, row.locked_until!.toISOString());
    assert.equal(setCookies(locked).has('slovo_session'), false);
    // time passes: the lock ends and the right password works again
    await ctx.deps.db.updateTable('users').set({ locked_until: new Date(Date.now() - 1000) }).where('id', '=', u.id).execute();
    const ok = await ctx.anon().login(u.email, PASSWORD);
    assert.equal(ok.status, 200);
    const after = await ctx.deps.db.selectFrom('users').select(['failed_logins', 'locked_until']).where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.equal(after.failed_logins, 0);
    assert.equal(after.locked_until, null);
  });

  test('a successful login resets the failure count', async () => {
    const u = await ctx.createUser('agent');
    for (let i = 0; i < 2; i++) await ctx.anon().login(u.email, 'bad');
    assert.equal((await ctx.anon().login(u.email)).status, 200);
    for (let i = 0; i < 2; i++) await ctx.anon().login(u.email, 'bad');
    assert.equal((await ctx.anon().login(u.email)).status, 200);
  });

  test('locking one account does not lock another', async () => {
    const a = await ctx.createUser('agent');
    const b = await ctx.createUser('agent');
    for (let i = 0; i < 3; i++) await ctx.anon().login(a.email, 'bad');
    assert.equal((await ctx.anon().login(a.email)).status, 423);
    assert.equal((await ctx.anon().login(b.email)).status, 200);
  });
});

describe('rate limit', () => {
  let ctx: TestCtx;
  before(async () => { ctx = await setup({ env: { SLOVO_RATE_LIMIT_LOGIN: '3' } }); });
  after(() => ctx.close());

  test('the 4th login attempt within a minute gets 429 rate_limited problem+json', async () => {
    const u = await ctx.createUser('agent');
    assert.equal((await ctx.anon().login(u.email, 'bad')).status, 401);
    assert.equal((await ctx.anon().login(u.email, 'bad')).status, 401);
    assert.equal((await ctx.anon().login(u.email)).status, 200);
    const r = await ctx.anon().login(u.email);
    assertProblem(r, 429, 'rate_limited');
    assert.ok(r.body.title && r.body.detail && r.body.type);
    assert.ok(r.headers['retry-after']);
  });
});
