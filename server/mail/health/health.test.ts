// The health sweep on synthetic arrival histories in the database: silence (learned and
// configured), fetch errors, missed probes, admin mails through another channel, the API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setup, type TestCtx } from '../../test/harness.ts';
import { receiveRaw } from '../receive.ts';
import { raiseAlert } from './alerts.ts';
import { runHealthCheck } from './check.ts';
import { hourRows } from './history.ts';
import { channelById } from '../channels.service.ts';
import { runProbes, sendProbe } from './probes.ts';
import { MINUTE, toHourRows } from './rhythm.ts';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Monday 2026-10-05 00:00 UTC: week 0 of the synthetic histories. */
const W0 = Date.UTC(2026, 9, 5);
const at = (week: number, day: number, h: number, m = 0) => new Date(W0 + week * 7 * DAY + day * DAY + h * HOUR + m * MINUTE);

let ctx: TestCtx;
let admins: { id: string; email: string }[];
let other: string; // another channel that can send

before(async () => {
  ctx = await setup();
  admins = [await ctx.createUser('admin'), await ctx.createUser('admin')];
  await ctx.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', admins[0].id).execute();
  await ctx.deps.db.updateTable('users').set({ locale: 'ru' }).where('id', '=', admins[1].id).execute();
  const off = await ctx.createUser('admin');
  await ctx.deps.db.updateTable('users').set({ active: false }).where('id', '=', off.id).execute();
  other = await channel({ smtpOut: { host: '127.0.0.1', port: 2525, secure: false } });
});
after(() => ctx.close());

let seq = 0;
/** A channel configured at `configured` (silence on a path that never delivered counts from then). */
async function channel(settings: Record<string, unknown>, configured = at(0, 0, 0)): Promise<string> {
  const r = await ctx.deps.db
    .insertInto('mail_channels')
    .values({ name: `Support ${++seq}`, address: `support${seq}-${randomBytes(3).toString('hex')}@health.test`, settings: JSON.stringify(settings), webhook_token: randomBytes(12).toString('hex'), created_at: configured, updated_at: configured })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Receipts at the given times on one path (one inbound_mails row carries them all). */
async function arrivals(channelId: string, path: 'imap' | 'smtp', times: Date[]): Promise<void> {
  const sha = randomBytes(32).toString('hex');
  const m = await ctx.deps.db
    .insertInto('inbound_mails')
    .values({ channel_id: channelId, path, sha256: sha, size: 1, raw: Buffer.from('x'), stage: 'applied' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < times.length; i += 1000) {
    await ctx.deps.db.insertInto('mail_receipts').values(times.slice(i, i + 1000).map((t) => ({ channel_id: channelId, path, inbound_mail_id: m.id, received_at: t }))).execute();
  }
}

/** Every 10 minutes, Mon–Fri 9:00–18:00 UTC, weeks [0, weeks), up to `until`. */
function businessHours(weeks: number, until: Date): Date[] {
  const out: Date[] = [];
  for (let w = 0; w < weeks; w++) for (let d = 0; d < 5; d++) for (let t = at(w, d, 9).getTime(); t < at(w, d, 18).getTime(); t += 10 * MINUTE) out.push(new Date(t + 37_000));
  return out.filter((t) => t <= until);
}

const activeAdmins = () => ctx.deps.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
const openAlerts = (channelId: string) =>
  ctx.deps.db.selectFrom('mail_alerts').selectAll().where('channel_id', '=', channelId).where('cleared_at', 'is', null).orderBy('id').execute();
const alertMails = (alertId: string) =>
  ctx.deps.db.selectFrom('outbox').selectAll().where('kind', '=', 'health_alert').where('dedupe_key', 'like', `health:${alertId}:%`).orderBy('to_address').execute();

describe('silence, learned from the rhythm', () => {
  let ch: string;
  before(async () => {
    ch = await channel({ smtpOut: { host: '127.0.0.1', port: 2526, secure: false } });
    await arrivals(ch, 'imap', businessHours(7, at(6, 2, 14)));
  });

  test('a short Wednesday afternoon pause is normal', async () => {
    const r = await runHealthCheck(ctx.deps, at(6, 2, 14, 20));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), []);
  });

  test('two hours of silence on a Wednesday afternoon raises an alert and mails the admins through another channel', async () => {
    const r = await runHealthCheck(ctx.deps, at(6, 2, 16, 30));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'silence' }]);
    const [alert] = await openAlerts(ch);
    assert.equal(alert.kind, 'silence');
    assert.equal(alert.data.source, 'learned');
    assert.ok((alert.data.limitMinutes as number) <= 90, `limit ${alert.data.limitMinutes}`);
    const mails = await alertMails(alert.id);
    assert.deepEqual(mails.map((m) => m.to_address).sort(), admins.map((a) => a.email).sort(), 'every active admin, once');
    for (const m of mails) {
      assert.equal(m.channel_id, other, 'sent through the other channel');
      assert.equal(m.auto_submitted, true);
      assert.ok(m.dedupe_key!.includes(':open:'));
    }
    const ru = mails.find((m) => m.to_address === admins[1].email)!;
    assert.match(ru.subject, /письма не приходят дольше обычного/);
    assert.match(mails.find((m) => m.to_address === admins[0].email)!.subject, /no mail for longer than usual/);
  });

  test('running again does not mail again', async () => {
    const r = await runHealthCheck(ctx.deps, at(6, 2, 16, 31));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), []);
    const [alert] = await openAlerts(ch);
    assert.equal((await alertMails(alert.id)).length, 2);
  });

  test('mail arriving again clears it, and the admins hear it recovered', async () => {
    const [alert] = await openAlerts(ch);
    await arrivals(ch, 'imap', [at(6, 2, 16, 40)]);
    const r = await runHealthCheck(ctx.deps, at(6, 2, 16, 41));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'silence' }]);
    assert.deepEqual(await openAlerts(ch), []);
    const recovered = (await alertMails(alert.id)).filter((m) => m.dedupe_key!.includes(':cleared:'));
    assert.equal(recovered.length, 2);
    assert.match(recovered.find((m) => m.to_address === admins[1].email)!.subject, /снова в порядке/);
  });

  test('a quiet night is normal; the next morning without mail is not', async () => {
    const night = await channel({});
    await arrivals(night, 'smtp', businessHours(7, at(6, 0, 18)));
    let r = await runHealthCheck(ctx.deps, at(6, 1, 3));
    assert.deepEqual(r.raised.filter((a) => a.channelId === night), [], 'Tuesday 03:00');
    r = await runHealthCheck(ctx.deps, at(6, 1, 8, 50));
    assert.deepEqual(r.raised.filter((a) => a.channelId === night), [], 'Tuesday 08:50');
    r = await runHealthCheck(ctx.deps, at(6, 1, 12));
    assert.deepEqual(r.raised.filter((a) => a.channelId === night), [{ channelId: night, path: 'smtp', kind: 'silence' }], 'Tuesday noon');
  });

  test('a quiet weekend is normal', async () => {
    const weekend = await channel({});
    await arrivals(weekend, 'smtp', businessHours(7, at(6, 4, 18)));
    for (const t of [at(6, 5, 12), at(6, 6, 20), at(7, 0, 8)]) {
      const r = await runHealthCheck(ctx.deps, t);
      assert.deepEqual(r.raised.filter((a) => a.channelId === weekend), [], t.toISOString());
    }
  });

  test('the SQL aggregates the same hours as the model expects', async () => {
    const times = businessHours(7, at(6, 2, 14)).concat([at(6, 2, 16, 40)]);
    const from = at(1, 3, 5);
    const to = at(6, 2, 17);
    const sqlRows = await hourRows(ctx.deps.db, ch, 'imap', from, to);
    const inWindow = times.filter((t) => t >= from && t < to);
    const expected = toHourRows(inWindow);
    const norm = (rows: typeof expected) => rows.map((r) => ({ ...r, hour: r.hour.toISOString(), first: r.first.toISOString(), last: r.last.toISOString(), maxGapMs: r.maxGapMs === null ? null : Math.round(r.maxGapMs) }));
    assert.deepEqual(norm(sqlRows), norm(expected));
  });
});

describe('silence, configured', () => {
  test('health.silenceMinutes replaces the rhythm', async () => {
    const ch = await channel({ health: { silenceMinutes: 45 } });
    await arrivals(ch, 'smtp', businessHours(7, at(6, 5, 2)).concat([at(6, 5, 3)])); // Saturday 03:00
    let r = await runHealthCheck(ctx.deps, at(6, 5, 3, 40));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), []);
    r = await runHealthCheck(ctx.deps, at(6, 5, 3, 46));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'smtp', kind: 'silence' }]);
    const [alert] = await openAlerts(ch);
    assert.equal(alert.data.source, 'configured');
    assert.equal(alert.data.limitMinutes, 45);
  });

  test('too little history: a day of silence by default', async () => {
    const ch = await channel({});
    await arrivals(ch, 'smtp', Array.from({ length: 12 }, (_, i) => at(6, 2, 0, i * 5 + 5))); // a new feed: 12 mails, 00:05–01:00
    let r = await runHealthCheck(ctx.deps, at(6, 2, 12));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), []);
    const h = await (await ctx.as('lead')).get(`/api/v1/mail/channels/${ch}/health`);
    assert.deepEqual(h.body.paths.map((p: { path: string }) => p.path), ['smtp']);
    const { silentMinutes, ...silence } = h.body.paths[0].silence;
    assert.deepEqual(silence, { limitMinutes: 24 * 60, source: 'default', deadline: at(6, 3, 1).toISOString(), abnormal: true, watched: true });
    assert.ok(silentMinutes > 7 * 24 * 60, 'the API judges by the real clock: weeks of silence');
    r = await runHealthCheck(ctx.deps, at(6, 3, 0, 59));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), []);
    r = await runHealthCheck(ctx.deps, at(6, 3, 1, 1));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'smtp', kind: 'silence' }]);
    assert.equal((await openAlerts(ch))[0].data.source, 'default');
  });

  test('a path that delivered only a couple of mails (a test webhook) is not watched', async () => {
    for (const settings of [{}, { health: { silenceMinutes: 30 } }]) {
      const ch = await channel(settings);
      await arrivals(ch, 'smtp', [at(6, 2, 10), at(6, 2, 11)]);
      const r = await runHealthCheck(ctx.deps, at(7, 2, 10));
      assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [], JSON.stringify(settings));
      const h = await (await ctx.as('lead')).get(`/api/v1/mail/channels/${ch}/health`);
      assert.equal(h.body.paths[0].silence.watched, false);
      assert.equal(h.body.paths[0].silence.abnormal, false);
    }
  });
});

describe('time zone of the rhythm', () => {
  test('health.timeZone is validated and the health view names it', async () => {
    const admin = await ctx.as('admin');
    const bad = await admin.post('/api/v1/mail/channels', { name: 'Berlin', address: 'berlin-bad@health.test', settings: { health: { timeZone: 'Mars/Olympus' } } });
    assert.equal(bad.status, 400);
    const ok = await admin.post('/api/v1/mail/channels', { name: 'Berlin', address: 'berlin@health.test', settings: { health: { timeZone: 'Europe/Berlin' } } });
    assert.equal(ok.status, 201, ok.raw);
    const h = await admin.get(`/api/v1/mail/channels/${ok.body.id}/health`);
    assert.equal(h.body.timeZone, 'Europe/Berlin');
    const plain = await admin.get(`/api/v1/mail/channels/${other}/health`);
    assert.equal(plain.body.timeZone, 'UTC');
  });
});

describe('fetch errors', () => {
  test('a path failing longer than health.fetchErrorMinutes raises an alert with the error; success clears it', async () => {
    const now = Date.now();
    const ch = await channel({ imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', folders: ['INBOX'] }, health: { silenceMinutes: 10_000, fetchErrorMinutes: 5 } }, new Date(now - HOUR));
    await ctx.deps.db.insertInto('mail_path_state').values({ channel_id: ch, path: 'imap', last_ok_at: new Date(now - 3 * MINUTE), last_error_at: new Date(now - 10_000), last_error: 'connect ECONNREFUSED 127.0.0.1:1' }).execute();
    let r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [], 'failing for 3 minutes only');

    await ctx.deps.db.updateTable('mail_path_state').set({ last_ok_at: new Date(now - 6 * MINUTE) }).where('channel_id', '=', ch).execute();
    r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'fetch_error' }]);
    const [alert] = await openAlerts(ch);
    assert.match(alert.message, /ECONNREFUSED/);
    assert.equal((await alertMails(alert.id)).length, (await activeAdmins()).length);

    await ctx.deps.db.updateTable('mail_path_state').set({ last_ok_at: new Date(now + MINUTE) }).where('channel_id', '=', ch).execute();
    r = await runHealthCheck(ctx.deps, new Date(now + 2 * MINUTE));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'fetch_error' }]);
    assert.deepEqual(await openAlerts(ch), []);
  });
  test('silence caused by a failing fetch is recorded but not mailed twice; mailed once the fetch works and mail still does not come', async () => {
    const now = Date.now();
    const ch = await channel({ imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', folders: ['INBOX'] }, health: { silenceMinutes: 30, fetchErrorMinutes: 5 } }, new Date(now - 30 * DAY));
    const past: Date[] = [];
    for (let t = now - 3 * DAY; t < now - 2 * HOUR; t += 20 * MINUTE) past.push(new Date(t));
    await arrivals(ch, 'imap', past);
    await ctx.deps.db.insertInto('mail_path_state').values({ channel_id: ch, path: 'imap', last_ok_at: new Date(now - 2 * HOUR), last_error_at: new Date(now - 10_000), last_error: 'connect ECONNREFUSED 127.0.0.1:1' }).execute();
    let r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch).map((a) => a.kind).sort(), ['fetch_error', 'silence']);
    const byKind = async () => Object.fromEntries((await openAlerts(ch)).map((a) => [a.kind, a]));
    let open = await byKind();
    const admins = (await activeAdmins()).length;
    assert.equal((await alertMails(open.fetch_error.id)).length, admins, 'the fetch error is mailed');
    assert.equal((await alertMails(open.silence.id)).length, 0, 'the silence it causes is not mailed again');
    r = await runHealthCheck(ctx.deps, new Date(now + MINUTE));
    assert.equal((await alertMails(open.silence.id)).length, 0, 'nor on the next pass');

    // fetching works again, but no mail comes: now the silence is news
    await ctx.deps.db.updateTable('mail_path_state').set({ last_ok_at: new Date(now + 2 * MINUTE) }).where('channel_id', '=', ch).execute();
    r = await runHealthCheck(ctx.deps, new Date(now + 3 * MINUTE));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch).map((a) => a.kind), ['fetch_error']);
    open = await byKind();
    assert.deepEqual(Object.keys(open), ['silence']);
    assert.equal((await alertMails(open.silence.id)).filter((m) => m.dedupe_key!.includes(':open:')).length, admins);
    await runHealthCheck(ctx.deps, new Date(now + 4 * MINUTE));
    assert.equal((await alertMails(open.silence.id)).length, admins, 'mailed once');

    // mail arrives: cleared, and the admins hear it recovered
    await arrivals(ch, 'imap', [new Date(now + 5 * MINUTE)]);
    r = await runHealthCheck(ctx.deps, new Date(now + 6 * MINUTE));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch).map((a) => a.kind), ['silence']);
    assert.equal((await alertMails(open.silence.id)).filter((m) => m.dedupe_key!.includes(':cleared:')).length, admins);
  });

  test('a quiet silence that ends while the fetch still fails clears without a mail', async () => {
    const now = Date.now();
    const ch = await channel({ imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', folders: ['INBOX'] }, health: { silenceMinutes: 30, fetchErrorMinutes: 5 } }, new Date(now - 30 * DAY));
    const past: Date[] = [];
    for (let t = now - 3 * DAY; t < now - 2 * HOUR; t += 20 * MINUTE) past.push(new Date(t));
    await arrivals(ch, 'imap', past);
    await ctx.deps.db.insertInto('mail_path_state').values({ channel_id: ch, path: 'imap', last_ok_at: new Date(now - 2 * HOUR), last_error_at: new Date(now - 10_000), last_error: 'timeout' }).execute();
    await runHealthCheck(ctx.deps, new Date(now));
    const silence = (await openAlerts(ch)).find((a) => a.kind === 'silence')!;
    await arrivals(ch, 'imap', [new Date(now + MINUTE)]); // another path of the mailbox brought one in
    const r = await runHealthCheck(ctx.deps, new Date(now + 2 * MINUTE));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch).map((a) => a.kind), ['silence']);
    assert.equal((await alertMails(silence.id)).length, 0);
  });
});

describe('heartbeat probes', () => {
  let ch: string;
  let address: string;
  before(async () => {
    ch = await channel({ imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', folders: ['INBOX'] }, smtpOut: { host: '127.0.0.1', port: 2527, secure: false }, probe: { enabled: true, intervalMinutes: 10 }, health: { silenceMinutes: 10_000 } }, new Date());
    address = (await ctx.deps.db.selectFrom('mail_channels').select('address').where('id', '=', ch).executeTakeFirstOrThrow()).address;
  });

  const probes = () => ctx.deps.db.selectFrom('mail_probes').selectAll().where('channel_id', '=', ch).orderBy('id').execute();
  /** Pretends the probe's mail left at `sentAt`. */
  async function mailed(token: string, sentAt: Date) {
    await ctx.deps.db.updateTable('mail_probes').set({ sent_at: sentAt }).where('token', '=', token).execute();
    await ctx.deps.db.updateTable('outbox').set({ status: 'sent', sent_at: sentAt }).where('dedupe_key', '=', `probe:${token}`).execute();
  }

  test('mail.probe sends one probe per interval to the channel itself, with the X-Slovo-Probe header', async () => {
    assert.equal(await runProbes(ctx.deps), 1);
    assert.equal(await runProbes(ctx.deps), 0, 'interval not elapsed');
    const [p] = await probes();
    const o = await ctx.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', `probe:${p.token}`).executeTakeFirstOrThrow();
    assert.equal(o.to_address, address);
    assert.equal(o.kind, 'probe');
    assert.equal(o.channel_id, ch);
    assert.deepEqual(o.headers, { 'X-Slovo-Probe': p.token });
    assert.equal(o.subject, `Slovo probe ${p.token}`);
    assert.equal(await runProbes(ctx.deps, new Date(Date.now() + 10 * MINUTE)), 1, 'next interval');
  });

  test('a path that missed the last two probes is degraded: alert; a probe seen again clears it', async () => {
    const now = Date.now();
    const [p1, p2] = await probes();
    await mailed(p1.token, new Date(now - 25 * MINUTE));
    await receiveRaw(ctx.deps, { channelId: ch, path: 'imap', raw: Buffer.from(`From: ${address}\r\nTo: ${address}\r\nSubject: Slovo probe ${p1.token}\r\nX-Slovo-Probe: ${p1.token}\r\n\r\nprobe\r\n`) });
    await mailed(p2.token, new Date(now - 15 * MINUTE));
    let r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [], 'one miss is not yet degraded');

    const p3 = await (await ctx.as('admin')).post(`/api/v1/mail/channels/${ch}/probe`);
    assert.equal(p3.status, 201);
    await mailed(p3.body.token, new Date(now - 6 * MINUTE));
    r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'probe_missed' }]);

    const lead = await ctx.as('lead');
    const h = await lead.get(`/api/v1/mail/channels/${ch}/health`);
    assert.equal(h.status, 200);
    const imap = h.body.paths.find((p: { path: string }) => p.path === 'imap');
    assert.equal(imap.probes.state, 'degraded');
    assert.ok(imap.probes.lastSeenAt);
    assert.equal(imap.silence.source, 'configured');
    assert.deepEqual(h.body.alerts.map((a: { kind: string }) => a.kind), ['probe_missed']);
    assert.equal(h.body.probes.enabled, true);

    assert.equal(await runProbes(ctx.deps, new Date(now + 20 * MINUTE)), 1);
    const p4 = (await probes()).at(-1)!;
    await mailed(p4.token, new Date(now - 6 * MINUTE + 1000));
    await receiveRaw(ctx.deps, { channelId: ch, path: 'imap', raw: Buffer.from(`From: ${address}\r\nTo: ${address}\r\nSubject: Slovo probe\r\nX-Slovo-Probe: ${p4.token}\r\n\r\nprobe 4\r\n`) });
    r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch), [{ channelId: ch, path: 'imap', kind: 'probe_missed' }]);
  });

  test('a one-off path (two test mails) is not expected to bring probes back', async () => {
    const one = await channel({ imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', folders: ['INBOX'] }, probe: { enabled: true, intervalMinutes: 10 }, health: { silenceMinutes: 10_000 } }, new Date());
    const addr = (await ctx.deps.db.selectFrom('mail_channels').select('address').where('id', '=', one).executeTakeFirstOrThrow()).address;
    await arrivals(one, 'smtp', [new Date(Date.now() - DAY), new Date(Date.now() - DAY + MINUTE)]);
    const now = Date.now();
    for (const ago of [25, 15]) {
      const p = await sendProbe(ctx.deps, (await channelById(ctx.deps.db, one))!);
      await mailed(p.token, new Date(now - ago * MINUTE));
      await receiveRaw(ctx.deps, { channelId: one, path: 'imap', raw: Buffer.from(`From: ${addr}\r\nTo: ${addr}\r\nX-Slovo-Probe: ${p.token}\r\n\r\nprobe\r\n`) });
    }
    const r = await runHealthCheck(ctx.deps, new Date(now));
    assert.deepEqual(r.raised.filter((a) => a.channelId === one), []);
    const h = await (await ctx.as('lead')).get(`/api/v1/mail/channels/${one}/health`);
    assert.deepEqual(h.body.paths.map((p: { path: string; probes: { state: string } }) => [p.path, p.probes.state]), [['imap', 'ok'], ['smtp', 'unknown']]);
  });

  test('probes do not count as arrivals for silence', async () => {
    const h = await (await ctx.as('lead')).get(`/api/v1/mail/channels/${ch}/health`);
    const imap = h.body.paths.find((p: { path: string }) => p.path === 'imap');
    assert.equal(imap.lastArrivalAt, null);
  });
});

describe('alerts raised elsewhere (mail loops)', () => {
  test('are mailed to the admins once, and clear after an hour without a new loop mail', async () => {
    const ch = await channel({});
    await raiseAlert(ctx.deps.db, { channelId: ch, path: null, kind: 'loop', message: 'more than 20 mails from bot@loop.test in 10 minutes' });
    const [alert] = await openAlerts(ch);
    let r = await runHealthCheck(ctx.deps);
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [{ channelId: ch, path: null, kind: 'loop' }]);
    r = await runHealthCheck(ctx.deps);
    assert.deepEqual(r.raised.filter((a) => a.channelId === ch), [], 'mailed once');
    const opened = await alertMails(alert.id);
    const active = await activeAdmins();
    assert.equal(opened.length, active.length);
    assert.match(opened.find((m) => m.to_address === admins[1].email)!.subject, /петля/);

    r = await runHealthCheck(ctx.deps, new Date(Date.now() + 30 * MINUTE));
    assert.equal((await openAlerts(ch)).length, 1, 'still open after 30 quiet minutes');
    r = await runHealthCheck(ctx.deps, new Date(Date.now() + 61 * MINUTE));
    assert.deepEqual(r.cleared.filter((a) => a.channelId === ch), [{ channelId: ch, path: null, kind: 'loop' }]);
    assert.deepEqual(await openAlerts(ch), []);
    assert.equal((await alertMails(alert.id)).filter((m) => m.dedupe_key!.includes(':cleared:')).length, active.length);
  });
});

describe('alerts API', () => {
  test('lists alerts newest first, open or cleared, a page at a time', async () => {
    const lead = await ctx.as('lead');
    const all = await lead.get('/api/v1/mail/alerts?limit=200');
    assert.equal(all.status, 200);
    const ids = all.body.items.map((a: { id: string }) => Number(a.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const open = await lead.get('/api/v1/mail/alerts?open=true&limit=200');
    const cleared = await lead.get('/api/v1/mail/alerts?open=false&limit=200');
    assert.ok(open.body.items.length > 0 && cleared.body.items.length > 0);
    assert.ok(open.body.items.every((a: { clearedAt: string | null }) => a.clearedAt === null));
    assert.ok(cleared.body.items.every((a: { clearedAt: string | null }) => a.clearedAt !== null));
    assert.equal(open.body.items.length + cleared.body.items.length, all.body.items.length);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pg = await lead.get(`/api/v1/mail/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...pg.body.items.map((a: { id: string }) => a.id));
      cursor = pg.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, all.body.items.map((a: { id: string }) => a.id));
  });

  test('a switched-off channel keeps no open alerts', async () => {
    const [a] = (await ctx.deps.db.selectFrom('mail_alerts').select('channel_id').where('cleared_at', 'is', null).limit(1).execute());
    await ctx.deps.db.updateTable('mail_channels').set({ active: false }).where('id', '=', a.channel_id).execute();
    await runHealthCheck(ctx.deps);
    assert.deepEqual(await openAlerts(a.channel_id), []);
  });
});
