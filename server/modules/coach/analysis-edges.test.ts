// Edge cases of the analyzer in the product: text the database stores differently from what
// JavaScript holds (lone surrogates), auto-replies, merged-in notes of another requester and
// customer messages longer than the analyzer reads. HTTP (or a raw mail) in, database out.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { analyzeMessage } from '../../analyzer/index.ts';
import { receiveRaw } from '../../mail/receive.ts';
import { makeChannel, rawMail, settled } from '../../mail/test/mail-kit.ts';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { ANALYZE_TEXT_MAX } from './analysis.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup({ jobs: true });
  agent = await ctx.as('agent');
});
after(() => ctx.close());

type Ev = { start: number; end: number; text: string };
const evidenceOf = (a: unknown) => ((a as { details: { evidence: Ev[] }[] }).details ?? []).flatMap((d) => d.evidence);

describe('lone surrogates (valid JSON, stored by PostgreSQL as U+FFFD)', () => {
  // the span of «напишу … в СМИ» and of the deadline covers the lone high surrogate
  const BROKEN = 'Если до\ud83d завтра не почините, подам в суд и напишу\ud83d в СМИ.';

  test('a portal ticket is stored with its analysis; evidence matches the stored body_text', async () => {
    const c = await ctx.asCustomer();
    const r = await c.post('/api/v1/portal/tickets', { subject: 'Сбой', body: BROKEN });
    assert.equal(r.status, 201, r.raw);
    const m = await ctx.deps.db.selectFrom('messages').select(['body_text', 'analysis', 'signals']).where('ticket_id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.ok(m.analysis, 'analysis stored');
    assert.ok(m.signals.includes('threat_public'), m.signals.join());
    const ev = evidenceOf(m.analysis);
    assert.ok(ev.length > 0);
    for (const e of ev) assert.equal(m.body_text.slice(e.start, e.end), e.text);
  });

  test('an API ticket and an agent reply with one are stored', async () => {
    const t = await makeTicket(agent, { message: { body: BROKEN } }).catch((e: Error) => e);
    assert.ok(!(t instanceof Error), String(t));
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Мы обязательно\ud83d всё исправим до\ud83d пятницы. Ожидайте.' });
    assert.equal(r.status, 201, r.raw);
  });
});

describe('mail auto-replies', () => {
  test('an out-of-office reply adds no signals to the ticket', async () => {
    const channel = await makeChannel(ctx.deps.db);
    const deliver = async (spec: Parameters<typeof rawMail>[0]) => {
      const r = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail(spec) });
      return (await settled(ctx.deps.db, [r.mailId]))[0];
    };
    const first = await deliver({ from: 'vera@client.test', messageId: 'ooo-1@client.test', subject: 'Вопрос по счёту', body: 'Добрый день, пришлите, пожалуйста, счёт за ноябрь.' });
    assert.equal(first.stage, 'applied');
    const before = (await ctx.deps.db.selectFrom('tickets').select('signals').where('id', '=', first.ticket_id!).executeTakeFirstOrThrow()).signals;
    const OOO = 'Я в отпуске до 10 декабря. По срочным вопросам обращайтесь к Ивану, тел. +7 900 000-00-00.';
    assert.ok(analyzeMessage(OOO).signals.includes('urgent'), 'the analyzer reads the auto-reply as urgent');
    const ooo = await deliver({
      from: 'vera@client.test', inReplyTo: 'ooo-1@client.test', references: '<ooo-1@client.test>', subject: 'Автоответ: Re: Вопрос по счёту',
      body: OOO, headers: { 'Auto-Submitted': 'auto-replied' },
    });
    assert.equal(ooo.stage, 'applied');
    assert.equal(ooo.ticket_id, first.ticket_id);
    const after = (await ctx.deps.db.selectFrom('tickets').select('signals').where('id', '=', first.ticket_id!).executeTakeFirstOrThrow()).signals;
    assert.deepEqual(after, before);
    const m = await ctx.deps.db.selectFrom('messages').select(['signals']).where('id', '=', ooo.ticket_message_id!).executeTakeFirstOrThrow();
    assert.deepEqual(m.signals, []);
  });
});

describe('coach inputs', () => {
  test("after a merge across requesters the coach reads the target requester's message, not the moved note", async () => {
    const target = await makeTicket(agent, { message: { body: 'Не работает экспорт отчётов.' } });
    const source = await makeTicket(agent, { message: { body: 'Почему у вас опять всё сломалось?' } });
    assert.equal((await agent.post(`/api/v1/tickets/${source.id}/merge`, { targetRef: target.number })).status, 200);
    const own = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', target.id).where('kind', '=', 'reply').executeTakeFirstOrThrow();
    const r = await agent.post('/api/v1/coach', { ticket: target.id, text: 'Ожидайте.' });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.customerMessageId, own.id);
    assert.equal(r.body.context.customerAskedCause, false, 'the other customer asked why, not this one');
  });

  test('a question beyond the characters the analyzer reads does not count', async () => {
    const long = `${'Журнал: ошибка соединения с сервером. '.repeat(Math.ceil(ANALYZE_TEXT_MAX / 38) + 10)}Почему так происходит?`;
    assert.ok(long.length > ANALYZE_TEXT_MAX + 100);
    const t = await makeTicket(agent, { message: { body: long } });
    const r = await agent.post('/api/v1/coach', { ticket: t.id, text: 'Ожидайте.' });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.context.customerAskedCause, false);
  });
});

describe('responses stored before the analyzer (idempotent replays)', () => {
  test('a replayed ticket or message without signals/analysis/coach is still served', async () => {
    const body = { subject: 'Старый', requester: { email: 'old-replay@clients.test', name: 'Old' }, message: { body: 'Здравствуйте, не работает вход.' } };
    const key = { 'idempotency-key': 'pre-analyzer-ticket' };
    const first = await agent.post('/api/v1/tickets', body, key);
    assert.equal(first.status, 201, first.raw);
    const msgKey = { 'idempotency-key': 'pre-analyzer-message' };
    const sent = await agent.post(`/api/v1/tickets/${first.body.id}/messages`, { body: 'Проверим.' }, msgKey);
    assert.equal(sent.status, 201, sent.raw);
    // what these keys stored before the columns existed
    await ctx.deps.db.updateTable('idempotency_keys').set({ response: sql`response - 'signals'` }).where('key', '=', key['idempotency-key']).execute();
    await ctx.deps.db.updateTable('idempotency_keys').set({ response: sql`response - 'analysis' - 'coach'` }).where('key', '=', msgKey['idempotency-key']).execute();
    const again = await agent.post('/api/v1/tickets', body, key);
    assert.equal(again.status, 201, again.raw);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body.signals, []);
    const resent = await agent.post(`/api/v1/tickets/${first.body.id}/messages`, { body: 'Проверим.' }, msgKey);
    assert.equal(resent.status, 201, resent.raw);
    assert.equal(resent.body.analysis, null);
    assert.equal(resent.body.coach, null);
  });
});
