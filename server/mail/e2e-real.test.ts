// The whole mail loop over real servers and real paths, nothing called directly:
// the customer's mail lands in a Dovecot mailbox → Slovo takes it over IMAP → ticket →
// the agent replies over HTTP → Slovo sends it over SMTP to a real SMTP server →
// the customer answers through Slovo's own SMTP listener (nodemailer) → same ticket.
// The same customer mail also arrives by a webhook: still one message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { startDovecot, type Dovecot } from '../test/dovecot.ts';
import { setup, type TestCtx } from '../test/harness.ts';
import { freePort } from '../test/ports.ts';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink.ts';
import { startImapPaths } from './imap/imap-path.ts';
import { startSmtpListener } from './inbound/smtp-listener.ts';
import { until } from '../test/until.ts';

let ctx: TestCtx;
let dove: Dovecot;
let sink: SmtpSink;
let smtpPort: number;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  smtpPort = await freePort();
  ctx = await setup({ jobs: true, env: { SLOVO_SMTP_PORT: String(smtpPort) } });
  dove = await startDovecot({ users: [{ user: 'help@real.test', password: 'pw' }] });
  sink = await startSmtpSink();
});
after(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
  await ctx.close();
  await dove.close();
  await sink.close();
});

test('IMAP in → ticket → reply out by SMTP → answer by SMTP threads in; a webhook copy adds nothing', async () => {
  const admin = await ctx.as('admin');
  const ch = await admin.post('/api/v1/mail/channels', {
    name: 'Help', address: 'help@real.test',
    settings: {
      imap: { host: '127.0.0.1', port: dove.port, secure: false, user: 'help@real.test', password: 'pw', pollSeconds: 300 },
      smtpOut: { host: '127.0.0.1', port: sink.port, secure: false, fromName: 'Служба поддержки' },
    },
  });
  assert.equal(ch.status, 201, ch.raw);
  stops.push(await startImapPaths(ctx.deps, { only: [ch.body.id] }));
  stops.push((await startSmtpListener(ctx.deps))!);

  // 1. the customer's mail is delivered into the mailbox by the mail server
  const first = Buffer.from([
    'From: Мария Соколова <maria@shop.test>', 'To: help@real.test', 'Subject: =?UTF-8?B?0J3QtSDQv9GA0LjRhdC+0LTRj9GCINC30LDQutCw0LfRiw==?=',
    'Date: Wed, 02 Dec 2026 09:15:00 +0300', 'Message-ID: <order-q1@shop.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
    'Здравствуйте! С утра не приходят заказы с сайта. Уже перезапускали интеграцию.', '',
  ].join('\r\n'));
  await dove.append('help@real.test', first);
  const ticket = await until('the ticket from IMAP', () =>
    ctx.deps.db.selectFrom('tickets as t').innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id').select(['t.id', 't.number', 't.subject'])
      .where('e.email', '=', 'maria@shop.test').executeTakeFirst());
  assert.equal(ticket.subject, 'Не приходят заказы');

  // the same mail through a provider webhook as well: exactly one message
  const hook = await ctx.anon().req('POST', `/api/v1/mail/inbound/${ch.body.id}/raw?token=${ch.body.webhookToken}`, { raw: Buffer.concat([Buffer.from('X-Provider-Trace: abc\r\n'), first]), headers: { 'content-type': 'message/rfc822' } });
  assert.equal(hook.status, 200, hook.raw);
  await until('the webhook copy to settle', () => ctx.deps.db.selectFrom('inbound_mails').select('id').where('path', '=', 'raw').where('stage', '=', 'duplicate').executeTakeFirst());

  // 2. the agent answers over HTTP; the reply leaves over SMTP
  const agent = await ctx.as('agent');
  const r = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Мария, причина найдена: истёк ключ интеграции. Мы его обновили, заказы снова приходят.', format: 'text' });
  assert.equal(r.status, 201, r.raw);
  const out = await until('the reply at the SMTP server', async () => {
    for (const m of sink.messages) {
      const p = await simpleParser(m.raw);
      if (p.to && JSON.stringify(p.to).includes('maria@shop.test') && /причина найдена/.test(p.text ?? '')) return p;
    }
    return null;
  });
  assert.match(out.subject ?? '', new RegExp(`SL-${ticket.number}`));
  assert.equal(out.inReplyTo, '<order-q1@shop.test>');

  // 3. the customer answers from her mail client, through Slovo's SMTP listener
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await client.sendMail({
    from: 'Мария Соколова <maria@shop.test>', to: 'help@real.test', subject: `Re: ${out.subject}`,
    inReplyTo: out.messageId, references: [out.messageId!], text: 'Спасибо, заказы пошли!\n\n> Мария, причина найдена',
  });
  const answer = await until('the answer in the ticket', () =>
    ctx.deps.db.selectFrom('messages').select(['id', 'body_text']).where('ticket_id', '=', ticket.id).where('author_type', '=', 'customer').where('body_text', 'like', 'Спасибо%').executeTakeFirst());
  assert.equal(answer.body_text, 'Спасибо, заказы пошли!');
  const customerMessages = await ctx.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', ticket.id).where('author_type', '=', 'customer').execute();
  assert.equal(customerMessages.length, 2);
  const tickets = await ctx.deps.db.selectFrom('tickets as t').innerJoin('customer_emails as e', 'e.customer_id', 't.requester_id').select('t.id').where('e.email', '=', 'maria@shop.test').execute();
  assert.equal(tickets.length, 1);
});
