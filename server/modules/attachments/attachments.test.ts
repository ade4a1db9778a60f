import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };
before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function upload(c: Client, filename: string, data: Buffer | string, type?: string) {
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  return c.req('POST', `/api/v1/attachments?filename=${encodeURIComponent(filename)}`, { raw: data, headers });
}

/** Raw download (bytes as a Buffer, headers). */
async function download(c: Client, id: string) {
  const headers: Record<string, string> = {};
  if (c.cookies.size) headers.cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await ctx.app.inject({ method: 'GET', url: `/api/v1/attachments/${id}`, headers });
  return { status: r.statusCode, headers: r.headers, data: r.rawPayload, body: r.body };
}

async function count(table: 'blobs' | 'attachments') {
  const r = await ctx.deps.db.selectFrom(table).select(ctx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('upload and download', () => {
  test('bytes round-trip exactly, for text, JSON and binary files', async () => {
    const files: [string, Buffer, string][] = [
      ['log.txt', Buffer.from('line 1\n  line 2 "quoted"\n'), 'text/plain'],
      ['data.json', Buffer.from('{ "a" : 1,\n  "b": [1, 2] }'), 'application/json'],
      ['form.bin', Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded'],
      ['blob.bin', Buffer.from([0, 1, 2, 255, 254, 0]), 'application/octet-stream'],
      ['noheader.dat', Buffer.from('no content type sent'), ''],
    ];
    for (const [name, data, type] of files) {
      const up = await upload(agent, name, data, type || undefined);
      assert.equal(up.status, 201, `${name}: ${up.raw}`);
      assert.equal(up.body.filename, name);
      assert.equal(up.body.size, data.length, name);
      assert.equal(up.body.sha256, sha(data), name);
      assert.equal(up.body.url, `/api/v1/attachments/${up.body.id}`);
      const d = await download(agent, up.body.id);
      assert.equal(d.status, 200);
      assert.deepEqual(d.data, data, name);
    }
  });

  test('non-image files are served as downloads with nosniff', async () => {
    const up = await upload(agent, 'report.pdf', Buffer.from('%PDF-1.4 fake'), 'application/pdf');
    assert.equal(up.body.contentType, 'application/pdf');
    const d = await download(agent, up.body.id);
    assert.equal(d.headers['content-type'], 'application/octet-stream');
    assert.equal(d.headers['content-disposition'], `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    assert.equal(d.headers['x-content-type-options'], 'nosniff');
    assert.match(String(d.headers['content-security-policy']), /sandbox/);
  });

  test('HTML and SVG are never served inline, whatever the upload claimed', async () => {
    const evil = '<script>alert(document.cookie)</script>';
    for (const [name, type] of [['page.html', 'text/html'], ['pic.svg', 'image/svg+xml'], ['x.htm', 'TEXT/HTML; charset=utf-8'], ['x.xhtml', 'application/xhtml+xml']]) {
      const up = await upload(agent, name, `<svg xmlns="http://www.w3.org/2000/svg">${evil}</svg>`, type);
      assert.equal(up.status, 201);
      const d = await download(agent, up.body.id);
      assert.equal(d.headers['content-type'], 'application/octet-stream', name);
      assert.match(String(d.headers['content-disposition']), /^attachment;/, name);
      assert.equal(d.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('safe images are inline with their type', async () => {
    for (const [name, type] of [['a.png', 'image/png'], ['a.jpg', 'image/jpeg'], ['a.gif', 'image/gif'], ['a.webp', 'image/webp']]) {
      const up = await upload(agent, name, Buffer.concat([PNG, Buffer.from(name)]), type);
      const d = await download(agent, up.body.id);
      assert.equal(d.headers['content-type'], type);
      assert.match(String(d.headers['content-disposition']), new RegExp(`^inline; filename="${name}"`));
      assert.equal(d.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('a content type with parameters keeps its media type', async () => {
    const up = await upload(agent, 'notes.txt', 'привет', 'text/plain; charset=utf-8');
    assert.equal(up.body.contentType, 'text/plain');
    const img = await upload(agent, 'p.png', PNG, 'IMAGE/PNG');
    assert.equal(img.body.contentType, 'image/png');
    assert.equal((await download(agent, img.body.id)).headers['content-type'], 'image/png');
  });

  test('identical bytes are stored once: two uploads, two attachments, one blob', async () => {
    const data = Buffer.from(`same bytes ${Date.now()}`);
    const blobs = await count('blobs');
    const atts = await count('attachments');
    const a = await upload(agent, 'one.txt', data, 'text/plain');
    const other = await ctx.as('light_agent');
    const b = await upload(other, 'two.txt', data, 'text/plain');
    assert.notEqual(a.body.id, b.body.id);
    assert.equal(a.body.sha256, b.body.sha256);
    assert.equal(await count('blobs'), blobs + 1);
    assert.equal(await count('attachments'), atts + 2);
    const blob = await ctx.deps.db.selectFrom('blobs').selectAll().where('sha256', '=', sha(data)).executeTakeFirstOrThrow();
    assert.deepEqual(blob.data, data);
    assert.equal(Number(blob.size), data.length);
  });

  test('Idempotency-Key: a retried upload returns the first attachment; other bytes with the key are 422', async () => {
    const atts = await count('attachments');
    const send = (data: string) => agent.req('POST', '/api/v1/attachments?filename=retry.txt', { raw: data, headers: { 'content-type': 'text/plain', 'idempotency-key': 'up-1' } });
    const a = await send('retry me');
    const b = await send('retry me');
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(b.body.id, a.body.id);
    assert.equal(await count('attachments'), atts + 1);
    assert.equal((await send('other bytes')).status, 422);
  });

  test('an empty file is a 400 and stores nothing', async () => {
    const blobs = await count('blobs');
    const atts = await count('attachments');
    for (const type of ['text/plain', 'application/octet-stream', undefined]) {
      const r = await upload(agent, 'empty.txt', '', type);
      assert.equal(r.status, 400, `${type}: ${r.raw}`);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    }
    assert.equal(await count('blobs'), blobs);
    assert.equal(await count('attachments'), atts);
  });

  test('filename is required', async () => {
    const r = await agent.req('POST', '/api/v1/attachments', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
  });

  test('Cyrillic filenames round-trip in filename* with an ASCII fallback', async () => {
    const name = 'Счёт №5 (май).pdf';
    const up = await upload(agent, name, 'pdf', 'application/pdf');
    assert.equal(up.body.filename, name);
    const d = await download(agent, up.body.id);
    const cd = String(d.headers['content-disposition']);
    assert.match(cd, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const star = /filename\*=UTF-8''([^;\s]+)/.exec(cd)![1];
    assert.match(star, /^[A-Za-z0-9!#$&+.^_`|~%-]+$/, 'only RFC 5987 attr-chars');
    assert.equal(decodeURIComponent(star), name);
  });

  test('quotes and separators in names cannot break the header', async () => {
    const up = await upload(agent, `a"b;c\\d'e.txt`, 'x', 'text/plain');
    const cd = String((await download(agent, up.body.id)).headers['content-disposition']);
    const ascii = /filename="([^"]*)"/.exec(cd)![1];
    assert.ok(!ascii.includes('\\'));
    const star = /filename\*=UTF-8''([^;\s]+)$/.exec(cd)![1];
    assert.equal(decodeURIComponent(star), up.body.filename);
  });

  test('path components are stripped from the filename', async () => {
    for (const [given, kept] of [['../../etc/passwd', 'passwd'], ['C:\\Users\\me\\secret.doc', 'secret.doc'], ['..', 'file'], ['dir/', 'file']]) {
      const up = await upload(agent, given, 'x', 'text/plain');
      assert.equal(up.status, 201);
      assert.equal(up.body.filename, kept, given);
      const row = await ctx.deps.db.selectFrom('attachments').select('filename').where('id', '=', up.body.id).executeTakeFirstOrThrow();
      assert.equal(row.filename, kept);
    }
  });

  test('unknown id is 404, a bad id is 400, anonymous is 401', async () => {
    assert.equal((await download(agent, '999999999')).status, 404);
    assert.equal((await download(agent, 'abc')).status, 400);
    const up = await upload(agent, 'a.txt', 'anon?', 'text/plain');
    assert.equal((await download(ctx.anon(), up.body.id)).status, 401);
    assert.equal((await upload(ctx.anon(), 'a.txt', 'x', 'text/plain')).status, 401);
  });

  test('HTML bytes claiming to be a PNG stay a PNG: nosniff and a sandboxing CSP', async () => {
    const up = await upload(agent, 'fake.png', '<html><script>alert(1)</script></html>', 'image/png');
    const d = await download(agent, up.body.id);
    assert.equal(d.headers['content-type'], 'image/png');
    assert.equal(d.headers['x-content-type-options'], 'nosniff');
    assert.equal(d.headers['content-security-policy'], "default-src 'none'; sandbox");
  });

  test('API tokens: read scope downloads but cannot upload, write scope uploads', async () => {
    const read = await agent.post('/api/v1/tokens', { name: 'r', scopes: ['read'] });
    const write = await agent.post('/api/v1/tokens', { name: 'w', scopes: ['write'] });
    const bot = ctx.anon();
    bot.token = read.body.token;
    assert.equal((await upload(bot, 'a.txt', 'x', 'text/plain')).status, 403);
    bot.token = write.body.token;
    const up = await upload(bot, 'a.txt', 'from a script', 'text/plain');
    assert.equal(up.status, 201);
    const t = await makeTicket(agent);
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'x', attachmentIds: [up.body.id] })).status, 201);
    const r = await ctx.app.inject({ method: 'GET', url: `/api/v1/attachments/${up.body.id}`, headers: { authorization: `Bearer ${read.body.token}` } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, 'from a script');
  });

  test('customers cannot upload through the agent route', async () => {
    const cust = await ctx.asCustomer();
    const r = await upload(cust, 'a.txt', 'x', 'text/plain');
    assert.equal(r.status, 403);
  });
});

describe('size limit', () => {
  let small: TestCtx;
  before(async () => { small = await setup({ env: { SLOVO_ATTACHMENT_MAX_BYTES: '2048' } }); });
  after(() => small.close());

  test('over SLOVO_ATTACHMENT_MAX_BYTES is 413 payload_too_large and nothing is stored', async () => {
    const a = await small.as('agent');
    for (const size of [2049, 5000, 3 * 1024 * 1024]) {
      for (const type of ['application/octet-stream', 'text/plain', 'application/json']) {
        const r = await upload(a, 'big.bin', Buffer.alloc(size, 'a'), type);
        assert.equal(r.status, 413, `${size} ${type}: ${r.raw}`);
        assert.equal(r.body.code, 'payload_too_large');
        assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      }
    }
    const n = await small.deps.db.selectFrom('blobs').select('sha256').execute();
    assert.equal(n.length, 0);
    const ok = await upload(a, 'fits.bin', Buffer.alloc(2048, 'b'), 'application/octet-stream');
    assert.equal(ok.status, 201);
  });
});

describe('attaching and visibility', () => {
  test('an upload attached to a reply shows on the message and cannot be attached twice', async () => {
    const t = await makeTicket(agent);
    const up = await upload(agent, 'log.txt', 'attach me', 'text/plain');
    const m = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'see file', attachmentIds: [up.body.id] });
    assert.equal(m.status, 201, m.raw);
    assert.deepEqual(m.body.attachments.map((x: { id: string }) => x.id), [up.body.id]);
    const row = await ctx.deps.db.selectFrom('attachments').selectAll().where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.equal(row.message_id, m.body.id);
    assert.equal(row.ticket_id, t.id);
    const list = await agent.get(`/api/v1/tickets/${t.id}/messages`);
    assert.equal(list.body.items.at(-1).attachments[0].filename, 'log.txt');
    const again = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'again', attachmentIds: [up.body.id] });
    assert.equal(again.status, 400);
    // attached files are visible to the other agents
    const other = await ctx.as('light_agent');
    assert.equal((await download(other, up.body.id)).status, 200);
  });

  test('someone else\'s unattached upload cannot be attached (400) or downloaded (404)', async () => {
    const other = await ctx.as('agent');
    const up = await upload(other, 'private.txt', 'not yours yet', 'text/plain');
    const t = await makeTicket(agent);
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'steal', attachmentIds: [up.body.id] });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
    const msgs = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).execute();
    assert.equal(msgs.length, 1, 'the message was rolled back');
    const row = await ctx.deps.db.selectFrom('attachments').select('message_id').where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.equal(row.message_id, null);
    assert.equal((await download(agent, up.body.id)).status, 404);
    assert.equal((await download(other, up.body.id)).status, 200);
    // an unknown id is refused the same way
    const bad = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'x', attachmentIds: ['999999999'] });
    assert.equal(bad.status, 400);
  });

  test('a ticket created with an attachment carries it on its first message', async () => {
    const up = await upload(agent, 'screen.png', PNG, 'image/png');
    const t = await makeTicket(agent, { message: { body: 'see screenshot', attachmentIds: [up.body.id] } });
    const row = await ctx.deps.db.selectFrom('attachments').select(['ticket_id', 'message_id']).where('id', '=', up.body.id).executeTakeFirstOrThrow();
    assert.equal(row.ticket_id, t.id);
    assert.ok(row.message_id);
  });

  test('a customer downloads files of public replies on their own ticket, not of internal notes or other tickets', async () => {
    const cust = await ctx.asCustomer();
    const email = (await cust.get('/api/v1/auth/me')).body.email;
    const mine = await makeTicket(agent, { requester: { email } });
    assert.equal(mine.requester.id, cust.customerId);
    const pub = await upload(agent, 'инструкция.pdf', 'public', 'application/pdf');
    const note = await upload(agent, 'internal.txt', 'internal only', 'text/plain');
    assert.equal((await agent.post(`/api/v1/tickets/${mine.id}/messages`, { body: 'here you go', attachmentIds: [pub.body.id] })).status, 201);
    assert.equal((await agent.post(`/api/v1/tickets/${mine.id}/messages`, { body: 'internal', kind: 'note', attachmentIds: [note.body.id] })).status, 201);
    const ok = await download(cust, pub.body.id);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'public');
    assert.equal(ok.headers['content-type'], 'application/octet-stream');
    const hidden = await download(cust, note.body.id);
    assert.equal(hidden.status, 404);
    assert.ok(!hidden.body.includes('internal only'));
    // a public reply on someone else's ticket
    const theirs = await makeTicket(agent);
    const other = await upload(agent, 'other.txt', 'other customer', 'text/plain');
    await agent.post(`/api/v1/tickets/${theirs.id}/messages`, { body: 'for them', attachmentIds: [other.body.id] });
    assert.equal((await download(cust, other.body.id)).status, 404);
    // an unattached upload
    const loose = await upload(agent, 'loose.txt', 'loose', 'text/plain');
    assert.equal((await download(cust, loose.body.id)).status, 404);
  });
});
