// Edge cases of the analyzer in the product: text the database stores differently from what
// JavaScript holds (lone surrogates), merged-in notes of another requester and
// customer messages longer than the analyzer reads. HTTP in, database out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
