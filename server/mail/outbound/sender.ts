// The outbox sender. A row is claimed (queued → sending, with a 5-minute lease) in a short
// transaction, sent over the channel's SMTP with nodemailer, then marked sent, rescheduled
// (4xx, connection errors) or failed for good (5xx, too many attempts). The Message-ID is
// fixed at the first claim, so every retry is the same mail to the recipient.
import { sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { z } from 'zod';
import type { SmtpOutSettings } from '../../../api/mail.ts';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { enqueue } from '../../jobs/boss.ts';
import type { Settings } from '../channels.service.ts';
import { markPathError, markPathOk } from '../health/path-state.ts';
import { loopMarker, mailSecret, outboundMessageId, replyAddress } from '../reply-token.ts';
import { anyChannelCanSend } from './queue.ts';

/** Minutes to wait after the n-th failed attempt; after MAX_ATTEMPTS the row fails. */
export const BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720];
export const MAX_ATTEMPTS = 8;
/** A claimed row not finished within this is taken to be lost (crash) and sent again. */
export const LEASE_MINUTES = 5;
/** With no channel able to send, the row waits this long before the next look. */
export const NO_CHANNEL_WAIT_MINUTES = 5;
export const NO_CHANNEL = 'no active mail channel with outgoing SMTP (settings.smtpOut) to send from';

/** Kinds addressed to staff: no ticket token, no threading into the customer's conversation. */
// merged: the other ticket may be another customer's, so its Message-IDs must not travel in References
const STAFF_KINDS = new Set(['assigned', 'health_alert', 'probe', 'merged']);
/** Kinds that are automatic notices (RFC 3834 Auto-Submitted) even when the writer did not say so. */
const AUTO_KINDS = new Set(['ack', 'assigned', 'merged', 'magic_link', 'alert', 'health_alert', 'probe']);

type OutboxRow = {
  id: string; to_address: string; subject: string; body_text: string; body_html: string | null; kind: string;
  ticket_id: string | null; status: string; attempts: number; channel_id: string | null; message_id: string | null;
  in_reply_to: string | null; references: string[]; ticket_message_id: string | null; auto_submitted: boolean;
  headers: Record<string, string>;
};
type SendChannel = { id: string; address: string; settings: Settings & { smtpOut: z.infer<typeof SmtpOutSettings> } };

export type SendResult = 'sent' | 'retry' | 'failed' | 'skipped' | 'no_channel';

export { loopMarker }; // one definition, in reply-token.ts (threading checks it)

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);
const hasSmtp = (c: { active: boolean; settings: unknown }) => c.active && !!(c.settings as Settings | null)?.smtpOut?.host;

/** The row's channel; else the channel the ticket's mail came in by; else the first that can send. */
async function resolveChannel(db: Db, row: OutboxRow): Promise<SendChannel | null> {
  if (row.channel_id) {
    const c = await db.selectFrom('mail_channels').select(['id', 'address', 'active', 'settings']).where('id', '=', row.channel_id).executeTakeFirst();
    return c && hasSmtp(c) ? (c as unknown as SendChannel) : null;
  }
  const candidates = row.ticket_id
    ? await db
        .selectFrom('inbound_mails as im')
        .innerJoin('mail_channels as c', 'c.id', 'im.channel_id')
        .select(['c.id', 'c.address', 'c.active', 'c.settings'])
        .where('im.ticket_id', '=', row.ticket_id)
        .orderBy('im.id', 'desc')
        .limit(20)
        .execute()
    : [];
  const fromTicket = candidates.find(hasSmtp);
  if (fromTicket) return fromTicket as unknown as SendChannel;
  const any = await db
    .selectFrom('mail_channels')
    .select(['id', 'address', 'active', 'settings'])
    .where('active', '=', true)
    .where(sql<boolean>`coalesce(settings->'smtpOut'->>'host', '') <> ''`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return (any as SendChannel | undefined) ?? null;
}

/** In-Reply-To: the newest mail the customer sent on the ticket; References: the thread so far (≤ 10). */
async function threading(db: Db, ticketId: string): Promise<{ inReplyTo: string | null; references: string[] }> {
  const ids = await db
    .selectFrom('mail_message_ids')
    .select(['message_id', 'direction', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('message_id')
    .limit(500)
    .execute();
  const lastIn = [...ids].reverse().find((r) => r.direction === 'in');
  const all = ids.map((r) => r.message_id);
  const references = all.length <= 10 ? all : [all[0], ...all.slice(-9)];
  return { inReplyTo: lastIn?.message_id ?? references.at(-1) ?? null, references };
}

type Claim = { row: OutboxRow; channel: SendChannel; attempt: number } | 'skipped' | 'no_channel' | 'failed';

async function claim(deps: Deps, id: string, secret: string): Promise<Claim> {
  return deps.db.transaction().execute(async (trx) => {
    const row = (await trx
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'sending'])
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()) as OutboxRow | undefined;
    if (!row) return 'skipped';
    if (row.attempts >= MAX_ATTEMPTS) {
      await fail(trx, row, row.attempts, `gave up after ${row.attempts} attempts${row.status === 'sending' ? ' (the last one did not finish)' : ''}`);
      return 'failed';
    }
    const channel = await resolveChannel(trx, row);
    if (!channel) {
      await trx
        .updateTable('outbox')
        .set({ status: 'queued', last_error: NO_CHANNEL, next_attempt_at: sql`now() + make_interval(mins => ${NO_CHANNEL_WAIT_MINUTES})` })
        .where('id', '=', id)
        .execute();
      return 'no_channel';
    }
    const staff = STAFF_KINDS.has(row.kind);
    const first = !row.message_id;
    if (first) {
      row.message_id = outboundMessageId(secret, staff ? null : row.ticket_id, row.id, domainOf(channel.address));
      if (row.ticket_id && !staff) {
        if (!row.in_reply_to && !row.references.length) {
          const t = await threading(trx, row.ticket_id);
          row.in_reply_to = t.inReplyTo;
          row.references = t.references;
        }
        const requester = await trx.selectFrom('tickets').select('requester_id').where('id', '=', row.ticket_id).executeTakeFirst();
        await trx
          .insertInto('mail_message_ids')
          .values({ message_id: row.message_id, ticket_id: row.ticket_id, message_id_ref: row.ticket_message_id, direction: 'out', customer_id: requester?.requester_id ?? null })
          .onConflict((oc) => oc.column('message_id').doNothing())
          .execute();
      }
    }
    const attempt = row.attempts + 1;
    await trx
      .updateTable('outbox')
      .set({
        status: 'sending', attempts: attempt, channel_id: row.channel_id ?? channel.id, message_id: row.message_id,
        in_reply_to: row.in_reply_to, references: row.references,
        next_attempt_at: sql`now() + make_interval(mins => ${LEASE_MINUTES})`,
      })
      .where('id', '=', id)
      .execute();
    return { row, channel, attempt };
  });
}

/** Status failed for good; the ticket shows it. */
async function fail(db: Db, row: OutboxRow, attempts: number, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', permanent: true, attempts, last_error: error.slice(0, 2000) })
    .where('id', '=', row.id)
    .execute();
  if (row.ticket_id) {
    await db.insertInto('ticket_events').values({
      ticket_id: row.ticket_id, actor_type: 'system', kind: 'mail_failed', created_at: new Date(),
      data: JSON.stringify({ outboxId: row.id, kind: row.kind, to: row.to_address, attempts, error: error.slice(0, 500) }),
    }).execute();
  }
}

function composeMail(row: OutboxRow, channel: SendChannel, secret: string, attachments: { filename: string; content_type: string; data: Buffer }[]) {
  const staff = STAFF_KINDS.has(row.kind);
  const auto = row.auto_submitted || AUTO_KINDS.has(row.kind);
  const headers: Record<string, string> = { ...(row.headers ?? {}), 'X-Slovo-Loop': loopMarker(secret) };
  if (auto) Object.assign(headers, { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' });
  const name = channel.settings.smtpOut.fromName;
  const from = name ? { name, address: channel.address } : channel.address;
  const useToken = channel.settings.replyToToken && row.ticket_id && !staff;
  return {
    from,
    to: row.to_address,
    subject: row.subject,
    text: row.body_text,
    ...(row.body_html ? { html: row.body_html } : {}),
    messageId: `<${row.message_id}>`,
    ...(row.in_reply_to ? { inReplyTo: `<${row.in_reply_to}>` } : {}),
    ...(row.references.length ? { references: row.references.map((r) => `<${r}>`) } : {}),
    ...(useToken ? { replyTo: name ? { name, address: replyAddress(secret, channel.address, row.ticket_id!) } : replyAddress(secret, channel.address, row.ticket_id!) } : {}),
    headers,
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.content_type, content: a.data })),
  };
}

type Pooled = { transport: Transporter; key: string; idle: NodeJS.Timeout | null; busy: number };
const transports = new Map<string, Pooled>();
const IDLE_CLOSE_MS = 30_000;

/** One pooled SMTP transport per channel (a few connections, reused), closed when idle or when the settings change. */
function transportFor(channel: SendChannel): Pooled {
  const s = channel.settings.smtpOut;
  const key = JSON.stringify(s);
  let p = transports.get(channel.id);
  if (p && p.key !== key) {
    const old = p;
    transports.delete(channel.id);
    p = undefined;
    void (async () => { // settings changed: the old pool ends after its mails in flight
      while (old.busy > 0) await new Promise((r) => setTimeout(r, 50));
      old.transport.close();
    })();
  }
  if (!p) {
    const transport = nodemailer.createTransport({
      pool: true, maxConnections: 3, maxMessages: 100, maxRequeues: 0, // retries are the outbox's job, counted and backed off
      host: s.host, port: s.port ?? 587, secure: s.secure ?? false,
      requireTLS: s.starttls === 'require', ignoreTLS: s.starttls === 'never',
      tls: { rejectUnauthorized: s.checkCertificate !== false },
      ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
      connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000,
    });
    p = { transport, key, idle: null, busy: 0 };
    transports.set(channel.id, p);
  }
  if (p.idle) clearTimeout(p.idle);
  p.idle = null;
  return p;
}

/** After the last mail in flight: close the pool when nothing else comes within IDLE_CLOSE_MS. */
function armIdle(channelId: string, p: Pooled): void {
  if (p.busy > 0) return;
  if (p.idle) clearTimeout(p.idle);
  p.idle = setTimeout(() => {
    if (p.busy > 0) return;
    if (transports.get(channelId) === p) transports.delete(channelId);
    p.transport.close();
  }, IDLE_CLOSE_MS);
  p.idle.unref();
}

/** Sends over the channel's pool; the pool is not closed under a mail in flight. */
async function smtpSend(channel: SendChannel, mail: Parameters<Transporter['sendMail']>[0]): Promise<void> {
  const p = transportFor(channel);
  p.busy++;
  try {
    await p.transport.sendMail(mail);
  } finally {
    p.busy--;
    armIdle(channel.id, p);
  }
}

/** Closes every pooled SMTP connection (on shutdown), after the mails in flight (up to 20 s). */
export async function closeTransports(): Promise<void> {
  const all = [...transports.values()];
  transports.clear();
  const end = Date.now() + 20_000;
  while (all.some((p) => p.busy > 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  for (const p of all) {
    if (p.idle) clearTimeout(p.idle);
    p.transport.close();
  }
}

/** 5xx replies and unusable addresses are final (not a failed login: the admin can fix the password); the rest is worth a retry. */
function classify(e: unknown): { permanent: boolean; error: string } {
  const err = e as { responseCode?: number; code?: string; response?: string; message?: string };
  const error = (err.response || err.message || String(e)).replace(/\s+/g, ' ').trim();
  const permanent =
    (typeof err.responseCode === 'number' && err.responseCode >= 500 && err.code !== 'EAUTH') ||
    (err.code === 'EENVELOPE' && err.responseCode === undefined); // an address no server would take
  return { permanent, error: err.code && !error.includes(err.code) ? `${err.code}: ${error}` : error };
}

const okWritten = new Map<string, number>();
/** Records a working outbound path, at most every 10 s per channel (one hot row otherwise). */
async function outboundOk(deps: Deps, channelId: string): Promise<void> {
  const last = okWritten.get(channelId) ?? 0;
  if (Date.now() - last < 10_000) return;
  okWritten.set(channelId, Date.now());
  await markPathOk(deps.db, channelId, 'outbound').catch(() => {});
}

/** Tries to send one outbox row now. Safe to call from any number of workers at once. */
export async function sendOne(deps: Deps, outboxId: string): Promise<SendResult> {
  const secret = await mailSecret(deps.db);
  const c = await claim(deps, outboxId, secret);
  if (typeof c === 'string') return c;
  const { row, channel, attempt } = c;
  // a row another worker took over after our lease ran out is not ours to finish
  const mine = (db: Db) => db.updateTable('outbox').where('id', '=', row.id).where('status', '=', 'sending').where('attempts', '=', attempt);
  let outcome: { ok: true } | { ok: false; permanent: boolean; error: string };
  try {
    const attachments = row.ticket_message_id
      ? await deps.db
          .selectFrom('attachments as a')
          .innerJoin('blobs as b', 'b.sha256', 'a.blob_sha256')
          .select(['a.filename', 'a.content_type', 'b.data'])
          .where('a.message_id', '=', row.ticket_message_id)
          .orderBy('a.id')
          .execute()
      : [];
    await smtpSend(channel, composeMail(row, channel, secret, attachments));
    outcome = { ok: true };
  } catch (e) {
    outcome = { ok: false, ...classify(e) };
  }

  if (outcome.ok) {
    await mine(deps.db).set({ status: 'sent', sent_at: new Date(), last_error: null }).execute();
    await outboundOk(deps, channel.id);
    return 'sent';
  }
  // the server or the connection failed (not the recipient): channel health watches this
  if (!outcome.permanent) await markPathError(deps.db, channel.id, 'outbound', outcome.error).catch(() => {});
  if (outcome.permanent || attempt >= MAX_ATTEMPTS) {
    const why = outcome.permanent ? outcome.error : `gave up after ${attempt} attempts: ${outcome.error}`;
    const done = await deps.db.transaction().execute(async (trx) => {
      const r = await mine(trx).set({ status: 'failed' }).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await fail(trx, row, attempt, why);
      return true;
    });
    return done ? 'failed' : 'skipped';
  }
  const wait = BACKOFF_MINUTES[Math.min(attempt, BACKOFF_MINUTES.length) - 1];
  await mine(deps.db)
    .set({ status: 'queued', last_error: outcome.error.slice(0, 2000), next_attempt_at: sql`now() + make_interval(mins => ${wait})` })
    .execute();
  // on time without waiting for the sweep; the sweep is the safety net
  await enqueue(deps, deps.db, 'mail.send', { outboxId: row.id }, { startAfter: wait * 60 + 1 }).catch(() => {});
  return 'retry';
}

/** Sends every due row (queued and due, or sending with an expired lease). Returns what happened. */
export async function sweepOutbox(deps: Deps, opts: { budgetMs?: number; parallel?: number } = {}): Promise<Record<SendResult, number>> {
  const started = Date.now();
  const budget = opts.budgetMs ?? 50_000;
  const counts: Record<SendResult, number> = { sent: 0, retry: 0, failed: 0, skipped: 0, no_channel: 0 };
  if (!(await anyChannelCanSend(deps.db))) {
    // nothing can send at all: note it on every due row in one statement
    const r = await deps.db
      .updateTable('outbox')
      .set({ status: 'queued', last_error: NO_CHANNEL, next_attempt_at: sql`now() + make_interval(mins => ${NO_CHANNEL_WAIT_MINUTES})` })
      .where('status', 'in', ['queued', 'sending'])
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .executeTakeFirst();
    counts.no_channel = Number(r.numUpdatedRows);
    return counts;
  }
  const seen = new Set<string>();
  while (Date.now() - started < budget && seen.size < 5000) {
    const due = await deps.db
      .selectFrom('outbox')
      .select('id')
      .where('status', 'in', ['queued', 'sending'])
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .$if(seen.size > 0, (q) => q.where('id', 'not in', [...seen]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(50)
      .execute();
    if (!due.length) break;
    const queue = due.map((r) => r.id);
    queue.forEach((id) => seen.add(id));
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) counts[await sendOne(deps, id)]++;
    };
    await Promise.all(Array.from({ length: opts.parallel ?? 4 }, worker));
  }
  return counts;
}
