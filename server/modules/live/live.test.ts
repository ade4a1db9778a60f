// Live updates over a real socket: who gets which events, presence, and a clean shutdown.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Client, makeTicket, setup, type TestCtx } from '../../test/harness.ts';
import { liveTimings } from './live.hub.ts';
import { openStream, type SseEvent, type Stream } from './sse-client.ts';

liveTimings.heartbeatMs = 1000;
liveTimings.presenceTtlMs = 1500;

let ctx: TestCtx;
let base: string;
const streams: Stream[] = [];

before(async () => {
  ctx = await setup();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of streams) s.close();
  await ctx.close();
});

function auth(c: Client): Record<string, string> {
  if (c.token) return { authorization: `Bearer ${c.token}` };
  return { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}
async function stream(c: Client, path = '/api/v1/stream'): Promise<Stream> {
  const s = await openStream(base, path, auth(c));
  streams.push(s);
  return s;
}
const on = (type: string, ticketId: string) => (e: SseEvent) => e.event === type && e.data.ticketId === ticketId;

test('an agent sees a new ticket and the customer\'s portal reply live; no message text in the events', async () => {
  const agent = await ctx.as('agent');
  const s = await stream(agent);
  assert.equal(s.status, 200);
  assert.match(String(s.headers['content-type']), /^text\/event-stream/);
  const customer = await ctx.asCustomer();
  const created = { body: await makeTicket(await ctx.as('admin'), { subject: 'Счёт не открывается', requester: { id: customer.customerId }, message: { body: 'Секретный текст письма 4711' } }) };
  const ticketId = created.body.id;
  const ev = await s.waitFor(on('ticket.created', ticketId));
  assert.equal(ev.data.number, created.body.number);

  const reply = await customer.post(`/api/v1/portal/tickets/${created.body.number}/messages`, { body: 'Ответ клиента: пароль 0815' });
  assert.equal(reply.status, 201, reply.raw);
  const msg = await s.waitFor(on('message.created', ticketId));
  assert.equal(msg.data.kind, 'reply');
  assert.equal(msg.data.author, 'customer');
  assert.equal(msg.data.messageId, reply.body.id);
  assert.doesNotMatch(s.text(), /4711|0815|Секретный|пароль/, 'events carry ids, never message text');
  assert.match(s.text(), /^retry: \d+/, 'a reconnect hint first');
});

test('a light agent gets what it may read (internal notes too) and nothing after its session ends', async () => {
  const agent = await ctx.as('agent');
  const light = await ctx.as('light_agent');
  const s = await stream(light);
  assert.equal(s.status, 200);
  const t = await makeTicket(agent);
  await s.waitFor(on('ticket.created', t.id));
  const note = await light.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'note', body: 'внутренняя заметка' });
  assert.equal(note.status, 201, note.raw);
  const ev = await s.waitFor(on('message.created', t.id));
  assert.equal(ev.data.kind, 'note');

  // signed out: the stream re-checks its session before the next delivery and ends
  liveTimings.recheckMs = 0;
  try {
    assert.equal((await light.post('/api/v1/auth/logout')).status, 200);
    const t2 = await makeTicket(agent);
    await s.ended;
    assert.equal(s.events.some((e) => e.data?.ticketId === t2.id), false, 'no event after the session ended');
  } finally {
    liveTimings.recheckMs = 60_000;
  }
});

test('customers and anonymous callers are refused the stream with problem+json', async () => {
  const customer = await ctx.asCustomer();
  const c = await stream(customer);
  assert.equal(c.status, 403);
  assert.match(String(c.headers['content-type']), /problem\+json/);
  await c.ended;
  const a = await openStream(base, '/api/v1/stream', {});
  assert.equal(a.status, 401);
  assert.match(String(a.headers['content-type']), /problem\+json/);
  const bad = await openStream(base, '/api/v1/stream', { authorization: 'Bearer slv_nope' });
  assert.equal(bad.status, 401);
});

test('a read-only API token may listen', async () => {
  const admin = await ctx.as('admin');
  const tok = await admin.post('/api/v1/tokens', { name: 'live', scopes: ['read'] });
  assert.equal(tok.status, 201, tok.raw);
  const reader = new Client(ctx.app);
  reader.token = tok.body.token;
  const s = await stream(reader);
  assert.equal(s.status, 200);
  const t = await makeTicket(admin);
  await s.waitFor(on('ticket.created', t.id));
  // but it may not announce presence (a write)
  assert.equal((await reader.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' })).status, 403);
});

test('presence: one agent sees another view, reply, leave and expire; heartbeats flow', async () => {
  const a = await ctx.as('agent', { email: 'anna@agents.test' });
  const b = await ctx.as('agent');
  await ctx.deps.db.updateTable('users').set({ name: 'Борис Котов' }).where('id', '=', b.userId).execute();
  const t = await makeTicket(a);
  const s = await stream(a);
  const mine = (state: string) => (e: SseEvent) => e.event === 'presence' && e.data.ticketId === t.id && e.data.userId === b.userId && e.data.state === state;

  const r1 = await b.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' });
  assert.equal(r1.status, 200, r1.raw);
  assert.deepEqual(r1.body.present, []);
  const viewing = await s.waitFor(mine('viewing'));
  assert.equal(viewing.data.name, 'Борис Котов');
  assert.equal(viewing.data.number, t.number);

  await b.post(`/api/v1/tickets/${t.id}/presence`, { state: 'replying' });
  await s.waitFor(mine('replying'));
  const r2 = await a.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' });
  assert.deepEqual(r2.body.present, [{ userId: b.userId, name: 'Борис Котов', state: 'replying' }]);

  await b.post(`/api/v1/tickets/${t.number}/presence`, { state: 'left' });
  await s.waitFor(mine('left'));
  assert.deepEqual((await a.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' })).body.present, []);

  // no refresh within the time to live: the entry expires and everyone hears "left"
  const leftBefore = s.events.filter(mine('left')).length;
  await b.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' });
  await s.waitFor((e) => mine('left')(e) && s.events.filter(mine('left')).length > leftBefore, 6000);
  assert.match(s.text(), /: heartbeat\n\n/);

  // a ticket nobody may see is 404; a bad state is 400
  assert.equal((await b.post('/api/v1/tickets/SL-999999/presence', { state: 'viewing' })).status, 404);
  assert.equal((await b.post(`/api/v1/tickets/${t.number}/presence`, { state: 'typing' })).status, 400);
  const customer = await ctx.asCustomer();
  assert.equal((await customer.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' })).status, 403);
});

test('presence is rate-limited per user', async () => {
  const a = await ctx.as('agent');
  const t = await makeTicket(a);
  let last = 0;
  for (let i = 0; i < 121; i++) last = (await a.post(`/api/v1/tickets/${t.number}/presence`, { state: 'viewing' })).status;
  assert.equal(last, 429);
});

test('a lost LISTEN connection ends the streams (clients reload) and comes back by itself', async () => {
  const agent = await ctx.as('agent');
  const s = await stream(agent);
  assert.equal(s.status, 200);
  const killed = await ctx.deps.pool.query(`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'slovo-live' and datname = current_database()`);
  assert.equal(killed.rows.length, 1, 'one LISTEN connection per process');
  await s.ended;
  // the hub reconnects with backoff; a new stream hears changes again
  let again: Stream | null = null;
  const t = await makeTicket(agent);
  for (let i = 0; i < 50 && !again; i++) {
    const n = await stream(agent);
    if (n.status === 200) again = n;
    else await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(again);
  const t2 = await makeTicket(agent);
  await again.waitFor(on('ticket.created', t2.id));
  assert.equal(again.events.some((e) => e.data?.ticketId === t.id), false);
});

test('closing the app ends open streams at once', async () => {
  const other = await setup();
  try {
    await other.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(other.app.server.address() as AddressInfo).port}`;
    const agent = await other.as('agent');
    const s = await openStream(url, '/api/v1/stream', auth(agent));
    assert.equal(s.status, 200);
    const started = Date.now();
    const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error('the app did not close within 5 s')), 5000).unref());
    await Promise.race([other.app.close(), timeout]);
    await Promise.race([s.ended, timeout]);
    assert.ok(Date.now() - started < 3000, `closed in ${Date.now() - started} ms`);
  } finally {
    await other.close().catch(() => {});
  }
});
