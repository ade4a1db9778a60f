// Heartbeat probes over real servers: the probe leaves by SMTP (a real SMTP server acting as
// the mail exchanger delivers it into Dovecot's Maildir) and comes back through IMAP. With
// IMAP down the probes pile up unseen → the path is degraded and an alert opens; with IMAP
// back they are fetched → the alert clears. No probe ever becomes a ticket.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { setup, type TestCtx } from '../../test/harness.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { startImapPaths } from '../imap/imap-path.ts';
import { runHealthCheck } from './check.ts';
import { probeGraceMs } from './probes.ts';
import { until } from '../../test/until.ts';

const USER = { user: 'support@example.test', password: 'secret' };
const SETTINGS = { probe: { enabled: true, intervalMinutes: 1 } };

let ctx: TestCtx;
let dv: Dovecot;
let sink: SmtpSink;
let stopPaths: (() => Promise<void>) | undefined;
let relay: NodeJS.Timeout | undefined;
let channelId: string;

before(async () => {
  ctx = await setup({ jobs: true });
  dv = await startDovecot({ users: [USER] });
  sink = await startSmtpSink();
  // the "MX": whatever reaches the SMTP server is delivered into the mailbox, IMAP up or not
  let relayed = 0;
  relay = setInterval(() => {
    while (relayed < sink.messages.length) dv.deliverMaildir(USER.user, sink.messages[relayed++].raw);
  }, 100);
  const admin = await ctx.as('admin');
  const ch = await admin.post('/api/v1/mail/channels', {
    name: 'Support', address: 'support@probe.test',
    settings: {
      imap: { host: '127.0.0.1', port: dv.port, secure: false, user: USER.user, password: USER.password, folders: ['INBOX'], pollSeconds: 5 },
      smtpOut: { host: '127.0.0.1', port: sink.port, secure: false },
      ...SETTINGS,
    },
  });
  assert.equal(ch.status, 201, ch.raw);
  channelId = ch.body.id;
  stopPaths = await startImapPaths(ctx.deps);
});
after(async () => {
  clearInterval(relay);
  await stopPaths?.();
  await dv?.close();
  await sink?.close();
  await ctx?.close();
});

const probeRows = () => ctx.deps.db.selectFrom('mail_probes').selectAll().where('channel_id', '=', channelId).orderBy('id').execute();
const sentCount = async () => (await ctx.deps.db.selectFrom('outbox').select('id').where('kind', '=', 'probe').where('status', '=', 'sent').execute()).length;
/** Lets the grace period of every probe sent so far pass (moves their send times back). */
async function graceOver() {
  const ms = probeGraceMs(SETTINGS as never) + 1000;
  await sql`update outbox set sent_at = sent_at - make_interval(secs => ${ms / 1000}) where kind = 'probe' and sent_at is not null`.execute(ctx.deps.db);
  await sql`update mail_probes set sent_at = sent_at - make_interval(secs => ${ms / 1000})`.execute(ctx.deps.db);
}

async function health() {
  const r = await (await ctx.as('lead')).get(`/api/v1/mail/channels/${channelId}/health`);
  assert.equal(r.status, 200, r.raw);
  return r.body;
}

async function probeNow() {
  const r = await (await ctx.as('admin')).post(`/api/v1/mail/channels/${channelId}/probe`);
  assert.equal(r.status, 201, r.raw);
  return r.body.token as string;
}

test('a probe goes out by SMTP with its header and comes back through IMAP; it makes no ticket', async () => {
  const token = await probeNow();
  const out = await until('probe at the SMTP server', async () => sink.messages.find((m) => m.raw.includes(`X-Slovo-Probe: ${token}`)));
  assert.deepEqual(out.to, ['support@probe.test']);
  const seen = await until('probe seen on imap', async () => (await probeRows()).find((p) => p.token === token && p.seen.imap));
  assert.ok(seen);
  await graceOver();
  await runHealthCheck(ctx.deps);
  const h = await health();
  assert.equal(h.paths.find((p: { path: string }) => p.path === 'imap').probes.state, 'ok');
  assert.equal(h.paths.find((p: { path: string }) => p.path === 'imap').lastArrivalAt, null, 'a probe is no arrival of real mail');
  const mail = await until('probe mail settled', () =>
    ctx.deps.db.selectFrom('inbound_mails').select(['stage', 'ticket_id']).where('channel_id', '=', channelId).where('stage', 'in', ['applied', 'ignored', 'quarantined', 'duplicate']).executeTakeFirst());
  assert.equal(mail.stage, 'ignored');
  assert.equal(mail.ticket_id, null);
  assert.equal((await ctx.deps.db.selectFrom('tickets').select('id').execute()).length, 0);
});

test('IMAP down: two probes missed → degraded and alert; IMAP up: probes fetched → alert cleared', async () => {
  await dv.stop();
  const before = await sentCount();
  const missed = [await probeNow(), await probeNow()];
  await until('both probes sent', async () => (await sentCount()) === before + 2);
  await until('both at the mailbox', async () => missed.every((t) => sink.messages.some((m) => m.raw.includes(t))));

  await graceOver();
  let r = await runHealthCheck(ctx.deps);
  assert.deepEqual(r.raised.filter((a) => a.kind === 'probe_missed'), [{ channelId, path: 'imap', kind: 'probe_missed' }]);
  let h = await health();
  assert.equal(h.paths.find((p: { path: string }) => p.path === 'imap').probes.state, 'degraded');
  assert.deepEqual(h.alerts.map((a: { kind: string }) => a.kind), ['probe_missed']);

  await dv.start();
  await until('missed probes fetched after the restart', async () => (await probeRows()).filter((p) => missed.includes(p.token) && p.seen.imap).length === 2, 45_000);
  r = await runHealthCheck(ctx.deps);
  assert.deepEqual(r.cleared.filter((a) => a.kind === 'probe_missed'), [{ channelId, path: 'imap', kind: 'probe_missed' }]);
  h = await health();
  assert.equal(h.paths.find((p: { path: string }) => p.path === 'imap').probes.state, 'ok');
  assert.deepEqual(h.alerts, []);
});
