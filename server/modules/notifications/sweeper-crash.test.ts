// kill -9 between enqueue and send: a worker process sweeps (notifications and outbox rows
// commit) and starts sending to an SMTP server that accepts the connection and stalls; it is
// killed with SIGKILL mid-send. A second process runs again: the SMTP server receives exactly
// one mail per mailed notification and no notification is written twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { setup, type TestCtx } from '../../test/harness.ts';
import { freePort } from '../../test/ports.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { until } from '../../test/until.ts';
import { assertExactlyOnce, makeDue } from './sweeper.fixtures.ts';

const CHILD = path.join(import.meta.dirname, 'sweeper-crash.child.ts');

let ctx: TestCtx;
let sink: SmtpSink;
/** In front of the sink: 'stall' accepts connections and never answers; 'pass' forwards to the sink. */
let mode: 'stall' | 'pass' = 'stall';
let proxy: net.Server;
let proxyPort: number;
const held = new Set<net.Socket>();
let heldEver = 0;

before(async () => {
  ctx = await setup();
  sink = await startSmtpSink();
  proxyPort = await freePort();
  proxy = net.createServer((s) => {
    s.on('error', () => {});
    if (mode === 'stall') {
      held.add(s);
      heldEver++;
      s.on('close', () => held.delete(s));
      return;
    }
    const up = net.connect(sink.port, '127.0.0.1');
    up.on('error', () => s.destroy());
    s.pipe(up);
    up.pipe(s);
  });
  await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', () => r()));
});
after(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => proxy.close(r));
  await sink.close();
  await ctx.close();
});

function run(): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: { ...process.env, DATABASE_URL: ctx.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

const notificationMails = () =>
  ctx.deps.db.selectFrom('outbox').select(['id', 'status', 'message_id', 'to_address']).where('kind', '=', 'notification').orderBy('id').execute();

test('kill -9 after the notifications and mails committed, before the mail was sent: one mail per notification after a rerun', async () => {
  const admin = await ctx.as('admin');
  const agent = await ctx.as('agent');
  const ch = await admin.post('/api/v1/mail/channels', {
    name: 'Support', address: 'support@crash.test',
    settings: { smtpOut: { host: '127.0.0.1', port: proxyPort, secure: false, fromName: 'Slovo' } },
  });
  assert.equal(ch.status, 201, ch.raw);
  const due = await makeDue(ctx, agent, 3, 2);

  // first worker: sweeps, starts sending into the stalled server, and is killed mid-send
  const first = run();
  await until('the first worker to sweep and hold an SMTP connection', async () => {
    if (!first.out().includes('swept ')) return false;
    const sending = (await notificationMails()).filter((m) => m.status === 'sending');
    return held.size > 0 && sending.length > 0;
  }, 60_000, 50);
  assert.match(first.out(), /"ran":true/);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null, 'killed, not exited');
  assert.equal(sink.messages.length, 0, 'nothing reached the SMTP server');
  const { mails } = await assertExactlyOnce(ctx, due); // committed before the crash
  const rows = await notificationMails();
  assert.equal(rows.length, mails);
  assert.ok(rows.some((r) => r.status === 'sending'), 'the crash left rows mid-send');
  assert.ok(rows.every((r) => r.status !== 'sent'));

  // five minutes later the claims' leases have run out; the server answers again
  await ctx.deps.db.updateTable('outbox').set({ next_attempt_at: new Date() }).where('status', '=', 'sending').execute();
  mode = 'pass';
  for (const s of held) s.destroy();

  const second = run();
  assert.equal(await second.exited, 0, second.out());
  const swept = JSON.parse(/^swept (.*)$/m.exec(second.out())![1]);
  assert.equal(swept.ran, true);
  assert.deepEqual([swept.counts.sla, swept.counts.promises], [0, 0], 'nothing was due any more');

  await assertExactlyOnce(ctx, due);
  const sent = await notificationMails();
  assert.equal(sent.length, mails, 'no outbox row written twice');
  assert.ok(sent.every((r) => r.status === 'sent'), JSON.stringify(sent));
  await sink.waitFor(mails);
  const ids = await Promise.all(sink.messages.map(async (m) => (await simpleParser(m.raw)).messageId));
  assert.equal(sink.messages.length, mails, 'exactly one mail per mailed notification');
  assert.deepEqual(ids.sort(), sent.map((r) => `<${r.message_id}>`).sort(), 'each outbox row arrived once');
  assert.deepEqual(sink.messages.map((m) => m.to[0]).sort(), sent.map((r) => r.to_address).sort());
  assert.ok(heldEver > 0);
});
