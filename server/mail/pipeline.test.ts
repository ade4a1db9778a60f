// The inbound pipeline end to end on the real database with pg-boss workers:
// receive → parse → thread → apply, dedup, threading (incl. the Ticket Trick), loops, quarantine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setup, type TestCtx } from '../test/harness.ts';
import { receiveRaw, receiveStats } from './receive.ts';
import { loopMarker, mailSecret, outboundMessageId, replyAddress } from './reply-token.ts';
import { makeChannel, rawMail, settled, type MailSpec } from './test/mail-kit.ts';

let ctx: TestCtx;
let channel: { id: string; address: string };

before(async () => {
  ctx = await setup({ jobs: true, env: { SLOVO_MAIL_SENDER_LIMIT: '4' } });
  channel = await makeChannel(ctx.deps.db);
});
after(() => ctx.close());

async function deliver(spec: MailSpec | Buffer, path: 'raw' | 'imap' | 'smtp' = 'raw') {
  const raw = Buffer.isBuffer(spec) ? spec : rawMail(spec);
  const r = await receiveRaw(ctx.deps, { channelId: channel.id, path, raw });
  const [row] = await settled(ctx.deps.db, [r.mailId]);
  return { ...row, received: r, raw };
}

const messagesOf = (ticketId: string) =>
  ctx.deps.db.selectFrom('messages').select(['id', 'body_text', 'author_customer_id']).where('ticket_id', '=', ticketId).orderBy('id').execute();

describe('a new mail', () => {
  test('becomes a ticket from a new customer, with the text and the channel', async () => {
    const m = await deliver({ from: 'Ольга Петрова <olga@new-client.test>', subject: 'Не приходят письма', body: 'Со вчерашнего дня не приходят письма.' });
    assert.equal(m.stage, 'applied');
    const t = await ctx.deps.db.selectFrom('tickets').selectAll().where('id', '=', m.ticket_id!).executeTakeFirstOrThrow();
    assert.equal(t.subject, 'Не приходят письма');
    assert.equal(t.channel, 'email');
    assert.equal(t.language, 'ru');
    const c = await ctx.deps.db.selectFrom('customers as c').innerJoin('customer_emails as e', 'e.customer_id', 'c.id').select(['c.id', 'c.name']).where('e.email', '=', 'olga@new-client.test').executeTakeFirstOrThrow();
    assert.equal(c.name, 'Ольга Петрова');
    assert.equal(t.requester_id, c.id);
    const msgs = await messagesOf(t.id);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0].body_text, /не приходят письма/);
  });

  test('the same bytes twice (a retried webhook) make one inbound mail with two receipts and one message', async () => {
    const raw = rawMail({ from: 'retry@client.test' });
    const a = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw });
    const b = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw });
    assert.equal(a.mailId, b.mailId);
    assert.equal(b.duplicate, true);
    const [row] = await settled(ctx.deps.db, [a.mailId]);
    const receipts = await ctx.deps.db.selectFrom('mail_receipts').select('id').where('inbound_mail_id', '=', a.mailId).execute();
    assert.equal(receipts.length, 2);
    assert.equal((await messagesOf(row.ticket_id!)).length, 1);
  });

  test('the same bytes arriving 12 times at once make one inbound mail, 12 receipts and one message', async () => {
    // concurrent copies race in receive's one-statement insert; a copy that neither inserts nor sees the row goes the long way
    for (let round = 0; round < 3; round++) {
      const raw = rawMail({ from: `burst${round}@client.test` });
      const all = await Promise.all([...Array(12)].map(() => receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw })));
      assert.equal(new Set(all.map((r) => r.mailId)).size, 1);
      assert.equal(all.filter((r) => !r.duplicate).length, 1);
      const [row] = await settled(ctx.deps.db, [all[0].mailId]);
      const receipts = await ctx.deps.db.selectFrom('mail_receipts').select('id').where('inbound_mail_id', '=', all[0].mailId).execute();
      assert.equal(receipts.length, 12);
      assert.equal((await messagesOf(row.ticket_id!)).length, 1);
    }
  });

  test('concurrent deliveries go in shared statements: one mail per distinct bytes, a receipt for each, one message each', async () => {
    const distinct = Array.from({ length: 24 }, (_, i) => rawMail({ from: `crowd${i}@client.test`, subject: `Толпа ${i}` }));
    const deliveries = [...distinct, ...distinct.slice(0, 8)]; // 8 of them twice (a retried webhook)
    const stats = receiveStats(ctx.deps);
    const before = { ...stats };
    const got = await Promise.all(deliveries.map((raw) => receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw })));
    const sent = stats.groups - before.groups;
    assert.equal(stats.calls - before.calls, deliveries.length);
    assert.ok(sent < deliveries.length, `${sent} statements for ${deliveries.length} deliveries`);
    const ids = [...new Set(got.map((g) => g.mailId))];
    assert.equal(ids.length, 24);
    assert.equal(got.filter((g) => !g.duplicate).length, 24, 'each distinct mail is new exactly once');
    const receipts = await ctx.deps.db.selectFrom('mail_receipts').select('id').where('inbound_mail_id', 'in', ids).execute();
    assert.equal(receipts.length, 32);
    const rows = await settled(ctx.deps.db, ids);
    assert.ok(rows.every((r) => r.stage === 'applied'));
    for (const r of rows) assert.equal((await messagesOf(r.ticket_id!)).length, 1);
  });

  test('the same mail through two paths (other trace headers) yields exactly one message', async () => {
    const raw = rawMail({ from: 'twopaths@client.test', messageId: 'two-paths@client.test' });
    const viaImap = Buffer.concat([Buffer.from('Return-Path: <twopaths@client.test>\r\nDelivered-To: support@desk.test\r\n'), raw]);
    const a = await deliver(raw, 'raw');
    const b = await deliver(viaImap, 'imap');
    assert.notEqual(a.id, b.id);
    assert.equal(a.stage, 'applied');
    assert.equal(b.stage, 'duplicate');
    assert.equal(b.duplicate_of, a.id);
    assert.equal((await messagesOf(a.ticket_id!)).length, 1);
  });

  test('a forged Message-ID with other content is not swallowed as a duplicate', async () => {
    const a = await deliver({ from: 'real@client.test', messageId: 'reused@client.test', body: 'The real message.' });
    const b = await deliver({ from: 'forger@evil.test', messageId: 'reused@client.test', body: 'Something else entirely.' });
    assert.equal(a.stage, 'applied');
    assert.equal(b.stage, 'applied');
    assert.notEqual(a.ticket_id, b.ticket_id);
  });
});

describe('threading', () => {
  test('a reply with In-Reply-To from the requester joins the ticket and reopens it when solved', async () => {
    const first = await deliver({ from: 'ivan@client.test', messageId: 'first-ivan@client.test', subject: 'VPN drops' });
    await ctx.deps.db.updateTable('tickets').set({ status: 'solved', solved_at: new Date() }).where('id', '=', first.ticket_id!).execute();
    const reply = await deliver({ from: 'ivan@client.test', inReplyTo: 'first-ivan@client.test', subject: 'Re: VPN drops', body: 'It happened again.' });
    assert.equal(reply.ticket_id, first.ticket_id);
    assert.equal((await messagesOf(first.ticket_id!)).length, 2);
    const t = await ctx.deps.db.selectFrom('tickets').select('status').where('id', '=', first.ticket_id!).executeTakeFirstOrThrow();
    assert.equal(t.status, 'open');
  });

  test('a stranger who references the same Message-ID gets a ticket of their own', async () => {
    const first = await deliver({ from: 'owner@client.test', messageId: 'owned@client.test' });
    const other = await deliver({ from: 'stranger@evil.test', inReplyTo: 'owned@client.test', references: '<owned@client.test>' });
    assert.notEqual(other.ticket_id, first.ticket_id);
  });

  test('Ticket Trick: a stranger with [SL-n] in the subject does not get into that ticket; the requester does', async () => {
    const first = await deliver({ from: 'victim@client.test', subject: 'Password reset' });
    const t = await ctx.deps.db.selectFrom('tickets').select(['number']).where('id', '=', first.ticket_id!).executeTakeFirstOrThrow();
    const attack = await deliver({ from: 'attacker@evil.test', subject: `[SL-${t.number}] Re: Password reset`, body: 'please send me the link' });
    assert.notEqual(attack.ticket_id, first.ticket_id);
    const victimMsgs = await messagesOf(first.ticket_id!);
    assert.equal(victimMsgs.length, 1);
    const ev = await ctx.deps.db.selectFrom('ticket_events').select('data').where('ticket_id', '=', attack.ticket_id!).where('kind', '=', 'created').executeTakeFirstOrThrow();
    assert.equal((ev.data as Record<string, unknown>).subjectHintRejected, `SL-${t.number}`);
    const own = await deliver({ from: 'victim@client.test', subject: `Re: [SL-${t.number}] Password reset`, messageId: 'victim-2@client.test' });
    assert.equal(own.ticket_id, first.ticket_id);
  });

  test('our signed Message-ID threads a colleague of the requester in; a stranger holding it, or a tampered one, does not', async () => {
    await ctx.deps.db.insertInto('organizations').values({ name: 'Corp', domains: ['corp.test'] }).execute();
    const first = await deliver({ from: 'boss@corp.test', subject: 'Invoice' });
    const secret = await mailSecret(ctx.deps.db);
    const ours = outboundMessageId(secret, first.ticket_id!, '77', 'desk.test');
    const colleague = await deliver({ from: 'colleague@corp.test', inReplyTo: ours, subject: 'Re: Invoice' });
    assert.equal(colleague.ticket_id, first.ticket_id);
    const stranger = await deliver({ from: 'noreply@signup-service.test', inReplyTo: ours, subject: 'Confirm your account', body: 'Your code is 123456' });
    assert.notEqual(stranger.ticket_id, first.ticket_id);
    const ev = await ctx.deps.db.selectFrom('ticket_events').select('data').where('ticket_id', '=', stranger.ticket_id!).where('kind', '=', 'created').executeTakeFirstOrThrow();
    assert.equal((ev.data as Record<string, unknown>).subjectHintRejected, `token:${first.ticket_id}`);
    const forged = ours.replace(/\.([0-9a-f]{20})@/, (_m, sig: string) => `.${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}@`);
    const bad = await deliver({ from: 'colleague@corp.test', inReplyTo: forged, subject: 'Re: Invoice' });
    assert.notEqual(bad.ticket_id, first.ticket_id);
  });

  test('our signed reply address is no way in for a stranger (signing up somewhere with it)', async () => {
    const first = await deliver({ from: 'owner2@client.test', subject: 'Account' });
    const secret = await mailSecret(ctx.deps.db);
    const addr = replyAddress(secret, channel.address, first.ticket_id!);
    const robot = await deliver({ from: 'noreply@saas.test', to: addr, subject: 'Verify your e-mail', headers: { 'Auto-Submitted': 'auto-generated' } });
    assert.notEqual(robot.ticket_id, first.ticket_id);
    const own = await deliver({ from: 'owner2@client.test', to: addr, subject: 'more details' });
    assert.equal(own.ticket_id, first.ticket_id);
  });

  test('a reply that arrives before the mail it answers waits for it and lands in the same ticket', async () => {
    const orig = rawMail({ from: 'fast@client.test', messageId: 'orig-fast@client.test', subject: 'Order 55' });
    const reply = rawMail({ from: 'fast@client.test', inReplyTo: 'orig-fast@client.test', subject: 'Re: Order 55' });
    const r1 = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: reply });
    const r2 = await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: orig });
    const [a, b] = await settled(ctx.deps.db, [r1.mailId, r2.mailId], 30_000);
    assert.equal(a.stage, 'applied');
    assert.equal(a.ticket_id, b.ticket_id);
  });

  test('a reply to a closed ticket opens a follow-up linked to it', async () => {
    const first = await deliver({ from: 'late@client.test', messageId: 'late-1@client.test' });
    await ctx.deps.db.updateTable('tickets').set({ status: 'closed', closed_at: new Date() }).where('id', '=', first.ticket_id!).execute();
    const again = await deliver({ from: 'late@client.test', inReplyTo: 'late-1@client.test' });
    assert.notEqual(again.ticket_id, first.ticket_id);
    const link = await ctx.deps.db.selectFrom('ticket_links').select('kind').where('ticket_id', '=', again.ticket_id!).where('other_ticket_id', '=', first.ticket_id!).executeTakeFirst();
    assert.equal(link?.kind, 'related');
  });
});

describe('robots, bounces and loops', () => {
  test('an auto-reply that answers nothing is ignored; one in a thread is kept and reopens nothing', async () => {
    const ooo = await deliver({ from: 'away@client.test', subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } });
    assert.equal(ooo.stage, 'ignored');
    assert.equal(ooo.reason_code, 'auto_reply');
    const first = await deliver({ from: 'away2@client.test', messageId: 'away2@client.test' });
    await ctx.deps.db.updateTable('tickets').set({ status: 'pending_customer' }).where('id', '=', first.ticket_id!).execute();
    const auto = await deliver({ from: 'away2@client.test', inReplyTo: 'away2@client.test', headers: { 'X-Autoreply': 'yes' } });
    assert.equal(auto.ticket_id, first.ticket_id);
    const t = await ctx.deps.db.selectFrom('tickets').select('status').where('id', '=', first.ticket_id!).executeTakeFirstOrThrow();
    assert.equal(t.status, 'pending_customer');
  });

  test('a delivery status notification is ignored as a bounce', async () => {
    const raw = Buffer.from([
      'From: Mail Delivery System <MAILER-DAEMON@mx.client.test>', 'To: support@desk.test', 'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn1@mx.client.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
      '--B', 'Content-Type: text/plain', '', 'Delivery failed.', '--B', 'Content-Type: message/delivery-status', '',
      'Reporting-MTA: dns; mx.client.test', '', 'Final-Recipient: rfc822; gone@client.test', 'Action: failed', 'Status: 5.1.1', '', '--B--', '',
    ].join('\r\n'));
    const m = await deliver(raw);
    assert.equal(m.stage, 'ignored');
    assert.equal(m.reason_code, 'bounce');
    assert.equal(m.ticket_id, null);
  });

  test('a mail of ours that comes back is ignored', async () => {
    const secret = await mailSecret(ctx.deps.db);
    const m = await deliver({ from: 'support@desk.test', messageId: outboundMessageId(secret, null, '5', 'desk.test') });
    assert.equal(m.stage, 'ignored');
    assert.equal(m.reason_code, 'own_message');
  });

  test("our loop marker marks our own mail; another Slovo's marker is a person writing to us", async () => {
    const secret = await mailSecret(ctx.deps.db);
    const ours = await deliver({ from: 'forwarder@client.test', headers: { 'X-Slovo-Loop': loopMarker(secret) } });
    assert.equal(ours.reason_code, 'own_message');
    const partner = await deliver({ from: 'agent@partner-helpdesk.test', headers: { 'X-Slovo-Loop': 'slovo-0123456789abcdef' } });
    assert.equal(partner.stage, 'applied');
  });

  test('a sender past the rate limit is quarantined as a loop with an alert; an admin can release it', async () => {
    const rows = [];
    for (let i = 0; i < 6; i++) rows.push(await deliver({ from: 'robot@loop.test', subject: `Ticket created #${i}` }));
    assert.equal(rows.filter((r) => r.stage === 'applied').length, 4);
    const q = rows.filter((r) => r.stage === 'quarantined');
    assert.equal(q.length, 2);
    assert.ok(q.every((r) => r.reason_code === 'loop'));
    const alert = await ctx.deps.db.selectFrom('mail_alerts').select(['kind', 'cleared_at']).where('channel_id', '=', channel.id).where('kind', '=', 'loop').executeTakeFirst();
    assert.equal(alert?.cleared_at, null);

    const admin = await ctx.as('admin');
    const list = await admin.get('/api/v1/mail/received?stage=quarantined');
    assert.equal(list.status, 200);
    assert.ok(q.every((r) => list.body.items.some((i: { id: string; reasonCode: string }) => i.id === r.id && i.reasonCode === 'loop')));
    const raw = await admin.get(`/api/v1/mail/received/${q[0].id}/source`);
    assert.equal(raw.status, 200);
    assert.match(raw.raw, /robot@loop\.test/);
    const rel = await admin.post(`/api/v1/mail/received/${q[0].id}/release`);
    assert.equal(rel.status, 202);
    const [after] = await settled(ctx.deps.db, [q[0].id]);
    assert.equal(after.stage, 'applied');
  });

  test('a mail without a usable sender is quarantined with its reason; retry keeps it there; nothing else is touched', async () => {
    const m = await deliver(Buffer.from('To: support@desk.test\r\nSubject: nobody\r\n\r\nwho am I\r\n'));
    assert.equal(m.stage, 'quarantined');
    assert.equal(m.reason_code, 'no_sender');
    const admin = await ctx.as('admin');
    const one = await admin.get(`/api/v1/mail/received/${m.id}`);
    assert.equal(one.body.reasonCode, 'no_sender');
    assert.equal(one.body.receipts.length, 1);
    const r = await admin.post(`/api/v1/mail/received/${m.id}/retry`);
    assert.equal(r.status, 202);
    const [again] = await settled(ctx.deps.db, [m.id]);
    assert.equal(again.stage, 'quarantined');
    const applied = await admin.post(`/api/v1/mail/received/${(await deliver({ from: 'fine@client.test' })).id}/retry`);
    assert.equal(applied.status, 422);
  });
});

describe('what people send that looks like a robot', () => {
  test('X-Auto-Response-Suppress (Outlook) is a person asking not to be auto-answered: the mail becomes a ticket', async () => {
    const m = await deliver({ from: 'outlook@client.test', headers: { 'X-Auto-Response-Suppress': 'All' } });
    assert.equal(m.stage, 'applied');
  });

  test('a bounce forwarded as an attachment by a customer is a request, not a bounce', async () => {
    const raw = Buffer.from([
      'From: sveta@client.test', 'To: support@desk.test', 'Subject: Fwd: my mail bounced, please help', 'Message-ID: <fwd-dsn@client.test>', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="M"', '', '--M', 'Content-Type: text/plain; charset=utf-8', '', 'My mail to a partner bounced, see attached.', '',
      '--M', 'Content-Type: message/rfc822', '',
      'From: MAILER-DAEMON@mx.partner.test', 'Subject: Undelivered Mail', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
      '--B', 'Content-Type: text/plain', '', 'failed', '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.partner.test', '', 'Action: failed', 'Status: 5.1.1', '', '--B--', '',
      '--M--', '',
    ].join('\r\n'));
    const m = await deliver(raw);
    assert.equal(m.stage, 'applied');
  });

  test('a broken UTF-16 subject does not hold back the other mails parsed with it', async () => {
    const bad = rawMail({ from: 'utf16@client.test', subject: '=?UTF-16LE?B?ANhBAA==?=' });
    const goods = Array.from({ length: 3 }, (_, i) => rawMail({ from: `batchmate${i}@client.test` }));
    const ids = [];
    for (const raw of [bad, ...goods]) ids.push((await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw })).mailId);
    const rows = await settled(ctx.deps.db, ids);
    assert.ok(rows.every((r) => r.stage === 'applied'), JSON.stringify(rows.map((r) => [r.stage, r.reason])));
  });

  test('a mail with Sender: but no From: is answered to the Sender', async () => {
    const m = await deliver(Buffer.from('Sender: Only Sender <sender-only@client.test>\r\nTo: support@desk.test\r\nSubject: no from\r\nMessage-ID: <sender-only@client.test>\r\n\r\nhello\r\n'));
    assert.equal(m.stage, 'applied');
  });

  test('a flood from one sender arriving all at once stops at the limit, whatever the batches', async () => {
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await receiveRaw(ctx.deps, { channelId: channel.id, path: 'raw', raw: rawMail({ from: 'burst@robot.test', subject: `burst ${i}` }) })).mailId);
    const rows = await settled(ctx.deps.db, ids);
    assert.equal(rows.filter((r) => r.stage === 'applied').length, 4);
    assert.equal(rows.filter((r) => r.reason_code === 'loop').length, 4);
  });
});

describe('content', () => {
  test('attachments are stored content-addressed and inline images are mapped to them', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const raw = Buffer.from([
      'From: pics@client.test', 'To: support@desk.test', 'Subject: screenshot', 'Message-ID: <pics1@client.test>', 'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="R"', '', '--R', 'Content-Type: text/html; charset=utf-8', '',
      '<p>See <img src="cid:shot1@client.test"> and <img src="https://tracker.test/p.gif"></p><script>alert(1)</script>',
      '--R', 'Content-Type: image/png; name="shot.png"', 'Content-ID: <shot1@client.test>', 'Content-Transfer-Encoding: base64', 'Content-Disposition: inline; filename="shot.png"', '',
      png.toString('base64'), '--R--', '',
    ].join('\r\n'));
    const m = await deliver(raw);
    assert.equal(m.stage, 'applied');
    const att = await ctx.deps.db.selectFrom('attachments').selectAll().where('message_id', '=', m.ticket_message_id!).execute();
    assert.equal(att.length, 1);
    assert.equal(att[0].filename, 'shot.png');
    const msg = await ctx.deps.db.selectFrom('messages').select('body_html').where('id', '=', m.ticket_message_id!).executeTakeFirstOrThrow();
    assert.ok(msg.body_html.includes(`/api/v1/attachments/${att[0].id}`), msg.body_html);
    assert.ok(!msg.body_html.includes('<script'));
    assert.ok(!/\ssrc="https:\/\/tracker/.test(msg.body_html), msg.body_html);
    assert.ok(msg.body_html.includes('data-remote-src="https://tracker.test/p.gif"'), 'remote images are kept, blocked until an agent allows them');
    const agent = await ctx.as('agent');
    const dl = await agent.get(`/api/v1/attachments/${att[0].id}`);
    assert.equal(dl.status, 200);
  });
});
