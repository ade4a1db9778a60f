import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type Res, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

function assertProblem(r: Res, status: number, code: string) {
  assert.equal(r.status, status, r.raw);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  for (const f of ['type', 'title', 'status', 'code', 'detail']) assert.ok(r.body[f] !== undefined && r.body[f] !== '', `field ${f} in ${r.raw}`);
  assert.equal(r.body.status, status);
  assert.equal(r.body.code, code);
  assert.equal(r.body.type, `urn:slovo:problem:${code}`);
}

describe('problem+json', () => {
  test('unknown route is a 404 problem', async () => {
    assertProblem(await agent.get('/api/v1/no-such-thing'), 404, 'not_found');
    assertProblem(await ctx.anon().get('/api/v1/no-such-thing'), 404, 'not_found');
    assertProblem(await agent.del('/api/v1/tickets'), 404, 'not_found');
  });

  test('malformed JSON is a 400 bad_request problem', async () => {
    const r = await agent.req('POST', '/api/v1/tickets', { raw: '{"subject": "x",', headers: { 'content-type': 'application/json' } });
    assertProblem(r, 400, 'bad_request');
    const login = await ctx.anon().req('POST', '/api/v1/auth/login', { raw: '{nope', headers: { 'content-type': 'application/json' } });
    assertProblem(login, 400, 'bad_request');
  });

  test('an empty JSON body is a 400 problem', async () => {
    const r = await ctx.anon().req('POST', '/api/v1/auth/login', { raw: '', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  });

  test('a wrong content type is 415', async () => {
    for (const type of ['application/xml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await ctx.anon().req('POST', '/api/v1/auth/login', { raw: 'email=a@b.test&password=x', headers: { 'content-type': type } });
      assertProblem(r, 415, 'unsupported_media_type');
    }
  });

  test('a body over 2 MiB is 413', async () => {
    const big = JSON.stringify({ subject: 'big', requester: { email: 'big@clients.test' }, message: { body: 'x'.repeat(2 * 1024 * 1024) } });
    const r = await agent.req('POST', '/api/v1/tickets', { raw: big, headers: { 'content-type': 'application/json' } });
    assertProblem(r, 413, 'payload_too_large');
  });

  test('validation errors list the failing paths', async () => {
    const r = await agent.post('/api/v1/tickets', { subject: '', requester: { email: 'nope' }, message: { body: 'x' } });
    assertProblem(r, 400, 'validation_failed');
    assert.ok(Array.isArray(r.body.errors) && r.body.errors.length > 0);
  });

  test('401, 403 and 404 from services are problems too', async () => {
    assertProblem(await ctx.anon().get('/api/v1/tickets'), 401, 'unauthenticated');
    const cust = await ctx.asCustomer();
    assertProblem(await cust.get('/api/v1/tickets'), 403, 'forbidden');
    assertProblem(await agent.get('/api/v1/tickets/999999999'), 404, 'not_found');
  });
});

describe('security headers', () => {
  test('helmet headers on API answers, errors included', async () => {
    for (const r of [await agent.get('/api/v1/auth/me'), await ctx.anon().get('/api/v1/tickets'), await agent.get('/api/v1/nowhere')]) {
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
      assert.ok(r.headers['strict-transport-security']);
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(r.headers['x-powered-by'], undefined);
    }
  });
});

describe('idempotency', () => {
  test('a retried create with the same key makes nothing new and replays the answer', async () => {
    const body = { subject: 'Retry me', requester: { email: 'retry@clients.test' }, message: { body: 'once' } };
    const a = await agent.post('/api/v1/tickets', body, { 'idempotency-key': 'create-1' });
    const b = await agent.post('/api/v1/tickets', body, { 'idempotency-key': 'create-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(b.body.id, a.body.id);
    const n = await ctx.deps.db.selectFrom('tickets').select('id').where('subject', '=', 'Retry me').execute();
    assert.equal(n.length, 1);
  });

  test('concurrent retries with one key create exactly one ticket', async () => {
    const body = { subject: 'Concurrent retry', requester: { email: 'concurrent@clients.test' }, message: { body: 'x' } };
    const rs = await Promise.all([1, 2, 3, 4].map(() => agent.post('/api/v1/tickets', body, { 'idempotency-key': 'race-1' })));
    for (const r of rs) assert.equal(r.status, 201, r.raw);
    assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
    const n = await ctx.deps.db.selectFrom('tickets').select('id').where('subject', '=', 'Concurrent retry').execute();
    assert.equal(n.length, 1);
  });

  test('the same key with another body is 422', async () => {
    const body = { subject: 'Key reuse', requester: { email: 'reuse@clients.test' }, message: { body: 'one' } };
    assert.equal((await agent.post('/api/v1/tickets', body, { 'idempotency-key': 'reuse-1' })).status, 201);
    const r = await agent.post('/api/v1/tickets', { ...body, subject: 'Other' }, { 'idempotency-key': 'reuse-1' });
    assertProblem(r, 422, 'idempotency_key_reused');
  });

  test('the same key and body on another ticket is a reuse, not a replay of the first ticket', async () => {
    const t1 = await makeTicket(agent);
    const t2 = await makeTicket(agent);
    const msg = { body: 'same text', kind: 'note' };
    assert.equal((await agent.post(`/api/v1/tickets/${t1.id}/messages`, msg, { 'idempotency-key': 'msg-1' })).status, 201);
    const r = await agent.post(`/api/v1/tickets/${t2.id}/messages`, msg, { 'idempotency-key': 'msg-1' });
    assertProblem(r, 422, 'idempotency_key_reused');
    const onT2 = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t2.id).execute();
    assert.equal(onT2.length, 1, 'only the first message of t2');
  });

  test('keys are per caller: another agent with the same key creates their own', async () => {
    const other = await ctx.as('agent');
    const body = { subject: 'Per caller', requester: { email: 'percaller@clients.test' }, message: { body: 'x' } };
    const a = await agent.post('/api/v1/tickets', body, { 'idempotency-key': 'shared-key' });
    const b = await other.post('/api/v1/tickets', body, { 'idempotency-key': 'shared-key' });
    assert.equal(b.headers['idempotent-replayed'], undefined);
    assert.notEqual(a.body.id, b.body.id);
  });

  test('a bad key is a validation problem', async () => {
    const r = await agent.post('/api/v1/tickets', { subject: 'x', requester: { email: 'k@clients.test' }, message: { body: 'x' } }, { 'idempotency-key': 'ключ' });
    assertProblem(r, 400, 'validation_failed');
  });
});
