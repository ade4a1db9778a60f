import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

type Hit = { ticket: { id: string; number: string; status: string; tags: string[] }; snippet: string };

async function search(q: string, extra = '', client: Client = agent) {
  return client.get(`/api/v1/search?q=${encodeURIComponent(q)}&limit=200${extra}`);
}
async function ids(q: string, extra = ''): Promise<string[]> {
  const r = await search(q, extra);
  assert.equal(r.status, 200, r.raw);
  return r.body.items.map((h: Hit) => h.ticket.id);
}
const ticket = (subject: string, body: string, over: Record<string, unknown> = {}) => makeTicket(agent, { subject, message: { body }, ...over });

describe('words', () => {
  test('Russian word forms: «письма» finds «письмо» and «письмами»', async () => {
    const a = await ticket('Вопрос по рассылке', 'Я отправил письмо вчера вечером');
    const b = await ticket('Вопрос по рассылке', 'Пересылаю вам всё письмами');
    const other = await ticket('Вопрос по рассылке', 'Звоню по телефону');
    const found = await ids('письма');
    assert.ok(found.includes(a.id) && found.includes(b.id));
    assert.ok(!found.includes(other.id));
  });

  test('English word forms: «emails» finds «email»', async () => {
    const a = await ticket('Inbox problem', 'The email never arrived');
    const other = await ticket('Inbox problem', 'The phone never rang');
    const found = await ids('emails');
    assert.ok(found.includes(a.id));
    assert.ok(!found.includes(other.id));
  });

  test('the last word is a prefix: «перезагру» finds «перезагрузил»', async () => {
    const a = await ticket('Роутер', 'Я перезагрузил роутер, не помогло');
    assert.ok((await ids('перезагру')).includes(a.id));
    assert.ok((await ids('роутер перезагру')).includes(a.id));
    assert.ok(!(await ids('перезагру телевизор')).includes(a.id), 'every word must match');
  });

  test('finds tickets by the requester name', async () => {
    const a = await ticket('Счёт', 'Пришлите счёт', { requester: { email: 'zina@clients.test', name: 'Зинаида Прокофьева' } });
    assert.ok((await ids('Прокофьева')).includes(a.id));
    assert.ok((await ids('зинаида прокоф')).includes(a.id));
  });

  test('the whole ticket number finds that ticket', async () => {
    const a = await ticket('Номер', 'Текст без номера');
    const r = await search(a.number);
    assert.deepEqual(r.body.items.map((h: Hit) => h.ticket.id), [a.id]);
  });

  test('internal notes are searchable by staff', async () => {
    const a = await ticket('Обычный вопрос', 'Ничего особенного');
    const n = await agent.post(`/api/v1/tickets/${a.id}/messages`, { kind: 'note', body: 'Клиент упоминал трансформатор на складе' });
    assert.equal(n.status, 201);
    const r = await search('трансформатор');
    const hit = r.body.items.find((h: Hit) => h.ticket.id === a.id);
    assert.ok(hit, 'ticket found through its note');
    assert.match(hit.snippet, /<mark>трансформатор<\/mark>/);
  });
});

describe('filters and order', () => {
  test('ticket filters combine with the search (status, tags)', async () => {
    const open = await ticket('Кофеварка', 'Кофеварка течёт', { tags: ['kitchen'], status: 'open' });
    const solved = await ticket('Кофеварка', 'Кофеварка шумит', { tags: ['kitchen', 'noise'], status: 'solved' });
    const untagged = await ticket('Кофеварка', 'Кофеварка сломалась', { status: 'open' });
    assert.deepEqual((await ids('кофеварка')).sort(), [open.id, solved.id, untagged.id].sort());
    assert.deepEqual(await ids('кофеварка', '&tags=kitchen&status=open'), [open.id]);
    assert.deepEqual(await ids('кофеварка', '&status=solved'), [solved.id]);
    assert.deepEqual((await ids('кофеварка', '&tags=kitchen')).sort(), [open.id, solved.id].sort());
    assert.deepEqual(await ids('кофеварка', '&tags=noise&sort=relevance'), [solved.id]);
  });

  test('default order is last update first; relevance puts subject matches first', async () => {
    const inSubject = await ticket('Принтер не печатает', 'Помогите');
    const inBody = await ticket('Офис', 'Ещё у нас принтер старый, но вопрос про мониторы');
    assert.deepEqual(await ids('принтер'), [inBody.id, inSubject.id]);
    assert.deepEqual(await ids('принтер', '&sort=relevance'), [inSubject.id, inBody.id]);
  });

  for (const [sort, word] of [['updated', 'пагинация'], ['relevance', 'листание']]) {
    test(`keyset pages (sort=${sort}) walk every match once`, async () => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await ticket(`${word} ${i}`, i % 2 ? `${word} ${word}` : 'текст')).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: { items: Hit[]; nextCursor: string | null } } =
          await agent.get(`/api/v1/search?q=${encodeURIComponent(word)}&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200);
        assert.ok(r.body.items.length <= 2);
        seen.push(...r.body.items.map((h) => h.ticket.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no ticket twice');
      assert.deepEqual([...seen].sort(), [...made].sort());
    });
  }

  test('a forged cursor is a validation error', async () => {
    for (const sort of ['updated', 'relevance']) {
      const r = await search('пагинация', `&sort=${sort}&cursor=${Buffer.from('["x","y"]').toString('base64url')}`);
      assert.equal(r.status, 400);
      assert.equal(r.body.code, 'validation_failed');
    }
  });
});

describe('snippets and hostile input', () => {
  test('the snippet marks the words and carries no other HTML, even from a <script> message', async () => {
    const a = await ticket('Календарь', 'Ошибка <script>alert(1)</script> синхронизации <b>календаря</b> & "почты"');
    const r = await search('синхронизации');
    const hit = r.body.items.find((h: Hit) => h.ticket.id === a.id);
    assert.ok(hit);
    assert.match(hit.snippet, /<mark>синхронизации<\/mark>/);
    const rest = hit.snippet.replace(/<\/?mark>/g, '');
    assert.doesNotMatch(rest, /[<>]/);
    assert.match(rest, /&lt;/, 'the angle brackets are escaped, not dropped');
  });

  test('a subject with markup gives a safe snippet', async () => {
    const a = await ticket('<img src=x onerror=alert(1)> Жалоба на доставку', 'Курьер опоздал');
    const hit = (await search('доставку')).body.items.find((h: Hit) => h.ticket.id === a.id);
    assert.match(hit.snippet, /<mark>доставку<\/mark>/);
    assert.doesNotMatch(hit.snippet.replace(/<\/?mark>/g, ''), /[<>]/);
  });

  test('tsquery syntax and SQL in the query never break the search', async () => {
    const nasty = ["a & | ! ' :* (", "'", '\\', ':*', '!!!', 'a:*:*', "'); drop table tickets; --", '<->', 'письма & (', '((((', 'a'.repeat(500),
      'ё', '١٢٣', '🙂 письма', "o'reilly", 'SL-', 'SL-0', 'x'.repeat(40) + ' ' + 'y'.repeat(40)];
    for (const q of nasty) {
      for (const sort of ['updated', 'relevance']) {
        const r = await search(q, `&sort=${sort}`);
        assert.ok(r.status === 200 || r.status === 400, `${q}: ${r.status} ${r.raw}`);
      }
    }
    const n = await ctx.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    assert.ok(Number(n.n) > 0);
  });

  test('empty queries and queries of stop words only are refused with a clear message', async () => {
    for (const q of ['', '   ', '!!!', 'и в на', 'the and']) {
      const r = await search(q);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.code, 'validation_failed');
    }
    const r = await search('и в на');
    assert.match(r.body.detail, /stop word/);
  });
});

describe('who may search', () => {
  test('a light agent may search; customers get 403; anonymous 401', async () => {
    await ticket('Доступ', 'Проверка доступа');
    const light = await ctx.as('light_agent');
    const r = await search('доступа', '', light);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length >= 1);
    const customer = await ctx.asCustomer();
    assert.equal((await search('доступа', '', customer)).status, 403);
    assert.equal((await search('доступа', '', ctx.anon())).status, 401);
  });
});
