// Health against a real Dovecot: stop the IMAP server → alert within the configured window;
// start it again → the backlog is ingested and the alerts clear.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../../test/dovecot.ts';
import { setup, type TestCtx } from '../../test/harness.ts';
import { startImapPaths } from '../imap/imap-path.ts';
import { makeChannel, rawMail, settled } from '../test/mail-kit.ts';
import { runHealthCheck } from './check.ts';
import { until } from '../../test/until.ts';

const USER = { user: 'support@example.test', password: 'secret' };
const WINDOW_MIN = 1; // health.silenceMinutes and health.fetchErrorMinutes

let ctx: TestCtx;
let dv: Dovecot;
let stopPaths: (() => Promise<void>) | undefined;
let channelId: string;
let otherId: string;
let adminEmail: string;

before(async () => {
  ctx = await setup({ jobs: true });
  dv = await startDovecot({ users: [USER] });
  adminEmail = (await ctx.createUser('admin')).email;
  otherId = (await makeChannel(ctx.deps.db, 'other@desk.test', { smtpOut: { host: '127.0.0.1', port: 1, secure: false } })).id;
  channelId = (await makeChannel(ctx.deps.db, 'support@desk.test', {
    imap: { host: '127.0.0.1', port: dv.port, secure: false, user: USER.user, password: USER.password, folders: ['INBOX'], pollSeconds: 5 },
    health: { silenceMinutes: WINDOW_MIN, fetchErrorMinutes: WINDOW_MIN },
  })).id;
  stopPaths = await startImapPaths(ctx.deps);
});
after(async () => {
  await stopPaths?.();
  await dv?.close();
  await ctx?.close();
});

const pathState = () => ctx.deps.db.selectFrom('mail_path_state').selectAll().where('channel_id', '=', channelId).where('path', '=', 'imap').executeTakeFirst();
const openKinds = async () =>
  (await ctx.deps.db.selectFrom('mail_alerts').select('kind').where('channel_id', '=', channelId).where('cleared_at', 'is', null).orderBy('kind').execute()).map((a) => a.kind);
const mails = () => ctx.deps.db.selectFrom('inbound_mails').select('id').where('channel_id', '=', channelId).execute();

test('the sweep and the probe sender are scheduled every minute', async () => {
  const schedules = await ctx.deps.boss!.getSchedules();
  for (const name of ['mail.health', 'mail.probe']) assert.equal(schedules.find((s) => s.name === name)?.cron, '* * * * *', name);
});

test('Dovecot down: fetch_error and silence alerts within the window; back up: backlog ingested, alerts cleared', async () => {
  await dv.append(USER.user, rawMail({ subject: 'Before the outage', messageId: 'before@client.test' }));
  await until('first mail', async () => (await mails()).length === 1);
  await until('path ok', async () => (await pathState())?.last_ok_at);
  assert.deepEqual((await runHealthCheck(ctx.deps)).raised, [], 'healthy: no alert');

  const stoppedAt = Date.now();
  await dv.stop();
  const failing = await until('error recorded', async () => {
    const s = await pathState();
    return s?.last_error_at && s.last_ok_at && s.last_error_at > s.last_ok_at ? s : null;
  });
  // inside the window the failure is not yet an alert
  let r = await runHealthCheck(ctx.deps);
  assert.ok(Date.now() - stoppedAt < WINDOW_MIN * 60_000);
  assert.ok(!r.raised.some((a) => a.kind === 'fetch_error'), 'no fetch_error before the window has passed');

  // mail keeps landing on the server's disk while IMAP is down
  for (let i = 1; i <= 5; i++) dv.deliverMaildir(USER.user, rawMail({ subject: `Backlog ${i}`, messageId: `backlog-${i}@client.test` }));

  // the minute tick right after the window (the check compares stored times with its clock)
  const tick = new Date(failing.last_ok_at!.getTime() + WINDOW_MIN * 60_000 + 1000);
  r = await runHealthCheck(ctx.deps, tick);
  assert.deepEqual(r.raised.filter((a) => a.channelId === channelId).map((a) => a.kind).sort(), ['fetch_error', 'silence']);
  assert.deepEqual(await openKinds(), ['fetch_error', 'silence']);
  const err = await ctx.deps.db.selectFrom('mail_alerts').select(['id', 'message']).where('channel_id', '=', channelId).where('kind', '=', 'fetch_error').where('cleared_at', 'is', null).executeTakeFirstOrThrow();
  assert.match(err.message, /INBOX/);
  const alertMail = await ctx.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', `health:${err.id}:open:${(await ctx.deps.db.selectFrom('users').select('id').where('email', '=', adminEmail).executeTakeFirstOrThrow()).id}`).executeTakeFirstOrThrow();
  assert.equal(alertMail.to_address, adminEmail);
  assert.equal(alertMail.channel_id, otherId, 'the alert goes out through the other channel');

  await dv.start();
  const rows = await until('backlog ingested', async () => {
    const m = await mails();
    return m.length === 6 ? m : null;
  }, 45_000);
  const done = await settled(ctx.deps.db, rows.map((x) => x.id));
  assert.ok(done.every((d) => d.stage === 'applied'), JSON.stringify(done));
  await until('path ok again', async () => {
    const s = await pathState();
    return s?.last_ok_at && s.last_error_at && s.last_ok_at > s.last_error_at;
  });

  r = await runHealthCheck(ctx.deps);
  assert.deepEqual(r.cleared.filter((a) => a.channelId === channelId).map((a) => a.kind).sort(), ['fetch_error', 'silence']);
  assert.deepEqual(await openKinds(), []);
  const recovered = await ctx.deps.db.selectFrom('outbox').select('subject').where('dedupe_key', 'like', `health:${err.id}:cleared:%`).execute();
  assert.equal(recovered.length, 1);
});
