// The same mail through the raw path (as an IMAP copy would arrive) and rebuilt from
// Postmark's JSON: different bytes, one ticket message — the rebuild keeps what dedup reads
// (original Message-ID, sender, subject, text, attachment bytes).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { Client, setup, type TestCtx } from '../../test/harness.ts';
import { fixture } from './fixtures/load.ts';

const TERMINAL = ['applied', 'duplicate', 'ignored', 'quarantined'];
let ctx: TestCtx;
let anon: Client;
let ch: { id: string; token: string };

before(async () => {
  ctx = await setup({ jobs: true });
  const admin = await ctx.as('admin');
  const r = await admin.post('/api/v1/mail/channels', { name: 'Support', address: 'yourhash@inbound.postmarkapp.com' });
  ch = { id: r.body.id, token: r.body.webhookToken };
  anon = ctx.anon();
});
after(() => ctx.close());

async function terminal(ids: string[]) {
  const end = Date.now() + 45_000;
  for (;;) {
    const rows = await ctx.deps.db.selectFrom('inbound_mails').select(['id', 'stage', 'reason_code', 'ticket_message_id', 'duplicate_of']).where('id', 'in', ids).execute();
    if (rows.length === ids.length && rows.every((r) => TERMINAL.includes(r.stage))) return rows;
    if (Date.now() > end) throw new Error(`mails not finished: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a Postmark webhook and a raw copy of the same mail give one customer message', async () => {
  const p = JSON.parse(fixture('postmark-inbound.fixture').toString());
  p.Headers.push({ Name: 'Message-ID', Value: '<CAF-dedup-1@mail.gmail.com>' });
  // the original as the sender's client wrote it (own boundaries, header order)
  const original = await new MailComposer({
    from: { name: 'Postmarkapp Support', address: 'support@postmarkapp.com' },
    to: [{ name: 'Firstname Lastname', address: 'yourhash+SampleHash@inbound.postmarkapp.com' }],
    cc: ['"First Cc" <firstcc@postmarkapp.com>', 'secondCc@postmarkapp.com'],
    replyTo: 'replyto@postmarkapp.com', subject: 'Test subject', messageId: '<CAF-dedup-1@mail.gmail.com>', date: 'Fri, 1 Aug 2014 16:45:32 -0400',
    text: 'This is a test text body.', html: '<html><body><p>This is a test html body.</p></body></html>',
    attachments: [{ filename: 'test.txt', content: Buffer.from('This is attachment contents, base-64 encoded.'), contentType: 'text/plain' }],
  }).compile().build();

  const a = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/raw?token=${ch.token}`, { raw: original, headers: { 'content-type': 'message/rfc822' } });
  assert.equal(a.status, 200, a.raw);
  await terminal([a.body.mailId]);
  const b = await anon.req('POST', `/api/v1/mail/inbound/${ch.id}/postmark?token=${ch.token}`, { raw: JSON.stringify(p), headers: { 'content-type': 'application/json' } });
  assert.equal(b.status, 200, b.raw);
  assert.notEqual(b.body.mailId, a.body.mailId, 'different bytes, two inbound mails');
  const rows = await terminal([a.body.mailId, b.body.mailId]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(a.body.mailId)!.stage, 'applied', JSON.stringify(rows));
  assert.equal(byId.get(b.body.mailId)!.stage, 'duplicate', JSON.stringify(rows));
  const msgs = await ctx.deps.db.selectFrom('messages').select('id').where('author_type', '=', 'customer').execute();
  assert.equal(msgs.length, 1);
});
