// Test helpers for the mail channel: build raw mails, make a channel, wait for the pipeline.
import type { Db } from '../../db/db.ts';

export type MailSpec = {
  from?: string; to?: string; subject?: string; messageId?: string | null; inReplyTo?: string; references?: string;
  headers?: Record<string, string>; body?: string; date?: string;
};

let seq = 0;
export function rawMail(s: MailSpec = {}): Buffer {
  const n = ++seq;
  const lines = [
    `From: ${s.from ?? 'Anna <anna@client.test>'}`,
    `To: ${s.to ?? 'support@desk.test'}`,
    `Subject: ${s.subject ?? `Question ${n}`}`,
    `Date: ${s.date ?? 'Wed, 02 Dec 2026 10:00:00 +0300'}`,
  ];
  if (s.messageId !== null) lines.push(`Message-ID: <${s.messageId ?? `m${n}.${Date.now()}@client.test`}>`);
  if (s.inReplyTo) lines.push(`In-Reply-To: <${s.inReplyTo}>`);
  if (s.references) lines.push(`References: ${s.references}`);
  for (const [k, v] of Object.entries(s.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', s.body ?? `Hello, body ${n}.`, '');
  return Buffer.from(lines.join('\r\n'));
}

export async function makeChannel(db: Db, address = `support${++seq}@desk.test`, settings: Record<string, unknown> = {}): Promise<{ id: string; address: string }> {
  const r = await db.insertInto('mail_channels').values({ name: 'Support', address, webhook_token: `tok${seq}${'x'.repeat(30)}`, settings: JSON.stringify(settings) }).returning(['id', 'address']).executeTakeFirstOrThrow();
  return r;
}

const TERMINAL = ['applied', 'duplicate', 'ignored', 'quarantined'];

/** Waits until the mails reached a terminal stage; returns their rows. */
export async function settled(db: Db, ids: string[], ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const rows = await db.selectFrom('inbound_mails').select(['id', 'stage', 'reason_code', 'reason', 'ticket_id', 'ticket_message_id', 'duplicate_of']).where('id', 'in', ids).execute();
    if (rows.length === ids.length && rows.every((r) => TERMINAL.includes(r.stage))) return ids.map((id) => rows.find((r) => r.id === id)!);
    if (Date.now() > until) throw new Error(`mails not settled: ${JSON.stringify(rows.map((r) => [r.id, r.stage, r.reason]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
