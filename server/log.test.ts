// Request logs never carry secrets from the URL (webhook ?token=, sign-in codes).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { buildApp } from './app.ts';
import { createLogger, redactUrl } from './log.ts';
import { setup, type TestCtx } from './test/harness.ts';

let ctx: TestCtx;
before(async () => {
  ctx = await setup();
});
after(() => ctx.close());

test('token-like query values are redacted, other parameters kept', () => {
  assert.equal(redactUrl('/a/b?token=s3cret&x=1'), '/a/b?token=[redacted]&x=1');
  assert.equal(redactUrl('/a?x=1&Signature=abc&code=42&api_key=k'), '/a?x=1&Signature=[redacted]&code=[redacted]&api_key=[redacted]');
  assert.equal(redactUrl('/a?%74oken=s3cret'), '/a?%74oken=[redacted]', 'an encoded name is still a token');
  assert.equal(redactUrl('/plain/path'), '/plain/path');
  assert.equal(redactUrl('/a?tokens=1&flag'), '/a?tokens=1&flag');
});

test('a webhook posted with ?token= is logged without the token', async () => {
  const admin = await ctx.as('admin');
  const ch = await admin.post('/api/v1/mail/channels', { name: 'Log test', address: 'logs@desk.test' });
  assert.equal(ch.status, 201, ch.raw);
  const token = ch.body.webhookToken as string;
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const app = await buildApp({ ...ctx.deps, log: createLogger('info', sink) });
  try {
    const raw = 'From: a@client.test\r\nTo: logs@desk.test\r\nSubject: hi\r\nMessage-ID: <log-1@client.test>\r\n\r\nhello\r\n';
    const r = await app.inject({ method: 'POST', url: `/api/v1/mail/inbound/${ch.body.id}/raw?token=${token}`, payload: raw, headers: { 'content-type': 'message/rfc822' } });
    assert.ok(r.statusCode < 300, r.body);
    const text = lines.join('');
    assert.match(text, /token=\[redacted\]/, 'the request was logged');
    assert.ok(!text.includes(token), 'the token never reaches the log');
  } finally {
    await app.close();
  }
});
