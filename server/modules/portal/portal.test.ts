import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let customer: Client & { customerId: string };
let other: Client & { customerId: string };

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  customer = await ctx.asCustomer('olga@clients.test');
  other = await ctx.asCustomer();
});
after(() => ctx.close());

/** A ticket for the customer, made by staff (as if it came by mail). */
async function ticketFor(customerId: string, subject = 'Не работает вход', body = 'Не могу войти в кабинет') {
  const r = await admin.post('/api/v1/tickets', { subject, requester: { id: customerId }, message: { body } });
  assert.equal(r.status, 201, r.raw);
  return r.body as { id: string; number: string; version: number };
}
async function setStatus(id: string, status: string) {
  const cur = await admin.get(`/api/v1/tickets/${id}`);
  const r = await admin.patch(`/api/v1/tickets/${id}`, { status }, { 'if-match': `"${cur.body.version}"` });
  assert.equal(r.status, 200, r.raw);
}
const dbTicket = (id: string) => ctx.deps.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('reading', () => {
  test('me: the signed-in customer profile', async () => {
    const r = await customer.get('/api/v1/portal/me');
    assert.equal(r.status, 200);
    assert.equal(r.body.id, customer.customerId);
    assert.equal(r.body.email, 'olga@clients.test');
    assert.deepEqual(r.body.emails, ['olga@clients.test']);
  });

  test('a customer sees their ticket and its public replies, never notes or internal fields', async () => {
    const t = await ticketFor(customer.customerId);
    await admin.patch(`/api/v1/tickets/${t.id}`, { tags: ['secret-tag'], priority: 'urgent' }, { 'if-match': `"${t.version}"` });
    assert.equal((await admin.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Попробуйте сбросить пароль', status: 'pending_customer' })).status, 201);
    assert.equal((await admin.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Внутренняя заметка: клиент сложный' })).status, 201);

    const list = await customer.get('/api/v1/portal/tickets');
    assert.equal(list.status, 200);
    const item = list.body.items.find((x: { id: string }) => x.id === t.id);
    assert.ok(item);
    assert.equal(item.status, 'awaiting_reply');

    for (const ref of [t.id, t.number]) {
      const one = await customer.get(`/api/v1/portal/tickets/${ref}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.number, t.number);
      for (const k of ['assigneeId', 'tags', 'priority', 'priorityScore', 'groupId']) assert.ok(!(k in one.body), `no ${k}`);
      assert.deepEqual(one.body.custom, {}); // only customer-visible fields (portal-fields.test.ts)
      assert.doesNotMatch(one.raw, /secret-tag|urgent/);
    }

    const msgs = await customer.get(`/api/v1/portal/tickets/${t.number}/messages`);
    assert.equal(msgs.status, 200);
    assert.deepEqual(msgs.body.items.map((m: { author: { type: string } }) => m.author.type), ['customer', 'agent']);
    assert.equal(msgs.body.items[1].bodyText, 'Попробуйте сбросить пароль');
    assert.doesNotMatch(msgs.raw, /Внутренняя заметка/);
    assert.ok(!('id' in msgs.body.items[1].author), 'no internal agent id');
  });

  test("another customer's ticket is 404 by id and by number, for every route", async () => {
    const t = await ticketFor(other.customerId, 'Чужой тикет', 'Чужой текст');
    for (const ref of [t.id, t.number]) {
      assert.equal((await customer.get(`/api/v1/portal/tickets/${ref}`)).status, 404);
      assert.equal((await customer.get(`/api/v1/portal/tickets/${ref}/messages`)).status, 404);
      const r = await customer.post(`/api/v1/portal/tickets/${ref}/messages`, { body: 'Подсмотрю' });
      assert.equal(r.status, 404);
    }
    assert.equal((await dbTicket(t.id)).version, t.version, 'untouched');
    const list = await customer.get('/api/v1/portal/tickets?limit=200');
    assert.ok(!list.body.items.some((x: { id: string }) => x.id === t.id));
    assert.equal((await customer.get('/api/v1/portal/tickets/not-a-ticket')).status, 404);
  });

  test('who has the next step and which line works on it: no internal names', async () => {
    const t = await ticketFor(customer.customerId, 'Ждём поставщика');
    const one = async () => (await customer.get(`/api/v1/portal/tickets/${t.id}`)).body;
    assert.deepEqual([(await one()).waitingOn, (await one()).line], ['support', 1]);
    await ctx.deps.db.updateTable('tickets').set({ level: 2, status: 'pending_third_party', third_party_name: 'Acme Vendor' }).where('id', '=', t.id).execute();
    const b = await one();
    assert.deepEqual([b.status, b.waitingOn, b.line], ['open', 'third_party', 2]);
    assert.doesNotMatch(JSON.stringify(b), /Acme Vendor/);
    const inList = (await customer.get('/api/v1/portal/tickets?limit=200')).body.items.find((x: { id: string }) => x.id === t.id);
    assert.deepEqual([inList.waitingOn, inList.line], ['third_party', 2]);
    for (const [status, want] of [['pending_customer', 'customer'], ['on_hold', 'support'], ['solved', 'none']] as const) {
      await ctx.deps.db.updateTable('tickets').set({ status }).where('id', '=', t.id).execute();
      assert.equal((await one()).waitingOn, want, status);
    }
  });

  test('the list is keyset-paginated, latest activity first, own tickets only', async () => {
    const c = await ctx.asCustomer();
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await ticketFor(c.customerId, `Запрос ${i}`)).id);
    await ticketFor(other.customerId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await c.get(`/api/v1/portal/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      seen.push(...r.body.items.map((x) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...made].reverse());
    assert.equal((await c.get('/api/v1/portal/tickets?cursor=bogus')).status, 400);
  });
});

describe('writing', () => {
  test('a customer opens a ticket: channel portal, authored by them, searchable, idempotent', async () => {
    const body = { subject: 'Сломался экспорт', body: 'Экспорт отчётов выдаёт ошибку <b>500</b>' };
    const r = await customer.post('/api/v1/portal/tickets', body, { 'idempotency-key': 'portal-1' });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.status, 'open');
    assert.match(r.body.number, /^SL-\d+$/);
    const again = await customer.post('/api/v1/portal/tickets', body, { 'idempotency-key': 'portal-1' });
    assert.equal(again.body.id, r.body.id);

    const row = await dbTicket(r.body.id);
    assert.equal(row.channel, 'portal');
    assert.equal(row.requester_id, customer.customerId);
    assert.equal(row.status, 'new');
    const msgs = await ctx.deps.db.selectFrom('messages').selectAll().where('ticket_id', '=', r.body.id).execute();
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].author_type, 'customer');
    assert.equal(msgs[0].author_customer_id, customer.customerId);
    assert.equal(msgs[0].body_html, '<p>Экспорт отчётов выдаёт ошибку &lt;b&gt;500&lt;/b&gt;</p>');
    const ev = await ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', r.body.id).execute();
    assert.deepEqual(ev.map((e) => [e.kind, e.actor_type, e.actor_id]), [['created', 'customer', customer.customerId]]);

    const found = await admin.get(`/api/v1/search?q=${encodeURIComponent('экспорта отчёт')}`);
    assert.ok(found.body.items.some((h: { ticket: { id: string } }) => h.ticket.id === r.body.id));
    const mine = await customer.get('/api/v1/portal/tickets');
    assert.equal(mine.body.items[0].id, r.body.id);
  });

  test('invalid new tickets are refused', async () => {
    assert.equal((await customer.post('/api/v1/portal/tickets', { subject: '', body: 'x' })).status, 400);
    const blank = await customer.post('/api/v1/portal/tickets', { subject: 'Пусто', body: '   \n ' });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.code, 'validation_failed');
  });

  test('a customer reply is stored as theirs, logged, searchable; it keeps an open ticket open', async () => {
    const t = await ticketFor(customer.customerId);
    await setStatus(t.id, 'open');
    const r = await customer.post(`/api/v1/portal/tickets/${t.number}/messages`, { body: 'Прикладываю скриншот кракозябры' });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.author.type, 'customer');
    const m = await ctx.deps.db.selectFrom('messages').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.equal(m.author_type, 'customer');
    assert.equal(m.author_customer_id, customer.customerId);
    assert.equal(m.kind, 'reply');
    const row = await dbTicket(t.id);
    assert.equal(row.status, 'open');
    const ev = await ctx.deps.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', t.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(ev.kind, 'message_added');
    assert.equal(ev.actor_type, 'customer');
    assert.equal(ev.actor_id, customer.customerId);
    const found = await admin.get(`/api/v1/search?q=${encodeURIComponent('кракозябры')}`);
    assert.deepEqual(found.body.items.map((h: { ticket: { id: string } }) => h.ticket.id), [t.id]);
  });

  for (const from of ['solved', 'pending_customer']) {
    test(`a reply reopens a ${from} ticket`, async () => {
      const t = await ticketFor(customer.customerId);
      await setStatus(t.id, from);
      const r = await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'Проблема вернулась' });
      assert.equal(r.status, 201, r.raw);
      const row = await dbTicket(t.id);
      assert.equal(row.status, 'open');
      assert.equal(row.solved_at, null);
      assert.equal((await customer.get(`/api/v1/portal/tickets/${t.id}`)).body.status, 'open');
      const ev = await ctx.deps.db.selectFrom('ticket_events').select('data').where('ticket_id', '=', t.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((ev.data as { changes: unknown }).changes, { status: [from, 'open'] });
    });
  }

  test('a closed ticket takes no reply', async () => {
    const t = await ticketFor(customer.customerId);
    await setStatus(t.id, 'closed');
    const r = await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'Ау?' });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_state');
    assert.equal((await customer.get(`/api/v1/portal/tickets/${t.id}`)).body.status, 'closed');
  });
});

describe('files from customers', () => {
  const upload = (c: Client, name: string, data: string, type = 'text/plain') =>
    c.req('POST', `/api/v1/portal/attachments?filename=${encodeURIComponent(name)}`, { raw: data, headers: { 'content-type': type } });

  test('a reply and a new request carry the customer\'s uploads; the customer and agents can read them', async () => {
    const t = await ticketFor(customer.customerId);
    const up = await upload(customer, '../../скрин "1".txt', 'error at 14:05');
    assert.equal(up.status, 201, up.raw);
    assert.equal(up.body.filename, 'скрин 1.txt');
    const row = await ctx.deps.db.selectFrom('attachments').selectAll().where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.deepEqual([row.uploaded_by_customer_id, row.uploaded_by_user_id, row.message_id], [customer.customerId, null, null]);
    // not readable until sent, even by its uploader
    assert.equal((await customer.get(`/api/v1/attachments/${up.body.id}`)).status, 404);

    const r = await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'See the file', attachmentIds: [up.body.id] });
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual(r.body.attachments.map((a: { id: string }) => a.id), [up.body.id]);
    const bound = await ctx.deps.db.selectFrom('attachments').select(['ticket_id', 'message_id']).where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(bound, { ticket_id: t.id, message_id: r.body.id });
    const dl = await customer.get(`/api/v1/attachments/${up.body.id}`);
    assert.equal(dl.status, 200);
    assert.equal(dl.raw, 'error at 14:05');
    const agentView = await admin.get(`/api/v1/tickets/${t.id}/messages`);
    const m = agentView.body.items.find((x: { id: string }) => x.id === r.body.id);
    assert.equal(m.attachments[0].filename, 'скрин 1.txt');
    const portalView = await customer.get(`/api/v1/portal/tickets/${t.id}/messages`);
    assert.equal(portalView.body.items.find((x: { id: string }) => x.id === r.body.id).attachments[0].id, up.body.id);
    // someone else cannot read it
    assert.equal((await other.get(`/api/v1/attachments/${up.body.id}`)).status, 404);

    const up2 = await upload(customer, 'photo.png', 'png bytes', 'image/png');
    const created = await customer.post('/api/v1/portal/tickets', { subject: 'With a photo', body: 'Photo attached', attachmentIds: [up2.body.id] });
    assert.equal(created.status, 201, created.raw);
    const msgs = await customer.get(`/api/v1/portal/tickets/${created.body.id}/messages`);
    assert.deepEqual(msgs.body.items[0].attachments.map((a: { filename: string; contentType: string }) => [a.filename, a.contentType]), [['photo.png', 'image/png']]);
  });

  test('only own unsent uploads can be sent: a used or foreign id is refused and nothing is written', async () => {
    const t = await ticketFor(customer.customerId);
    const mine = await upload(customer, 'a.txt', 'a');
    assert.equal((await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'one', attachmentIds: [mine.body.id] })).status, 201);
    const before = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).execute();
    const again = await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'two', attachmentIds: [mine.body.id] });
    assert.equal(again.status, 400, again.raw);
    const theirs = await upload(other, 'b.txt', 'b');
    assert.equal((await customer.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'three', attachmentIds: [theirs.body.id] })).status, 400);
    assert.equal((await customer.post('/api/v1/portal/tickets', { subject: 'x', body: 'y', attachmentIds: [theirs.body.id] })).status, 400);
    const after = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).execute();
    assert.equal(after.length, before.length, 'refused replies are not stored');
    assert.equal((await ctx.deps.db.selectFrom('attachments').select('message_id').where('id', '=', theirs.body.id).executeTakeFirstOrThrow()).message_id, null);
    assert.equal((await upload(customer, 'empty.txt', '')).status, 400);
  });

  test('the size limit holds', async () => {
    const big = Buffer.alloc(ctx.config.SLOVO_ATTACHMENT_MAX_BYTES + 1, 1);
    const r = await customer.req('POST', '/api/v1/portal/attachments?filename=big.bin', { raw: big, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 413);
  });
});

describe('who may use the portal', () => {
  test('staff sessions get 403, anonymous 401, on every portal route', async () => {
    const t = await ticketFor(customer.customerId);
    const agent = await ctx.as('agent');
    const anon = ctx.anon();
    for (const [c, want] of [[admin, 403], [agent, 403], [anon, 401]] as const) {
      assert.equal((await c.get('/api/v1/portal/me')).status, want);
      assert.equal((await c.get('/api/v1/portal/tickets')).status, want);
      assert.equal((await c.get(`/api/v1/portal/tickets/${t.id}`)).status, want);
      assert.equal((await c.get(`/api/v1/portal/tickets/${t.id}/messages`)).status, want);
      assert.equal((await c.post(`/api/v1/portal/tickets/${t.id}/messages`, { body: 'x' })).status, want);
      assert.equal((await c.post('/api/v1/portal/tickets', { subject: 'x', body: 'x' })).status, want);
    }
  });
});
