// Every hostile mail → a parsed mail with sane output, or a quarantine code; never slower than 2 s,
// never a crash; and a normal mail still parses right after each one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QUARANTINE_CODES, type ParseResult } from '../types.ts';
import { hostileCorpus } from './hostile-corpus.ts';
import { createParsePool, type ParsePool } from './parse-pool.ts';
import { GMAIL } from './samples.ts';

let pool: ParsePool;
before(async () => {
  pool = createParsePool(2);
  // Warm both workers so that wall times below measure parsing, not thread start-up.
  await Promise.all([pool.parse(GMAIL), pool.parse(GMAIL)]);
});
after(() => pool.close());

const LIMITS = { timeMs: 1500 }; // the budget; 2 s is what we promise, with room for terminate and messaging

function sane(r: Extract<ParseResult, { ok: true }>) {
  const m = r.mail;
  assert.doesNotMatch(m.html, /<script|<iframe|<object|<embed|<form|<input|<style|<link|<meta|<base|<svg/i);
  assert.doesNotMatch(m.html, /\son[a-z]+\s*=/i);
  assert.doesNotMatch(m.html, /(href|src)="\s*(javascript|vbscript|data):/i);
  assert.doesNotMatch(m.html, /\ssrc="https?:/i);
  for (const s of [m.subject, m.from?.name ?? '', m.from?.address ?? '', ...m.to.map((a) => a.name + a.address)]) assert.doesNotMatch(s, /[\r\n\u0000]/);
  for (const s of [m.html, m.text, m.visibleText, m.quotedText, JSON.stringify(m)]) assert.doesNotMatch(s, /\u0000/);
  for (const a of [m.from, m.replyTo, m.sender, ...m.to, ...m.cc]) if (a) assert.equal(a.address, a.address.toLowerCase());
  for (const id of [m.messageId, ...m.inReplyTo, ...m.references]) if (id) assert.ok(id.length <= 500 && !/[<>\s]/.test(id), id.slice(0, 80));
  if (m.date) assert.ok(!Number.isNaN(Date.parse(m.date)));
  assert.equal(new Set(r.blobs.map((b) => b.sha256)).size, r.blobs.length);
  for (const a of m.attachments) assert.ok(r.blobs.some((b) => b.sha256 === a.sha256 && b.data.length === a.size));
}

const corpus = hostileCorpus();

test('the corpus is big enough', () => {
  assert.ok(corpus.length >= 25, `${corpus.length} items`);
});

for (const item of corpus) {
  test(`hostile: ${item.name}`, async () => {
    const t0 = performance.now();
    const r = await pool.parse(item.raw, LIMITS);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    if (r.ok) sane(r);
    else assert.ok(QUARANTINE_CODES.includes(r.code), r.code);
    if (item.expect !== 'any') assert.equal(r.ok ? 'ok' : r.code, item.expect, r.ok ? '' : r.reason);
    // The pool is still usable.
    const normal = await pool.parse(GMAIL);
    assert.ok(normal.ok && normal.mail.visibleText === 'Thanks, it works now!');
  });
}

test('hostile: scripts and handlers are gone, the text survives', async () => {
  const r = await pool.parse(corpus.find((c) => c.name === 'scripts and handlers in HTML')!.raw, LIMITS);
  assert.ok(r.ok);
  assert.match(r.mail.html, /<p style="color:red">Hello<\/p>/);
  assert.match(r.mail.html, /<img alt="pixel" data-remote-src="https:\/\/evil\.test\/pixel\.gif" \/>/);
  assert.doesNotMatch(r.mail.html, /alert|steal|evil\.test\/(track|p\.png|x\.css|phish)/);
});

test('hostile: forged headers are neutralised', async () => {
  const get = async (name: string) => {
    const r = await pool.parse(corpus.find((c) => c.name === name)!.raw, LIMITS);
    assert.ok(r.ok, name);
    return r.mail;
  };
  const inj = await get('CRLF injection in encoded word');
  assert.equal(inj.subject, 'Hi Bcc: victim@x.test');
  assert.equal(inj.from?.address, 'evil@x.test');
  const long = await get('10k Message-ID');
  assert.equal(long.messageId, null);
  assert.deepEqual(long.inReplyTo, []);
  assert.equal(long.references.length, 100);
  const dup = await get('duplicate From');
  assert.equal(dup.from?.address, 'first@x.test');
  const bomb = await get('zip bomb attachment');
  assert.deepEqual(bomb.attachments.map((a) => [a.filename, a.contentType]), [['invoice.zip', 'application/zip']]);
  assert.ok(bomb.attachments[0].size < 100_000);
});

test('hostile: all at once, concurrently, within the budget', async () => {
  const t0 = performance.now();
  const results = await Promise.all(corpus.map((c) => pool.parse(c.raw, LIMITS)));
  for (const r of results) if (!r.ok) assert.ok(QUARANTINE_CODES.includes(r.code));
  assert.ok(performance.now() - t0 < 60_000);
  const normal = await pool.parse(GMAIL);
  assert.ok(normal.ok);
});
