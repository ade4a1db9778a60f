// User-controlled values that PostgreSQL would refuse (ids beyond bigint, odd cursor times)
// must be 400/404 problem+json, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let customer: Client & { customerId: string };
let ticket: { id: string };

const BIG = '9999999999999999999'; // 19 digits, beyond bigint
const MAX = '9223372036854775807';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  customer = await ctx.asCustomer();
  ticket = await makeTicket(admin);
});
after(() => ctx.close());

function expect4xx(r: { status: number; headers: Record<string, unknown> }, what: string, status?: number) {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: got ${r.status}`);
  if (status) assert.equal(r.status, status, what);
  assert.match(String(r.headers['content-type']), /application\/problem\+json/, what);
}

describe('ids beyond bigint', () => {
  test('in paths: 400 for typed ids, 404 for ticket refs', async () => {
    for (const u of [`/api/v1/users/${BIG}`, `/api/v1/groups/${BIG}`, `/api/v1/organizations/${BIG}`, `/api/v1/customers/${BIG}`,
      `/api/v1/attachments/${BIG}`, `/api/v1/views/${BIG}/tickets`]) {
      expect4xx(await admin.get(u), u, 400);
    }
    for (const u of [`/api/v1/tickets/${BIG}`, `/api/v1/tickets/SL-${BIG}`, `/api/v1/tickets/${BIG}/events`, `/api/v1/tickets/${BIG}/messages`]) {
      expect4xx(await admin.get(u), u, 404);
    }
    for (const u of [`/api/v1/portal/tickets/${BIG}`, `/api/v1/portal/tickets/${BIG}/messages`, `/api/v1/attachments/${BIG}`]) {
      expect4xx(await customer.get(u), u);
    }
    // the largest bigint itself is a valid id that simply does not exist
    expect4xx(await admin.get(`/api/v1/users/${MAX}`), 'max bigint', 404);
    expect4xx(await admin.get(`/api/v1/tickets/${MAX}`), 'max bigint ticket', 404);
  });

  test('in filters and bodies', async () => {
    for (const q of ['requesterId', 'groupId', 'assigneeId', 'organizationId']) {
      expect4xx(await admin.get(`/api/v1/tickets?${q}=${BIG}`), q, 400);
    }
    expect4xx(await admin.get(`/api/v1/users?groupId=${BIG}`), 'users groupId', 400);
    const bodies: [string, string, unknown][] = [
      ['POST', '/api/v1/tickets', { subject: 'x', requester: { id: BIG }, message: { body: 'x' } }],
      ['POST', '/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test' }, message: { body: 'x' }, assigneeId: BIG }],
      ['POST', '/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test' }, message: { body: 'x', attachmentIds: [BIG] } }],
      ['PATCH', `/api/v1/tickets/${ticket.id}`, { version: 1, requesterId: BIG }],
      ['POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'x', attachmentIds: [BIG] }],
      ['POST', `/api/v1/tickets/${ticket.id}/followers`, { userId: BIG }],
      ['DELETE', `/api/v1/tickets/${ticket.id}/followers/${BIG}`, undefined],
      ['DELETE', `/api/v1/tickets/${ticket.id}/links/${BIG}`, undefined],
    ];
    for (const [m, u, b] of bodies) expect4xx(await admin.req(m, u, b === undefined ? {} : { body: b }), `${m} ${u} ${JSON.stringify(b)}`, 400);
    for (const [u, b] of [[`/api/v1/tickets/${ticket.id}/merge`, { targetRef: BIG }], [`/api/v1/tickets/${ticket.id}/links`, { otherRef: BIG, kind: 'related' }]] as const) {
      expect4xx(await admin.post(u, b), u, 400);
    }
  });
});

describe('cursors', () => {
  test('ids beyond bigint and times PostgreSQL refuses are 400', async () => {
    const bad = [
      `/api/v1/tickets?cursor=${b64(['2026-01-01T00:00:00.000Z', BIG])}`,
      `/api/v1/tickets?cursor=${b64(['1', '1'])}`,
      `/api/v1/tickets?cursor=${b64(['Dec 2', '1'])}`,
      `/api/v1/tickets?cursor=${b64(['0000-01-01T00:00:00.000Z', '1'])}`,
      `/api/v1/tickets?cursor=${b64(['+275760-09-13T00:00:00.000Z', '1'])}`,
      `/api/v1/tickets?sort=priority&cursor=${b64(['low', '0000-01-01T00:00:00.000Z', '1'])}`,
      `/api/v1/tickets/${ticket.id}/messages?cursor=${b64([BIG])}`,
      `/api/v1/tickets/${ticket.id}/links?cursor=${b64([BIG])}`,
      `/api/v1/tickets/${ticket.id}/followers?cursor=${b64([BIG])}`,
      `/api/v1/macros?cursor=${b64(['a', BIG])}`,
      `/api/v1/macros?cursor=${b64(['a\u0000', '1'])}`,
      `/api/v1/users?cursor=${b64(['a', BIG])}`,
      `/api/v1/groups?cursor=${b64(['a', BIG])}`,
      `/api/v1/organizations?cursor=${b64(['a', BIG])}`,
      `/api/v1/customers?cursor=${b64(['a', BIG])}`,
      `/api/v1/search?q=mail&cursor=${b64([0.5, BIG])}`,
    ];
    for (const u of bad) expect4xx(await admin.get(u), u, 400);
    for (const u of [`/api/v1/portal/tickets?cursor=${b64(['2026-01-01T00:00:00.000Z', BIG])}`, `/api/v1/portal/tickets?cursor=${b64(['1', '1'])}`]) {
      expect4xx(await customer.get(u), u, 400);
    }
  });

  test('cursors the server wrote still work', async () => {
    await makeTicket(admin);
    const first = await admin.get('/api/v1/tickets?limit=1');
    assert.equal(first.status, 200);
    assert.ok(first.body.nextCursor);
    const next = await admin.get(`/api/v1/tickets?limit=1&cursor=${first.body.nextCursor}`);
    assert.equal(next.status, 200);
    assert.equal(next.body.items.length, 1);
    assert.notEqual(next.body.items[0].id, first.body.items[0].id);
  });
});

describe('NUL characters (PostgreSQL text cannot hold them)', () => {
  test('in query strings and JSON bodies are 400', async () => {
    for (const u of ['/api/v1/users?q=%00', '/api/v1/customers?q=a%00', '/api/v1/organizations?q=%00', '/api/v1/groups?q=%00',
      `/api/v1/tickets?custom=${encodeURIComponent('{"a\\u0000b":1}')}`, `/api/v1/tickets?custom=${encodeURIComponent('{"a":"\\u0000"}')}`]) {
      expect4xx(await admin.get(u), u, 400);
    }
    const bodies: [string, unknown][] = [
      ['/api/v1/tickets', { subject: 'x\u0000', requester: { email: 'a@b.test' }, message: { body: 'x' } }],
      ['/api/v1/tickets', { subject: 'x', requester: { email: 'a@b.test', name: 'n\u0000' }, message: { body: 'x' } }],
      [`/api/v1/tickets/${ticket.id}/messages`, { body: 'x\u0000y', kind: 'note' }],
    ];
    for (const [u, b] of bodies) expect4xx(await admin.post(u, b), `${u} ${JSON.stringify(b)}`, 400);
    expect4xx(await customer.post('/api/v1/portal/tickets', { subject: 'x', body: 'y\u0000' }), 'portal create', 400);
    const n = await ctx.deps.db.selectFrom('customer_emails').select('email').where('email', '=', 'a@b.test').execute();
    assert.equal(n.length, 0, 'nothing was created');
  });

  test('uploads are bytes: a NUL in a file is fine', async () => {
    const r = await admin.req('POST', '/api/v1/attachments?filename=a.bin', { raw: Buffer.from([0, 1, 0, 2]), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 201);
  });
});

describe('search relevance cursor', () => {
  test('a rank outside the range of a PostgreSQL real is 400', async () => {
    for (const rank of [1e300, 1e-300, -1]) {
      const u = `/api/v1/search?q=${encodeURIComponent('письма')}&sort=relevance&cursor=${b64([rank, '1'])}`;
      expect4xx(await admin.get(u), u, 400);
    }
    const ok = await admin.get(`/api/v1/search?q=${encodeURIComponent('письма')}&sort=relevance&cursor=${b64([0.06, '1'])}`);
    assert.equal(ok.status, 200);
  });
});

describe('token expiry', () => {
  test('times PostgreSQL could not take or give back are read right or refused, never a 500', async () => {
    const tok = (expiresAt: string) => admin.post('/api/v1/tokens', { name: 'x', scopes: ['read'], expiresAt });
    const micro = await tok('9999-12-31T23:59:59.999999Z');
    assert.equal(micro.status, 201);
    assert.equal(micro.body.expiresAt, '9999-12-31T23:59:59.999Z');
    const odd = await tok('2999-12-31T23:59:59-23:59'); // PostgreSQL itself refuses offsets past 15:59
    assert.equal(odd.status, 201);
    assert.equal(odd.body.expiresAt, '3000-01-01T23:58:59.000Z');
    expect4xx(await tok('9999-12-31T23:59:59-23:59'), 'year 10000', 400);
  });
});

describe('custom field maps', () => {
  test('too many keys are 400, not more query parameters than PostgreSQL takes', async () => {
    const custom = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, 1]));
    expect4xx(await admin.patch(`/api/v1/tickets/${ticket.id}`, { version: 1, custom }), 'PATCH', 400);
    expect4xx(await admin.post('/api/v1/tickets', { subject: 'x', requester: { email: 'many@keys.test' }, message: { body: 'x' }, custom }), 'POST', 400);
    expect4xx(await admin.post('/api/v1/views', { name: 'many', filters: { custom } }), 'view', 400);
  });
});
