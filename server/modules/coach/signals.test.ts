// Customer messages are analysed wherever they arrive (API, portal, mail) and tickets keep the
// union of their signals, also across a merge. HTTP (or a raw mail) in, database out.
// Plumbing is checked against what analyzeMessage returns for the same text; contract examples from
// analyzer.md check real results.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyzeMessage } from '../../analyzer/index.ts';
import { receiveRaw } from '../../mail/receive.ts';
import { makeChannel, rawMail, settled } from '../../mail/test/mail-kit.ts';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { analyzeCustomerText } from './analysis.ts';

/** The stub analyzer returns no languages; the real one always names at least one. */

const THREATS = 'Если до завтра не почините, подам в суд и напишу в СМИ.';
const ANGRY_REPEAT = 'Пишу уже третий раз! Это издевательство, вы вообще работаете?!';
const expected = (text: string) => [...new Set(analyzeMessage(text).signals)].sort();
const union = (...texts: string[]) => [...new Set(texts.flatMap(expected))].sort();

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup({ jobs: true });
  agent = await ctx.as('agent');
});
after(() => ctx.close());

const rowsOf = (ticketId: string) =>
  ctx.deps.db.selectFrom('messages').select(['id', 'author_type', 'analysis', 'signals', 'body_text']).where('ticket_id', '=', ticketId).orderBy('id').execute();
const ticketSignals = async (id: string) =>
  (await ctx.deps.db.selectFrom('tickets').select('signals').where('id', '=', id).executeTakeFirstOrThrow()).signals;

describe('API', () => {
  test('a ticket whose first message is from the customer stores the analysis; staff see it', async () => {
    const t = await makeTicket(agent, { message: { body: THREATS } });
    assert.deepEqual(t.signals, expected(THREATS));
    const [row] = await rowsOf(t.id);
    assert.deepEqual(row.signals, expected(THREATS));
    const a = row.analysis as { v: number; lang: string; signals: string[]; tried_steps: string[] };
    assert.equal(a.v, 1);
    assert.equal(a.lang, 'ru');
    assert.deepEqual(a.signals, expected(THREATS));
    const light = await ctx.as('light_agent');
    const m = (await light.get(`/api/v1/tickets/${t.id}/messages`)).body.items[0];
    assert.deepEqual(Object.keys(m.analysis).sort(), ['details', 'lang', 'signals', 'triedSteps']);
    assert.deepEqual(m.analysis.signals, expected(THREATS));
    assert.equal(m.coach, null);
    assert.deepEqual((await light.get(`/api/v1/tickets/${t.id}`)).body.signals, expected(THREATS));
  });

  test('contract: «подам в суд и напишу в СМИ» is threat_regulator and threat_public on the ticket', async () => {
    const t = await makeTicket(agent, { message: { body: THREATS } });
    assert.ok(t.signals.includes('threat_regulator') && t.signals.includes('threat_public'), t.signals.join());
  });

  test('a first message written by an agent is not analysed', async () => {
    const t = await makeTicket(agent, { message: { body: THREATS, author: 'agent' } });
    const [row] = await rowsOf(t.id);
    assert.equal(row.analysis, null);
    assert.deepEqual(row.signals, []);
    assert.deepEqual(t.signals, []);
    const m = (await agent.get(`/api/v1/tickets/${t.id}/messages`)).body.items[0];
    assert.equal(m.analysis, null);
  });

  test('agent replies and notes add no signals', async () => {
    const t = await makeTicket(agent, { message: { body: 'Добрый день, не работает вход.' } });
    const before = await ticketSignals(t.id);
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: THREATS })).status, 201);
    assert.deepEqual(await ticketSignals(t.id), before);
    const rows = await rowsOf(t.id);
    assert.equal(rows[1].analysis, null);
  });
});

describe('portal', () => {
  test('a new ticket and a reply store signals; the ticket keeps the union; the portal never shows analysis', async () => {
    const c = await ctx.asCustomer();
    const created = await c.post('/api/v1/portal/tickets', { subject: 'Не работает', body: THREATS });
    assert.equal(created.status, 201);
    assert.equal((await c.post(`/api/v1/portal/tickets/${created.body.id}/messages`, { body: ANGRY_REPEAT })).status, 201);
    const rows = await rowsOf(created.body.id);
    assert.deepEqual(rows.map((r) => r.signals), [expected(THREATS), expected(ANGRY_REPEAT)]);
    assert.ok(rows.every((r) => r.analysis !== null));
    assert.deepEqual(await ticketSignals(created.body.id), union(THREATS, ANGRY_REPEAT));
    const mine = await c.get(`/api/v1/portal/tickets/${created.body.id}/messages`);
    assert.equal(mine.status, 200);
    for (const m of mine.body.items) assert.ok(!('analysis' in m) && !('coach' in m), JSON.stringify(m));
    const t = await c.get(`/api/v1/portal/tickets/${created.body.id}`);
    assert.ok(!('signals' in t.body));
    assert.deepEqual((await agent.get(`/api/v1/tickets/${created.body.id}`)).body.signals, union(THREATS, ANGRY_REPEAT));
  });

  test('contract: the ticket collects threats and anger/repeat contact from two messages', async () => {
    const c = await ctx.asCustomer();
    const created = await c.post('/api/v1/portal/tickets', { subject: 'Опять', body: THREATS });
    await c.post(`/api/v1/portal/tickets/${created.body.id}/messages`, { body: ANGRY_REPEAT });
    const s = await ticketSignals(created.body.id);
    for (const code of ['threat_regulator', 'threat_public', 'repeat_contact', 'anger']) assert.ok(s.includes(code), `${code} in ${s}`);
  });
});

describe('merge', () => {
  test("the target takes the source's customer signals; the source keeps none", async () => {
    const a = await makeTicket(agent, { message: { body: THREATS } });
    const b = await makeTicket(agent, { message: { body: ANGRY_REPEAT } });
    const r = await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.number });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.target.signals, union(THREATS, ANGRY_REPEAT));
    assert.deepEqual(r.body.source.signals, []);
    assert.deepEqual(await ticketSignals(b.id), union(THREATS, ANGRY_REPEAT));
  });
});

describe('mail', () => {
  test('a new mail and a reply by mail store the analysis of what the customer wrote now', async () => {
    const channel = await makeChannel(ctx.deps.db);
    const deliver = async (spec: Parameters<typeof rawMail>[0]) => {
      const r = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail(spec) });
      return (await settled(ctx.deps.db, [r.mailId]))[0];
    };
    const first = await deliver({ from: 'petr@client.test', messageId: 'sig-1@client.test', subject: 'Сбой', body: THREATS });
    assert.equal(first.stage, 'applied');
    const reply = await deliver({ from: 'petr@client.test', inReplyTo: 'sig-1@client.test', references: '<sig-1@client.test>', subject: 'Re: Сбой', body: `${ANGRY_REPEAT}\n\n> ${THREATS}` });
    assert.equal(reply.stage, 'applied');
    assert.equal(reply.ticket_id, first.ticket_id);
    const rows = await rowsOf(first.ticket_id!);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0].signals, expected(THREATS));
    assert.deepEqual(rows[1].signals, expected(rows[1].body_text));
    assert.ok(rows.every((r) => (r.analysis as { v?: number } | null)?.v === 1));
    assert.deepEqual(await ticketSignals(first.ticket_id!), union(THREATS, rows[1].body_text));
  });

  test('contract: a mailed threat reaches the ticket', async () => {
    const channel = await makeChannel(ctx.deps.db);
    const r = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail({ from: 'olga@client.test', body: THREATS }) });
    const [m] = await settled(ctx.deps.db, [r.mailId]);
    const s = await ticketSignals(m.ticket_id!);
    assert.ok(s.includes('threat_regulator') && s.includes('threat_public'), s.join());
  });
});

describe('filter and failures', () => {
  test('?signal= lists tickets having any of the signals; an unknown code is a 400', async () => {
    const a = await makeTicket(agent, { message: { body: 'просто вопрос' } });
    const b = await makeTicket(agent, { message: { body: 'ещё вопрос' } });
    // the filter reads tickets.signals whatever the analyzer says today: set them directly
    await ctx.deps.db.updateTable('tickets').set({ signals: ['churn', 'threat_regulator'] }).where('id', '=', a.id).execute();
    await ctx.deps.db.updateTable('tickets').set({ signals: ['gratitude'] }).where('id', '=', b.id).execute();
    const threats = await agent.get('/api/v1/tickets?signal=threat_regulator,threat_public&limit=200');
    assert.equal(threats.status, 200);
    const ids = threats.body.items.map((t: { id: string }) => t.id);
    assert.ok(ids.includes(a.id) && !ids.includes(b.id));
    assert.equal((await agent.get('/api/v1/tickets?signal=nonsense')).status, 400);
  });

  test('an analyzer failure stores no analysis and logs, never throws', () => {
    const warned: unknown[] = [];
    const exploding = { slice: () => { throw new Error('boom'); } } as unknown as string;
    const r = analyzeCustomerText({ warn: (...a: unknown[]) => void warned.push(a) } as never, exploding);
    assert.deepEqual(r, { analysis: null, signals: [] });
    assert.equal(warned.length, 1);
  });
});
