// End to end over real servers: a customer mail comes in → ticket (+ acknowledgement) →
// the agent replies → the reply reaches a real SMTP server → the customer answers it →
// the answer threads into the same ticket.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { setup, type TestCtx } from '../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { receiveRaw } from '../receive.ts';
import { MARKER } from './templates.ts';
import { until } from '../../test/until.ts';

let ctx: TestCtx;
let sink: SmtpSink;
let channelId: string;

before(async () => {
  ctx = await setup({ jobs: true });
  sink = await startSmtpSink();
  const admin = await ctx.as('admin');
  const ch = await admin.post('/api/v1/mail/channels', {
    name: 'Support', address: 'support@e2e.test',
    settings: { smtpOut: { host: '127.0.0.1', port: sink.port, secure: false, fromName: 'E2E Support' } },
  });
  assert.equal(ch.status, 201, ch.raw);
  channelId = ch.body.id;
});
after(async () => {
  await ctx.close();
  await sink.close();
});

/** Waits until the pipeline has finished with the mail (applied, duplicate, ignored or quarantined). */
const settled = (mailId: string) =>
  until(`inbound mail ${mailId} to settle`, () =>
    ctx.deps.db.selectFrom('inbound_mails').selectAll().where('id', '=', mailId).where('stage', 'in', ['applied', 'duplicate', 'ignored', 'quarantined']).executeTakeFirst());

const crlf = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);

/** The first sink message (from index `from` on) that matches. */
async function sinkMail(from: number, match: (m: ParsedMail) => boolean): Promise<ParsedMail> {
  return until('a mail at the SMTP sink', async () => {
    for (const m of sink.messages.slice(from)) {
      const p = await simpleParser(m.raw);
      if (match(p)) return p;
    }
    return null;
  });
}

test('mail in → ticket → agent reply out by SMTP → customer reply threads into the same ticket', async () => {
  const started = Date.now();
  const first = crlf([
    'From: Anna Smith <anna@customer.test>',
    'To: support@e2e.test',
    'Subject: The printer prints blank pages',
    'Message-ID: <first-question@customer.test>',
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello, since this morning our office printer prints only blank pages. What can we do?',
  ]);
  const r1 = await receiveRaw(ctx.deps, { channelId, path: 'raw', raw: first });
  const m1 = await settled(r1.mailId);
  assert.equal(m1.stage, 'applied', `first mail: ${m1.stage} ${m1.reason ?? ''}`);
  const ticketId = m1.ticket_id!;
  const ticket = await ctx.deps.db.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirstOrThrow();
  const ref = `SL-${ticket.number}`;

  // the acknowledgement: automatic, numbered, in the customer's language
  const ack = await sinkMail(0, (p) => p.subject === `[${ref}] The printer prints blank pages`);
  assert.equal(String(ack.headers.get('auto-submitted')), 'auto-replied');
  assert.equal(ack.inReplyTo, '<first-question@customer.test>');
  assert.ok(ack.text!.startsWith(MARKER.en), ack.text);

  // the agent answers through the API
  const agent = await ctx.as('agent');
  const before = sink.messages.length;
  const replyAt = Date.now();
  const rep = await agent.post(`/api/v1/tickets/${ref}/messages`, { body: 'Please replace the toner cartridge and print a test page.' });
  assert.equal(rep.status, 201, rep.raw);
  const out = await sinkMail(before, (p) => p.subject === `Re: [${ref}] The printer prints blank pages`);
  const replyReceivedMs = Date.now() - started;
  const replyLatencyMs = Date.now() - replyAt;
  assert.equal(out.to && !Array.isArray(out.to) ? out.to.value[0].address : null, 'anna@customer.test');
  assert.equal(out.headers.get('auto-submitted'), undefined);
  assert.equal(out.inReplyTo, '<first-question@customer.test>');
  assert.match(out.text!, /replace the toner/);
  const ourId = out.messageId!;
  assert.match(ourId, /^<slovo\./);

  // the customer answers our mail, quoting it, as a mail client would
  const quoted = out.text!.split('\n').map((l) => `> ${l}`);
  const answer = crlf([
    'From: Anna Smith <anna@customer.test>',
    'To: E2E Support <support@e2e.test>',
    `Subject: Re: [${ref}] The printer prints blank pages`,
    'Message-ID: <second-answer@customer.test>',
    `In-Reply-To: ${ourId}`,
    `References: <first-question@customer.test> ${ourId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thank you, a new cartridge fixed it.',
    '',
    `On ${new Date().toUTCString()}, E2E Support <support@e2e.test> wrote:`,
    ...quoted,
  ]);
  const r2 = await receiveRaw(ctx.deps, { channelId, path: 'raw', raw: answer });
  const m2 = await settled(r2.mailId);
  assert.equal(m2.stage, 'applied', `answer: ${m2.stage} ${m2.reason ?? ''}`);
  assert.equal(m2.ticket_id, ticketId, 'the answer threads into the same ticket');

  const tickets = await ctx.deps.db.selectFrom('tickets').select('id').where('requester_id', '=', ticket.requester_id).execute();
  assert.equal(tickets.length, 1, 'no second ticket');
  const msgs = await ctx.deps.db.selectFrom('messages').select(['author_type', 'body_text']).where('ticket_id', '=', ticketId).orderBy('id').execute();
  assert.deepEqual(msgs.map((m) => m.author_type), ['customer', 'agent', 'customer']);
  assert.match(msgs[2].body_text, /new cartridge fixed it/);

  // the ticket's mail list shows both mails we sent, sent, with their Message-IDs
  const list = await agent.get(`/api/v1/tickets/${ref}/mail`);
  assert.deepEqual(list.body.items.map((i: { kind: string; status: string }) => [i.kind, i.status]), [['ack', 'sent'], ['reply', 'sent']]);
  assert.equal(`<${list.body.items[1].messageId}>`, ourId);
  // no further acknowledgement for the answer
  await new Promise((r) => setTimeout(r, 500));
  const acks = await ctx.deps.db.selectFrom('outbox').select('id').where('ticket_id', '=', ticketId).where('kind', '=', 'ack').execute();
  assert.equal(acks.length, 1);
  console.log(`e2e: agent reply POST → at the SMTP sink ${replyLatencyMs} ms; mail in → reply at the sink ${replyReceivedMs} ms; whole round trip ${Date.now() - started} ms`);
});
