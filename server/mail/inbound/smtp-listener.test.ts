// The built-in SMTP listener against real clients (swaks and nodemailer): exact bytes stored,
// recipient checks, size limit, one row per channel, and 451 when the database refuses.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import { freePort } from '../../test/ports.ts';
import { setup, type TestCtx } from '../../test/harness.ts';
import { fixture } from './fixtures/load.ts';
import { startSmtpListener } from './smtp-listener.ts';

const run = promisify(execFile);
const MAX = 200_000;
let ctx: TestCtx;
let port: number;
let stop: (() => Promise<void>) | null;
let dir: string;
let support: string;
let sales: string;

before(async () => {
  port = await freePort();
  ctx = await setup({ env: { SLOVO_SMTP_PORT: String(port), SLOVO_SMTP_MAX_BYTES: String(MAX) } });
  const admin = await ctx.as('admin');
  support = (await admin.post('/api/v1/mail/channels', { name: 'Support', address: 'support@smtp.test' })).body.id;
  sales = (await admin.post('/api/v1/mail/channels', { name: 'Sales', address: 'sales@smtp.test' })).body.id;
  await admin.post('/api/v1/mail/channels', { name: 'Old', address: 'old@smtp.test', active: false });
  stop = await startSmtpListener(ctx.deps);
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-smtp-'));
});

after(async () => {
  await stop?.();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

async function swaks(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run('swaks', ['--server', `127.0.0.1:${port}`, '--from', 'jdoe@machine.example', '--helo', 'client.test', '--hide-informational', ...args], { timeout: 20_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

const rows = (channelId: string) =>
  ctx.deps.db.selectFrom('inbound_mails').select(['id', 'raw', 'path', 'sha256']).where('channel_id', '=', channelId).orderBy('id').execute();

function transport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
}

test('swaks: the RFC 5322 sample mail is stored byte for byte, SIZE is announced', async () => {
  const mail = fixture('rfc5322-a11.fixture', { crlf: true });
  const file = path.join(dir, 'a11.eml');
  writeFileSync(file, mail.subarray(0, -2)); // swaks ends the data with its own CRLF
  const r = await swaks(['--to', 'support@smtp.test', '--data', `@${file}`]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`250[- ]SIZE ${MAX}`));
  assert.match(r.out, /250 .*Message stored as \d+/);
  const [row] = await rows(support);
  assert.equal(row.path, 'smtp');
  assert.ok(row.raw.equals(mail), `stored bytes differ:\n${row.raw.toString()}`);
});

test('nodemailer: a plus-address reaches its channel; dot-stuffed lines and 8-bit bytes come through exact', async () => {
  const raw = Buffer.concat([
    Buffer.from('From: Anna <anna@clients.test>\r\nTo: support+t42-abc@smtp.test\r\nSubject: =?UTF-8?B?0J/RgNC40LLQtdGC?=\r\nMessage-ID: <nm-1@clients.test>\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x0d, 0x0a]), // "Привет" in KOI8-R
    Buffer.from('.a line that starts with a dot\r\n..two dots\r\n'),
  ]);
  const info = await transport().sendMail({ envelope: { from: 'anna@clients.test', to: ['support+t42-abc@smtp.test'] }, raw });
  assert.match(info.response, /^250 /);
  const stored = (await rows(support)).at(-1)!;
  assert.ok(stored.raw.equals(raw), `stored bytes differ:\n${stored.raw.toString('latin1')}`);
});

test('an unknown or disabled mailbox is refused with 550 and nothing is stored', async () => {
  const before = (await ctx.deps.db.selectFrom('inbound_mails').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n;
  for (const to of ['nobody@smtp.test', 'old@smtp.test', 'support@elsewhere.test']) {
    const err = await transport().sendMail({ envelope: { from: 'x@clients.test', to: [to] }, raw: 'Subject: x\r\n\r\nx\r\n' }).then(() => null, (e: { responseCode?: number; response?: string }) => e);
    assert.equal(err?.responseCode, 550, `${to}: ${err?.response}`);
    assert.match(String(err?.response), /no such mailbox/);
  }
  const r = await swaks(['--to', 'nobody@smtp.test', '--body', 'x']);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /550 .*no such mailbox/);
  const afterN = (await ctx.deps.db.selectFrom('inbound_mails').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n;
  assert.equal(afterN, before);
});

test('a mail over the size limit is refused with 552 (declared SIZE and actual data)', async () => {
  const big = Buffer.concat([Buffer.from('From: a@clients.test\r\nSubject: big\r\n\r\n'), Buffer.alloc(MAX + 10, 'x\r\n')]);
  const err = await transport().sendMail({ envelope: { from: 'a@clients.test', to: ['support@smtp.test'] }, raw: big }).then(() => null, (e: { responseCode?: number }) => e);
  assert.equal(err?.responseCode, 552);
  // swaks does not declare SIZE: the data itself is measured
  const file = path.join(dir, 'big.eml');
  writeFileSync(file, big);
  const r = await swaks(['--to', 'support@smtp.test', '--data', `@${file}`]);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /552 /);
  assert.equal((await rows(support)).filter((x) => x.raw.length > MAX).length, 0);
});

test('one mail to two channels is stored once per channel; the same mail again adds only a receipt', async () => {
  const raw = Buffer.from('From: b@clients.test\r\nTo: support@smtp.test, sales@smtp.test\r\nSubject: both\r\nMessage-ID: <both@clients.test>\r\n\r\nhi\r\n');
  for (let i = 0; i < 2; i++) {
    await transport().sendMail({ envelope: { from: 'b@clients.test', to: ['support@smtp.test', 'SUPPORT+x@smtp.test', 'sales@smtp.test'] }, raw });
  }
  const s = (await rows(support)).filter((r) => r.raw.equals(raw));
  const l = (await rows(sales)).filter((r) => r.raw.equals(raw));
  assert.equal(s.length, 1);
  assert.equal(l.length, 1);
  const receipts = await ctx.deps.db.selectFrom('mail_receipts').select('id').where('inbound_mail_id', '=', s[0].id).execute();
  assert.equal(receipts.length, 2);
});

test('two mails on one connection go each to its own channel only', async () => {
  const pooled = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  const one = Buffer.from('From: d@clients.test\r\nSubject: one\r\nMessage-ID: <one@clients.test>\r\n\r\none\r\n');
  const two = Buffer.from('From: d@clients.test\r\nSubject: two\r\nMessage-ID: <two@clients.test>\r\n\r\ntwo\r\n');
  await pooled.sendMail({ envelope: { from: 'd@clients.test', to: ['support@smtp.test'] }, raw: one });
  await pooled.sendMail({ envelope: { from: 'd@clients.test', to: ['sales@smtp.test'] }, raw: two });
  pooled.close();
  assert.equal((await rows(support)).filter((r) => r.raw.equals(two)).length, 0, 'the second mail is not in the first channel');
  assert.equal((await rows(sales)).filter((r) => r.raw.equals(two)).length, 1);
  assert.equal((await rows(sales)).filter((r) => r.raw.equals(one)).length, 0);
});

test('when the database refuses the mail the answer is 451 (sender retries), then it is taken', async () => {
  await sql`create function slovo_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(ctx.deps.db);
  await sql`create trigger refuse before insert on inbound_mails for each row execute function slovo_test_refuse()`.execute(ctx.deps.db);
  const raw = Buffer.from('From: c@clients.test\r\nSubject: later\r\nMessage-ID: <later@clients.test>\r\n\r\nretry me\r\n');
  const err = await transport().sendMail({ envelope: { from: 'c@clients.test', to: ['support@smtp.test'] }, raw }).then(() => null, (e: { responseCode?: number }) => e);
  assert.equal(err?.responseCode, 451);
  await sql`drop trigger refuse on inbound_mails`.execute(ctx.deps.db);
  const info = await transport().sendMail({ envelope: { from: 'c@clients.test', to: ['support@smtp.test'] }, raw });
  assert.match(info.response, /^250 /);
  assert.equal((await rows(support)).filter((r) => r.raw.equals(raw)).length, 1);
});
