// Provider webhooks, the raw endpoint and .eml upload, fed with the bytes the providers
// document (fixtures/). A 2xx means the mail is committed; bad auth is 401; a malformed
// payload with good auth is 400 with a reason and stores nothing.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { Client, setup, type TestCtx } from '../../test/harness.ts';
import { fixture } from './fixtures/load.ts';
import { rawMail } from '../test/mail-kit.ts';
import { purgeMailgunTokens } from '../pipeline.ts';

const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
let ctx: TestCtx;
let admin: Client & { userId: string };
let ch: { id: string; token: string };
let off: { id: string; token: string };
let anon: Client;

async function channel(address: string, extra: Record<string, unknown> = {}) {
  const r = await admin.post('/api/v1/mail/channels', { name: address, address, settings: { webhooks: { mailgunSigningKey: KEY } }, ...extra });
  assert.equal(r.status, 201, r.raw);
  return { id: r.body.id as string, token: r.body.webhookToken as string };
}

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  anon = ctx.anon();
  ch = await channel('support@hooks.test');
  off = await channel('off@hooks.test', { active: false });
});
after(() => ctx.close());

const count = async () => Number((await ctx.deps.db.selectFrom('inbound_mails').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
const stored = async (id: string) => ctx.deps.db.selectFrom('inbound_mails').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

function multipart(fields: [string, Buffer | string][], boundary = 'xYzZY'): Buffer {
  const parts = fields.map(([k, v]) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`), Buffer.from(v), Buffer.from('\r\n')]));
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

const rfc = () => fixture('rfc5322-a11.fixture', { crlf: true });

describe('raw MIME endpoint', () => {
  test('Bearer or ?token= stores the exact bytes; the same bytes again are the same mail', async () => {
    const mail = rfc();
    const a = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw`, { raw: mail, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${ch.token}` } });
    assert.equal(a.status, 200, a.raw);
    assert.equal(a.body.duplicate, false);
    const row = await stored(a.body.mailId);
    assert.ok(row.raw.equals(mail));
    assert.equal(row.path, 'raw');
    assert.equal(row.message_id, '1234@local.machine.example');
    // any content type, token in the query: a retried webhook
    const b = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw?token=${ch.token}`, { raw: mail, headers: { 'content-type': 'text/plain' } });
    assert.equal(b.status, 200, b.raw);
    assert.deepEqual(b.body, { mailId: a.body.mailId, duplicate: true });
  });

  test('a rotated token or a switched-off channel is refused at once (the channel is remembered only briefly)', async () => {
    const c = await channel('rotate@hooks.test');
    const post = (token: string) => anon.req('POST', `/api/v1/mail/inbound/${c.id}/raw?token=${token}`, { raw: rawMail({ from: 'r@client.test' }), headers: { 'content-type': 'message/rfc822' } });
    assert.equal((await post(c.token)).status, 200);
    const r = await admin.post(`/api/v1/mail/channels/${c.id}/rotate-token`, {});
    assert.equal(r.status, 200, r.raw);
    assert.equal((await post(c.token)).status, 401, 'the old token at once');
    assert.equal((await post(r.body.webhookToken)).status, 200);
    assert.equal((await admin.patch(`/api/v1/mail/channels/${c.id}`, { active: false })).status, 200);
    assert.notEqual((await post(r.body.webhookToken)).status, 200, 'switched off at once');
  });

  test('a mail larger than the API body limit (2 MB) is taken whole', async () => {
    const big = Buffer.concat([rfc().subarray(0, -2), Buffer.from('\r\n'), Buffer.alloc(5 * 1024 * 1024, 'QUJD\r\n')]);
    const r = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw?token=${ch.token}`, { raw: big, headers: { 'content-type': 'message/rfc822' } });
    assert.equal(r.status, 200, r.raw.slice(0, 300));
    assert.equal((await stored(r.body.mailId)).size, big.length);
  });

  test('no token, a wrong token or an unknown channel is 401 for everyone (a session is no token); nothing stored', async () => {
    const n = await count();
    const signedIn = await ctx.as('admin');
    for (const c of [anon, signedIn]) {
      for (const url of [`/api/v1/mail/inbound/${ch.id}/raw`, `/api/v1/mail/inbound/${ch.id}/raw?token=wrong`, `/api/v1/mail/inbound/999999/raw?token=${ch.token}`]) {
        const r = await c.req('POST', url, { raw: rfc(), headers: { 'content-type': 'message/rfc822' } });
        assert.equal(r.status, 401, `${url}: ${r.raw}`);
        assert.equal(r.body.code, 'unauthenticated');
        assert.match(String(r.headers['content-type']), /problem\+json/);
      }
    }
    const wrongBearer = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw`, { raw: rfc(), headers: { authorization: `Bearer ${off.token}` } });
    assert.equal(wrongBearer.status, 401, "another channel's token");
    assert.equal(await count(), n);
  });

  test('a disabled channel is 403; an empty body is 400 empty_mail; nothing stored', async () => {
    const n = await count();
    const r = await anon.req('POST', `/api/v1/mail/inbound/${off.id}/raw?token=${off.token}`, { raw: rfc(), headers: { 'content-type': 'message/rfc822' } });
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'channel_inactive');
    const e = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw?token=${ch.token}`, { raw: '', headers: { 'content-type': 'message/rfc822' } });
    assert.equal(e.status, 400);
    assert.equal(e.body.reason, 'empty_mail');
    assert.equal(await count(), n);
  });
});

describe('Mailgun (forward() to a URL, raw MIME)', () => {
  const signed = (ts = Math.floor(Date.now() / 1000), token = randomBytes(25).toString('hex'), key = KEY) => ({
    timestamp: String(ts), token, signature: createHmac('sha256', key).update(String(ts) + token).digest('hex'),
  });
  const post = (body: Buffer, type: string, channelId = ch.id) => anon.req('POST', `/api/v1/mail/inbound/${channelId}/mailgun`, { raw: body, headers: { 'content-type': type } });
  const fields = (s: ReturnType<typeof signed>, mime: Buffer): [string, Buffer | string][] => [
    ['recipient', 'support@hooks.test'], ['sender', 'jdoe@machine.example'], ['from', 'John Doe <jdoe@machine.example>'], ['subject', 'Saying Hello'],
    ['body-mime', mime], ['timestamp', s.timestamp], ['token', s.token], ['signature', s.signature],
  ];

  test('multipart and urlencoded posts store body-mime byte for byte', async () => {
    const mime = Buffer.concat([rfc(), Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0x0d, 0x0a])]); // 8-bit bytes survive
    const a = await post(multipart(fields(signed(), mime)), 'multipart/form-data; boundary=xYzZY');
    assert.equal(a.status, 200, a.raw);
    assert.ok((await stored(a.body.mailId)).raw.equals(mime));
    const mime2 = Buffer.from(rfc().toString().replace('Saying Hello', 'Saying Hello & bye +1'));
    const form = fields(signed(), mime2).map(([k, v]) => `${encodeURIComponent(k)}=${Buffer.from(v).toString('latin1').replace(/[^A-Za-z0-9*._-]/g, (c) => (c === ' ' ? '+' : `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`))}`).join('&');
    const b = await post(Buffer.from(form), 'application/x-www-form-urlencoded');
    assert.equal(b.status, 200, b.raw);
    assert.ok((await stored(b.body.mailId)).raw.equals(mime2));
  });

  test('a wrong signature, a wrong key or an old timestamp is 401; a reused token with other bytes is 401 replayed_token', async () => {
    const n = await count();
    const s = signed();
    const bad = await post(multipart(fields({ ...s, signature: 'f'.repeat(64) }, rfc())), 'multipart/form-data; boundary=xYzZY');
    assert.equal(bad.status, 401);
    const otherKey = await post(multipart(fields(signed(undefined, undefined, 'key-other'), rfc())), 'multipart/form-data; boundary=xYzZY');
    assert.equal(otherKey.status, 401);
    const old = await post(multipart(fields(signed(Math.floor(Date.now() / 1000) - 16 * 60), rfc())), 'multipart/form-data; boundary=xYzZY');
    assert.equal(old.status, 401);
    assert.equal(old.body.reason, 'stale_timestamp');
    const noForm = await post(Buffer.from('garbage'), 'multipart/form-data; boundary=xYzZY');
    assert.equal(noForm.status, 401, 'unsigned garbage is an auth failure, not a 400');
    assert.equal(await count(), n);

    const mine = Buffer.from(rfc().toString().replace('1234@', 'replay-1@'));
    const first = await post(multipart(fields(s, mine)), 'multipart/form-data; boundary=xYzZY');
    assert.equal(first.status, 200, first.raw);
    const retry = await post(multipart(fields(s, mine)), 'multipart/form-data; boundary=xYzZY');
    assert.equal(retry.status, 200, 'the same post again (a retry) is fine');
    assert.equal(retry.body.duplicate, true);
    const forged = await post(multipart(fields(s, Buffer.from(rfc().toString().replace('1234@', 'forged@')))), 'multipart/form-data; boundary=xYzZY');
    assert.equal(forged.status, 401);
    assert.equal(forged.body.reason, 'replayed_token');
    assert.equal(await count(), n + 1);
  });

  test('two different mails posted at the same moment with one token: exactly one is stored, the other is replayed_token', async () => {
    for (let round = 0; round < 5; round++) {
      const n = await count();
      const s = signed();
      const mails = [0, 1, 2, 3].map((i) => Buffer.from(rfc().toString().replace('1234@', `race-${round}-${i}@`)));
      const rs = await Promise.all(mails.map((m) => post(multipart(fields(s, m)), 'multipart/form-data; boundary=xYzZY')));
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 401, 401, 401], rs.map((r) => r.raw).join('\n'));
      for (const r of rs.filter((x) => x.status === 401)) assert.equal(r.body.reason, 'replayed_token');
      assert.equal(await count(), n + 1);
    }
  });

  test('used tokens are kept a day, then purged by the mail sweep', async () => {
    const s = signed();
    const r = await post(multipart(fields(s, Buffer.from(rfc().toString().replace('1234@', 'purge-1@')))), 'multipart/form-data; boundary=xYzZY');
    assert.equal(r.status, 200, r.raw);
    const db = ctx.deps.db;
    await db.insertInto('mailgun_tokens').values({ channel_id: ch.id, token: 'old-token', sha256: 'x'.repeat(64), used_at: new Date(Date.now() - 25 * 3600_000) }).execute();
    assert.ok(await purgeMailgunTokens(ctx.deps) >= 1);
    const left = (await db.selectFrom('mailgun_tokens').select('token').where('channel_id', '=', ch.id).execute()).map((x) => x.token);
    assert.ok(left.includes(s.token), 'a fresh token stays');
    assert.ok(!left.includes('old-token'), 'a day-old token is gone');
  });

  test('a signed post without body-mime is 400 missing_body_mime; a channel without a signing key is 401', async () => {
    const n = await count();
    const r = await post(multipart(fields(signed(), rfc()).filter(([k]) => k !== 'body-mime')), 'multipart/form-data; boundary=xYzZY');
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'bad_request');
    assert.equal(r.body.reason, 'missing_body_mime');
    const nokey = await admin.post('/api/v1/mail/channels', { name: 'nokey', address: 'nokey@hooks.test' });
    const k = await post(multipart(fields(signed(), rfc())), 'multipart/form-data; boundary=xYzZY', nokey.body.id);
    assert.equal(k.status, 401);
    assert.equal(await count(), n);
  });
});

describe('Postmark inbound JSON', () => {
  const doc = () => fixture('postmark-inbound.fixture');
  const post = (body: Buffer | string, q = `?token=${ch.token}`, headers: Record<string, string> = {}) =>
    anon.req('POST', `/api/v1/mail/inbound/${ch.id}/postmark${q}`, { raw: body, headers: { 'content-type': 'application/json', ...headers } });

  test('the documented example becomes a mail with its addresses, bodies and attachment; a retry gives the same bytes', async () => {
    const r = await post(doc());
    assert.equal(r.status, 200, r.raw);
    const row = await stored(r.body.mailId);
    assert.equal(row.path, 'postmark');
    const m = await simpleParser(row.raw);
    assert.equal(m.subject, 'Test subject');
    assert.equal(m.from?.value[0].address, 'support@postmarkapp.com');
    assert.equal(m.from?.value[0].name, 'Postmarkapp Support');
    assert.deepEqual((Array.isArray(m.to) ? m.to[0] : m.to)?.value.map((a) => a.address), ['yourhash+SampleHash@inbound.postmarkapp.com']);
    assert.deepEqual((Array.isArray(m.cc) ? m.cc[0] : m.cc)?.value.map((a) => a.address), ['firstcc@postmarkapp.com', 'secondCc@postmarkapp.com']);
    assert.equal(m.replyTo?.value[0].address, 'replyto@postmarkapp.com');
    assert.equal(m.text?.trim(), 'This is a test text body.');
    assert.match(String(m.html), /This is a test html body/);
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].filename, 'test.txt');
    assert.equal(m.attachments[0].content.toString(), 'This is attachment contents, base-64 encoded.');
    assert.equal(m.headers.get('x-spam-status'), 'No');
    assert.match(row.raw.toString(), /^Date: Fri, 1 Aug 2014 16:45:32 -04:00\r$/m, 'the Date as the sender wrote it');
    assert.ok(!/firstbcc/i.test(row.raw.toString()), 'Bcc is not written into the mail');
    // no Message-ID header in the example: a stable one from Postmark's id
    assert.equal(row.message_id, '73e6d360-66eb-11e1-8e72-a8904824019b@inbound.postmarkapp.com');
    const again = await post(doc(), '', { authorization: `Basic ${Buffer.from(`postmark:${ch.token}`).toString('base64')}` });
    assert.equal(again.status, 200, again.raw);
    assert.deepEqual(again.body, { mailId: r.body.mailId, duplicate: true });
  });

  test('the original Message-ID, In-Reply-To and References are kept (Postmark MessageID is not the Message-ID)', async () => {
    const p = JSON.parse(doc().toString());
    p.MessageID = 'a8c1040e-2f2e-4a4c-9fd4-7c2a0d8b1d11';
    p.Headers.push({ Name: 'Message-ID', Value: '<CAF12345abc@mail.gmail.com>' }, { Name: 'In-Reply-To', Value: '<slovo.1.2.abc@hooks.test>' }, { Name: 'References', Value: '<a@x.test> <slovo.1.2.abc@hooks.test>' });
    const r = await post(JSON.stringify(p));
    assert.equal(r.status, 200, r.raw);
    const row = await stored(r.body.mailId);
    assert.equal(row.message_id, 'CAF12345abc@mail.gmail.com');
    const m = await simpleParser(row.raw);
    assert.equal(m.messageId, '<CAF12345abc@mail.gmail.com>');
    assert.equal(m.inReplyTo, '<slovo.1.2.abc@hooks.test>');
    assert.deepEqual(m.references, ['<a@x.test>', '<slovo.1.2.abc@hooks.test>']);
  });

  test('RawEmail, when Postmark includes it, is stored as is', async () => {
    const p = JSON.parse(doc().toString());
    const raw = rfc().toString().replace('1234@', 'pm-raw@');
    p.RawEmail = raw;
    const r = await post(JSON.stringify(p));
    assert.equal(r.status, 200, r.raw);
    assert.equal((await stored(r.body.mailId)).raw.toString(), raw);
  });

  test('bad auth is 401; broken JSON or a payload without From is 400 with a reason; nothing stored', async () => {
    const n = await count();
    assert.equal((await post(doc(), '')).status, 401);
    assert.equal((await post(doc(), '?token=nope')).status, 401);
    assert.equal((await post(doc(), '', { authorization: `Basic ${Buffer.from('postmark:nope').toString('base64')}` })).status, 401);
    const j = await post('{"From": ');
    assert.equal(j.status, 400);
    assert.equal(j.body.reason, 'invalid_json');
    const p = await post(JSON.stringify({ Subject: 'no sender', TextBody: 'x' }));
    assert.equal(p.status, 400);
    assert.equal(p.body.reason, 'invalid_payload');
    const t = await post(JSON.stringify({ From: 'a@b.test', Headers: 'not a list' }));
    assert.equal(t.status, 400);
    assert.equal(await count(), n);
  });
});

describe('SendGrid Inbound Parse (raw, full MIME)', () => {
  const email = () => fixture('sendgrid-raw-email.fixture');
  const documented = (mail: Buffer): [string, Buffer | string][] => [
    ['dkim', '{@sendgrid.com : pass}'], ['email', mail], ['to', 'example@example.com'], ['from', 'Sender Name <example@example.com>'],
    ['sender_ip', '209.85.214.45'], ['envelope', '{"to":["example@example.com"],"from":"example@example.com"}'], ['subject', 'Hello'],
    ['spam_score', '0.353'], ['charsets', '{"to":"UTF-8","subject":"UTF-8","from":"UTF-8"}'], ['SPF', 'pass'],
  ];

  test('the documented raw payload stores the email field byte for byte', async () => {
    const r = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/sendgrid?token=${ch.token}`, { raw: multipart(documented(email())), headers: { 'content-type': 'multipart/form-data; boundary=xYzZY' } });
    assert.equal(r.status, 200, r.raw);
    const row = await stored(r.body.mailId);
    assert.ok(row.raw.equals(email()));
    assert.equal(row.message_id, 'CAN_P_JNa25--hzm5=-ES9cnxgWa+h+E49OOAS7sPpV0gsoXCOw@mail.gmail.com');
    const m = await simpleParser(row.raw);
    assert.equal(m.attachments[0]?.filename, 'DockMcWordface.docx');
  });

  test('no token is 401 (SendGrid signs nothing); without the email field it is 400 missing_email', async () => {
    const n = await count();
    const body = multipart(documented(email()));
    assert.equal((await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/sendgrid`, { raw: body, headers: { 'content-type': 'multipart/form-data; boundary=xYzZY' } })).status, 401);
    const r = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/sendgrid?token=${ch.token}`, { raw: multipart(documented(email()).filter(([k]) => k !== 'email')), headers: { 'content-type': 'multipart/form-data; boundary=xYzZY' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'missing_email');
    const j = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/sendgrid?token=${ch.token}`, { raw: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(j.status, 415);
    assert.equal(await count(), n);
  });
});

describe('.eml upload (agents)', () => {
  test('an agent uploads an .eml: 202 with the mail; the same file again is the same mail', async () => {
    const agent = await ctx.as('agent');
    const mail = Buffer.from(rfc().toString().replace('1234@', 'upload-1@'));
    const a = await agent.req('POST', `/api/v1/mail/upload?channelId=${ch.id}`, { raw: mail, headers: { 'content-type': 'message/rfc822' } });
    assert.equal(a.status, 202, a.raw);
    assert.equal(a.body.duplicate, false);
    assert.ok(['received', 'parsed', 'threaded', 'applied', 'duplicate', 'ignored', 'quarantined'].includes(a.body.stage));
    const row = await stored(a.body.mailId);
    assert.ok(row.raw.equals(mail));
    assert.equal(row.path, 'upload');
    const b = await agent.req('POST', `/api/v1/mail/upload?channelId=${ch.id}`, { raw: mail, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(b.status, 202);
    assert.equal(b.body.mailId, a.body.mailId);
    assert.equal(b.body.duplicate, true);
    const empty = await agent.req('POST', `/api/v1/mail/upload?channelId=${ch.id}`, { raw: '', headers: { 'content-type': 'message/rfc822' } });
    assert.equal(empty.status, 400);
    const missing = await agent.req('POST', '/api/v1/mail/upload?channelId=999999', { raw: mail, headers: { 'content-type': 'message/rfc822' } });
    assert.equal(missing.status, 404);
  });
});
