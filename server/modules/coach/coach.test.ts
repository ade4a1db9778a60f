// The reply coach: POST /api/v1/coach on drafts (context, roles, no writes) and the coach
// record stored with every sent public reply (also through a macro).
// Plumbing is checked against what coachReply returns for the same inputs; contract examples from
// analyzer.md check real results.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coachReply } from '../../analyzer/index.ts';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { draftText } from './coach.service.ts';


const CUSTOMER = 'Почему у нас третий день не приходят письма клиентам? Стоят продажи.';
const VAGUE = 'Ожидайте.';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

const coach = (c: Client, body: Record<string, unknown>) => c.post('/api/v1/coach', body);
/** Flags the analyzer gives for the reply with this context (sent time does not change flags). */
const flagsFor = (reply: string, context: Record<string, boolean>, customerMessage = CUSTOMER) =>
  coachReply(reply, { customerMessage, context }).flags;

describe('POST /api/v1/coach', () => {
  test('a vague reply on an open ticket: context from the ticket, flags from the analyzer', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const r = await coach(agent, { ticket: t.number, text: VAGUE });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body.context, { unresolved: true, ourFault: false, customerAskedCause: true });
    assert.deepEqual(r.body.flags, flagsFor(VAGUE, { unresolved: true, our_fault: false, customer_asked_cause: true }));
    assert.ok(Array.isArray(r.body.promises) && Array.isArray(r.body.suggestions) && Array.isArray(r.body.details));
    const msgs = (await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items;
    assert.equal(r.body.customerMessageId, msgs[0].id);
  });

  test('contract: «Ожидайте.» with an unresolved problem is vague_wait, with suggestions', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const r = await coach(agent, { ticket: t.id, text: VAGUE });
    assert.ok(r.body.flags.includes('vague_wait'), r.body.flags.join());
    assert.ok(r.body.flags.includes('no_cause'), 'the customer asked why');
    assert.ok(r.body.suggestions.length > 0);
  });

  test('the status to set, the our_fault/incident tags and an override decide the context', async () => {
    const t = await makeTicket(agent, { message: { body: 'Не работает экспорт.' }, tags: ['incident'] });
    const solved = await coach(agent, { ticket: t.number, text: 'Исправили, экспорт снова работает.', status: 'solved' });
    assert.deepEqual(solved.body.context, { unresolved: false, ourFault: true, customerAskedCause: false });
    const pending = await coach(agent, { ticket: t.number, text: VAGUE, status: 'pending_customer' });
    assert.equal(pending.body.context.unresolved, true);
    const over = await coach(agent, { ticket: t.number, text: VAGUE, context: { ourFault: false, customerAskedCause: true } });
    assert.deepEqual(over.body.context, { unresolved: true, ourFault: false, customerAskedCause: true });
    const tagged = await makeTicket(agent, { message: { body: 'What happened to my invoices?' }, tags: ['our_fault'] });
    const en = await coach(agent, { ticket: tagged.id, text: 'We are looking into it.' });
    assert.deepEqual(en.body.context, { unresolved: true, ourFault: true, customerAskedCause: true });
  });

  test('a ticket without customer messages still gets coached', async () => {
    const t = await makeTicket(agent, { message: { body: 'Исходящее письмо клиенту', author: 'agent' } });
    const r = await coach(agent, { ticket: t.id, text: VAGUE });
    assert.equal(r.status, 200);
    assert.equal(r.body.customerMessageId, null);
    assert.equal(r.body.context.customerAskedCause, false);
  });

  test('HTML drafts are read as their text', async () => {
    assert.equal(draftText('<p>Ожидайте <b>ответа</b>.</p><script>x()</script>'), 'Ожидайте ответа.');
    assert.equal(draftText('a < b and c > d'), 'a < b and c > d');
    const t = await makeTicket(agent);
    const r = await coach(agent, { ticket: t.id, text: '<p>Ожидайте.</p>', format: 'html' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.flags, flagsFor(VAGUE, { unresolved: true, our_fault: false, customer_asked_cause: false }, 'Здравствуйте! Письма не приходят с понедельника.'));
  });

  test('roles: agents, leads and admins; light agents and customers 403; anonymous 401; unknown ticket 404', async () => {
    const t = await makeTicket(agent);
    for (const role of ['lead', 'admin'] as const) assert.equal((await coach(await ctx.as(role), { ticket: t.id, text: VAGUE })).status, 200, role);
    assert.equal((await coach(await ctx.as('light_agent'), { ticket: t.id, text: VAGUE })).status, 403);
    const customer = await ctx.asCustomer();
    const own = await customer.post('/api/v1/portal/tickets', { subject: 'Мой', body: CUSTOMER });
    assert.equal((await coach(customer, { ticket: own.body.id, text: VAGUE })).status, 403);
    assert.equal((await coach(ctx.anon(), { ticket: t.id, text: VAGUE })).status, 401);
    assert.equal((await coach(agent, { ticket: '999999999', text: VAGUE })).status, 404);
    assert.equal((await coach(agent, { ticket: 'XX-1', text: VAGUE })).status, 404);
    assert.equal((await coach(agent, { ticket: t.id, text: VAGUE, status: 'bogus' })).status, 400);
  });

  test('coaching writes nothing', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const count = async () => (await ctx.deps.db.selectFrom('ticket_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const before = { events: await count(), version: t.version };
    for (let i = 0; i < 3; i++) assert.equal((await coach(agent, { ticket: t.id, text: VAGUE })).status, 200);
    const now = (await agent.get(`/api/v1/tickets/${t.id}`)).body;
    assert.equal(now.version, before.version);
    assert.equal(await count(), before.events);
    assert.equal((await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items.length, 1);
  });
  test('a runaway client is limited per agent (429 problem), other agents are not', async () => {
    const t = await makeTicket(agent);
    const busy = await ctx.as('agent');
    let limited: { status: number; headers: Record<string, unknown>; body: { code?: string } } | null = null;
    for (let i = 0; i < 260 && !limited; i++) {
      const r = await coach(busy, { ticket: t.id, text: 'Проверим.' });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 200);
    }
    assert.ok(limited, 'some request was limited');
    assert.equal(limited.body.code, 'rate_limited');
    assert.equal((await coach(agent, { ticket: t.id, text: 'Проверим.' })).status, 200);
  });
});

describe('a sent reply keeps the coach record', () => {
  type Stored = { flags: string[]; overridden: string[]; acknowledged: boolean; context: Record<string, boolean>; v: number };
  const storedCoach = async (messageId: string) =>
    (await ctx.deps.db.selectFrom('messages').select('coach').where('id', '=', messageId).executeTakeFirstOrThrow()).coach as Stored | null;

  test('flags at send time, all of them overridden (never blocked), the agent acknowledgement', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER }, tags: ['our_fault'] });
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: VAGUE, coachAck: true });
    assert.equal(r.status, 201, r.raw);
    const want = flagsFor(VAGUE, { unresolved: true, our_fault: true, customer_asked_cause: true });
    assert.deepEqual(r.body.coach, { flags: want, promises: [], overridden: want, acknowledged: true });
    const s = await storedCoach(r.body.id);
    assert.ok(s);
    assert.equal(s.v, 1);
    assert.deepEqual(s.context, { unresolved: true, our_fault: true, customer_asked_cause: true });
    assert.equal(r.body.analysis, null);
    const listed = (await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items[1];
    assert.deepEqual(listed.coach, r.body.coach);
  });

  test('without coachAck the record says not acknowledged; a reply that solves is judged as resolved', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Исправили настройку, письма снова уходят.', status: 'solved' });
    assert.equal(r.status, 201);
    assert.equal(r.body.coach.acknowledged, false);
    assert.equal((await storedCoach(r.body.id))!.context.unresolved, false);
  });

  test('contract: a vague reply sent anyway is stored with vague_wait overridden', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: VAGUE, coachAck: true });
    assert.ok(r.body.coach.overridden.includes('vague_wait'), r.body.coach.overridden.join());
  });

  test('notes have no coach record', async () => {
    const t = await makeTicket(agent);
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: VAGUE });
    assert.equal(r.status, 201);
    assert.equal(r.body.coach, null);
    assert.equal(await storedCoach(r.body.id), null);
  });

  test('a macro that sends a reply stores the coach record too', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const m = await agent.post('/api/v1/macros', { name: 'Ждите', body: '<p>Ожидайте.</p>' });
    assert.equal(m.status, 201, m.raw);
    const r = await agent.post(`/api/v1/tickets/${t.id}/macros/${m.body.id}/apply`, { version: t.version, send: true });
    assert.equal(r.status, 200, r.raw);
    const s = await storedCoach(r.body.message.id);
    assert.ok(s);
    assert.deepEqual(s.flags, flagsFor(VAGUE, { unresolved: true, our_fault: false, customer_asked_cause: true }));
    assert.equal(s.acknowledged, false);
  });
});

describe('POST /api/v1/coach: the language of the suggestions', () => {
  test('locale en or ru picks the suggestion texts; without it the agent\'s profile locale does', async () => {
    const t = await makeTicket(agent, { message: { body: CUSTOMER } });
    const en = await coach(agent, { ticket: t.number, text: VAGUE, locale: 'en' });
    const ru = await coach(agent, { ticket: t.number, text: VAGUE, locale: 'ru' });
    assert.equal(en.status, 200, en.raw);
    assert.equal(ru.status, 200, ru.raw);
    const hint = (r: { body: { suggestions: { code: string; text: string }[] } }) => r.body.suggestions.find((s) => s.code === 'vague_wait')?.text;
    assert.equal(hint(en), coachReply(VAGUE, { customerMessage: CUSTOMER, context: en.body.context, locale: 'en' }).suggestions.find((s) => s.code === 'vague_wait')?.text);
    assert.match(hint(en)!, /^[\x20-\x7e]+$/);
    assert.match(hint(ru)!, /[а-яё]/i);
    assert.notEqual(hint(en), hint(ru));
    // the same flags whatever the language of the hints
    assert.deepEqual(en.body.flags, ru.body.flags);
    assert.equal(en.body.suggestions.length, en.body.flags.length);
    for (const s of en.body.suggestions) assert.match(s.text, /^[\x20-\x7e]+$/, s.text);
    // no locale: the profile's (en here), then ru after the profile changes
    await ctx.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', agent.userId).execute();
    assert.equal(hint(await coach(agent, { ticket: t.number, text: VAGUE })), hint(en));
    await ctx.deps.db.updateTable('users').set({ locale: 'ru' }).where('id', '=', agent.userId).execute();
    assert.equal(hint(await coach(agent, { ticket: t.number, text: VAGUE })), hint(ru));
    assert.equal((await coach(agent, { ticket: t.number, text: VAGUE, locale: 'de' })).status, 400);
  });
});
