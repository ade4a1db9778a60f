// Outbound SMTP over STARTTLS against a real server with a self-signed certificate:
// checked by default (the mail waits with the reason), trusted when the admin says so,
// and "require" refuses a server that offers no TLS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { until } from '../../test/until.ts';
import { sweepOutbox } from './sender.ts';

let ctx: TestCtx;
let tls: SmtpSink;
let plain: SmtpSink;
let agent: Client;
let admin: Client;

before(async () => {
  ctx = await setup();
  tls = await startSmtpSink({ tls: true });
  plain = await startSmtpSink();
  agent = await ctx.as('agent');
  admin = await ctx.as('admin');
});
after(async () => {
  await ctx.close();
  await tls.close();
  await plain.close();
});

const outbox = (ticketId: string) => ctx.deps.db.selectFrom('outbox').selectAll().where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();

async function replyOn(channelId: string, body: string) {
  const t = await makeTicket(agent, { requester: { email: `tls-${Date.now()}@clients.test` } });
  const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, { body });
  assert.equal(r.status, 201, r.raw);
  await ctx.deps.db.updateTable('outbox').set({ channel_id: channelId }).where('ticket_id', '=', t.id).execute();
  return t.id as string;
}

/** Runs the sender until the row is in the state wanted (no job workers here: the sweep sends). */
async function sendUntil(ticketId: string, done: (o: Awaited<ReturnType<typeof outbox>>) => boolean) {
  return until('outbox row', async () => {
    await ctx.deps.db.updateTable('outbox').set({ next_attempt_at: new Date() }).where('ticket_id', '=', ticketId).where('status', '=', 'queued').execute();
    await sweepOutbox(ctx.deps);
    const o = await outbox(ticketId);
    return done(o) ? o : null;
  });
}

test('a self-signed certificate is refused by default, the mail waits with the reason; trusted on request, it is sent', async () => {
  const ch = await admin.post('/api/v1/mail/channels', { name: 'TLS', address: 'tls@desk.test', settings: { smtpOut: { host: '127.0.0.1', port: tls.port } } });
  assert.equal(ch.status, 201, ch.raw);
  assert.equal(ch.body.settings.smtpOut.starttls, 'auto');
  assert.equal(ch.body.settings.smtpOut.checkCertificate, true);
  const ticketId = await replyOn(ch.body.id, 'Ответ по защищённому каналу');
  const waiting = await sendUntil(ticketId, (o) => !!o.last_error && o.status === 'queued');
  assert.match(waiting.last_error!, /certificate/i);
  assert.equal(tls.messages.length, 0);

  const upd = await admin.patch(`/api/v1/mail/channels/${ch.body.id}`, { settings: { smtpOut: { host: '127.0.0.1', port: tls.port, checkCertificate: false } } });
  assert.equal(upd.status, 200, upd.raw);
  await sendUntil(ticketId, (o) => o.status === 'sent');
  const [m] = await tls.waitFor(1);
  assert.match(m!.raw.toString(), /=D0|Ответ|base64/i);
});

test('"require" refuses a server without STARTTLS; "never" sends in the clear', async () => {
  const ch = await admin.post('/api/v1/mail/channels', { name: 'Plain', address: 'plain@desk.test', settings: { smtpOut: { host: '127.0.0.1', port: plain.port, starttls: 'require' } } });
  assert.equal(ch.status, 201, ch.raw);
  const ticketId = await replyOn(ch.body.id, 'Только по TLS');
  const waiting = await sendUntil(ticketId, (o) => !!o.last_error);
  assert.match(waiting.last_error!, /tls|starttls/i);
  assert.equal(plain.messages.length, 0);

  const ch2 = await admin.post('/api/v1/mail/channels', { name: 'Clear', address: 'clear@desk.test', settings: { smtpOut: { host: '127.0.0.1', port: tls.port, starttls: 'never' } } });
  const before = tls.messages.length;
  const t2 = await replyOn(ch2.body.id, 'Без шифрования');
  await sendUntil(t2, (o) => o.status === 'sent');
  assert.equal(tls.messages.length, before + 1);
});

test('invalid TLS settings are a validation problem', async () => {
  const r = await admin.post('/api/v1/mail/channels', { name: 'Bad', address: 'bad@desk.test', settings: { smtpOut: { host: 'x', starttls: 'maybe' }, imap: { host: 'x', user: 'u', checkCertificate: 'no' } } });
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'validation_failed');
});
