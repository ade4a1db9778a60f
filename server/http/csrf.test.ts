import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

/** The same signed-in cookies, but the client does not add the CSRF header by itself. */
function noCsrf(c: Client): Client {
  const x = ctx.anon();
  for (const [k, v] of c.cookies) x.cookies.set(k, v);
  return x;
}

const TICKET = { subject: 'csrf', requester: { email: 'csrf@clients.test' }, message: { body: 'x' } };

describe('CSRF', () => {
  test('cookie-authenticated POST, PATCH and DELETE without x-csrf-token are 403 csrf_failed and change nothing', async () => {
    const t = await makeTicket(agent);
    const tok = await agent.post('/api/v1/tokens', { name: 'keep', scopes: ['read'] });
    const c = noCsrf(agent);
    const before = await ctx.deps.db.selectFrom('tickets').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const calls = [
      () => c.post('/api/v1/tickets', TICKET),
      () => c.patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent', version: t.version }),
      () => c.del(`/api/v1/tokens/${tok.body.id}`),
      () => c.post('/api/v1/auth/logout-all'),
    ];
    for (const call of calls) {
      const r = await call();
      assert.equal(r.status, 403, r.raw);
      assert.equal(r.body.code, 'csrf_failed');
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    }
    const after = await ctx.deps.db.selectFrom('tickets').select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}`)).body.priority, t.priority);
    const row = await ctx.deps.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', tok.body.id).executeTakeFirstOrThrow();
    assert.equal(row.revoked_at, null);
    assert.equal((await agent.get('/api/v1/auth/me')).status, 200, 'logout-all did not run');
  });

  test('a wrong token, or the token of another session, is 403', async () => {
    const other = await ctx.as('agent');
    const c = noCsrf(agent);
    for (const bad of ['wrong', agent.csrf!.slice(0, -1) + (agent.csrf!.endsWith('A') ? 'B' : 'A'), other.csrf!, '']) {
      const r = await c.post('/api/v1/tickets', TICKET, { 'x-csrf-token': bad });
      assert.equal(r.status, 403, bad);
      assert.equal(r.body.code, 'csrf_failed');
    }
  });

  test('the right token passes', async () => {
    const c = noCsrf(agent);
    const r = await c.post('/api/v1/tickets', TICKET, { 'x-csrf-token': agent.csrf! });
    assert.equal(r.status, 201);
  });

  test('GET works without the header', async () => {
    const c = noCsrf(agent);
    assert.equal((await c.get('/api/v1/tickets')).status, 200);
    assert.equal((await c.get('/api/v1/auth/me')).status, 200);
  });

  test('Bearer requests need no CSRF header, even when a session cookie rides along', async () => {
    const tok = await agent.post('/api/v1/tokens', { name: 'w', scopes: ['write'] });
    const c = noCsrf(agent);
    c.token = tok.body.token;
    const r = await c.post('/api/v1/tickets', TICKET);
    assert.equal(r.status, 201, r.raw);
  });

  test('customer portal sessions are protected the same way', async () => {
    const cust = await ctx.asCustomer();
    const r = await noCsrf(cust).post('/api/v1/auth/logout');
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'csrf_failed');
    assert.equal((await cust.get('/api/v1/auth/me')).status, 200);
  });
});
