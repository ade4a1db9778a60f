import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findOrCreateCustomer } from '../people/customer-lookup.ts';
import { setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

async function outboxFor(email: string) {
  return ctx.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('id').execute();
}

/** Asks for a link and returns the token from the mail. */
async function requestToken(email: string): Promise<string> {
  const r = await ctx.anon().post('/api/v1/portal/auth/magic-link', { email });
  assert.equal(r.status, 202);
  const mails = await outboxFor(email.toLowerCase());
  const m = /token=([\w-]+)/.exec(mails.at(-1)!.body_text);
  assert.ok(m, 'the mail carries a link');
  return m[1];
}

describe('magic link', () => {
  test('a known customer e-mail gets an outbox mail with a sign-in link; only the hash is stored', async () => {
    const cust = await findOrCreateCustomer(ctx.deps.db, 'anna@clients.test', { name: 'Анна' });
    const r = await ctx.anon().post('/api/v1/portal/auth/magic-link', { email: 'Anna@Clients.test' });
    assert.equal(r.status, 202);
    assert.deepEqual(r.body, { ok: true });
    const mails = await outboxFor('anna@clients.test');
    assert.equal(mails.length, 1);
    assert.equal(mails[0].kind, 'magic_link');
    assert.equal(mails[0].status, 'queued');
    const link = /(https?:\/\/\S+\/portal\/login\?token=([\w-]+))/.exec(mails[0].body_text);
    assert.ok(link, mails[0].body_text);
    assert.ok(link[1].startsWith(ctx.config.publicUrl));
    const rows = await ctx.deps.db.selectFrom('customer_login_tokens').selectAll().where('customer_id', '=', cust.id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].token_hash, createHash('sha256').update(link[2]).digest('hex'));
    assert.ok(rows[0].expires_at > new Date());
  });

  test('an unknown e-mail gets the same 202 and nothing is written', async () => {
    const before = await ctx.deps.db.selectFrom('outbox').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const tokens = await ctx.deps.db.selectFrom('customer_login_tokens').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const r = await ctx.anon().post('/api/v1/portal/auth/magic-link', { email: 'stranger@nowhere.test' });
    assert.equal(r.status, 202);
    assert.deepEqual(r.body, { ok: true });
    const after = await ctx.deps.db.selectFrom('outbox').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const tokens2 = await ctx.deps.db.selectFrom('customer_login_tokens').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
    assert.equal(tokens2.n, tokens.n);
    assert.equal((await outboxFor('stranger@nowhere.test')).length, 0);
  });

  test('the token works once and gives a customer session', async () => {
    const cust = await findOrCreateCustomer(ctx.deps.db, 'boris@clients.test', { name: 'Борис' });
    const token = await requestToken('boris@clients.test');
    const c = ctx.anon();
    const r = await c.post('/api/v1/portal/auth/verify', { token });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.kind, 'customer');
    assert.equal(r.body.id, cust.id);
    assert.equal(r.body.role, null);
    assert.ok(c.cookies.get('slovo_session'));
    c.csrf = r.body.csrfToken;
    const me = await c.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.kind, 'customer');
    assert.equal(me.body.email, 'boris@clients.test');
    const again = await ctx.anon().post('/api/v1/portal/auth/verify', { token });
    assert.equal(again.status, 401);
    assert.equal(again.body.code, 'invalid_credentials');
  });

  test('an expired token is refused', async () => {
    const cust = await findOrCreateCustomer(ctx.deps.db, 'vera@clients.test', { name: 'Вера' });
    const token = await requestToken('vera@clients.test');
    await ctx.deps.db.updateTable('customer_login_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('customer_id', '=', cust.id).execute();
    const r = await ctx.anon().post('/api/v1/portal/auth/verify', { token });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'invalid_credentials');
  });

  test('a made-up token is refused', async () => {
    const r = await ctx.anon().post('/api/v1/portal/auth/verify', { token: 'A'.repeat(43) });
    assert.equal(r.status, 401);
  });

  test('a customer session is refused on agent routes', async () => {
    const c = await ctx.asCustomer();
    for (const url of ['/api/v1/tickets', '/api/v1/tokens']) {
      const r = await c.get(url);
      assert.equal(r.status, 403, url);
      assert.equal(r.body.code, 'forbidden');
    }
    const w = await c.post('/api/v1/tickets', { subject: 'x', requester: { email: 'x@clients.test' }, message: { body: 'x' } });
    assert.equal(w.status, 403);
    const p = await c.post('/api/v1/auth/password', { currentPassword: 'whatever it is', newPassword: 'a brand new password 42' });
    assert.equal(p.status, 403);
  });

  test('at most 5 links per address per 15 minutes; more requests still answer 202', async () => {
    await findOrCreateCustomer(ctx.deps.db, 'flood@clients.test', { name: 'Flood' });
    for (let i = 0; i < 8; i++) {
      const r = await ctx.anon().post('/api/v1/portal/auth/magic-link', { email: 'flood@clients.test' });
      assert.equal(r.status, 202);
    }
    assert.equal((await outboxFor('flood@clients.test')).length, 5);
    // once the window has passed, a new link goes out again
    await ctx.deps.db.updateTable('customer_login_tokens').set({ created_at: new Date(Date.now() - 16 * 60_000) }).where('email', '=', 'flood@clients.test').execute();
    await ctx.anon().post('/api/v1/portal/auth/magic-link', { email: 'flood@clients.test' });
    assert.equal((await outboxFor('flood@clients.test')).length, 6);
  });

  test('a customer can log out and the session ends', async () => {
    const c = await ctx.asCustomer();
    assert.equal((await c.post('/api/v1/auth/logout')).status, 200);
    assert.equal((await c.get('/api/v1/auth/me')).status, 401);
  });
});
