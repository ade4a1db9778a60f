// Signed reply tokens: our outbound Message-IDs (and optionally the Reply-To plus-address)
// carry the ticket id and an HMAC, so a reply threads by proof, not by a subject anyone can type.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/db.ts';

const SECRET_KEY = 'mail.secret';
const cache = new WeakMap<object, string>();

/** The instance's HMAC secret, created once and kept in settings. */
export async function mailSecret(db: Db): Promise<string> {
  const hit = cache.get(db);
  if (hit) return hit;
  await db
    .insertInto('settings')
    .values({ key: SECRET_KEY, value: JSON.stringify(randomBytes(32).toString('hex')), updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirstOrThrow();
  const secret = row.value as string;
  cache.set(db, secret);
  return secret;
}

const sign = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex').slice(0, 20);

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Message-ID (without <>) for an outbound mail: slovo.<ticket>.<outbox>.<sig>@<domain>. */
export function outboundMessageId(secret: string, ticketId: string | null, outboxId: string, domain: string): string {
  const t = ticketId ?? '0';
  return `slovo.${t}.${outboxId}.${sign(secret, `mid:${t}.${outboxId}`)}@${domain}`;
}

/** The ticket id a Message-ID of ours proves, or null (not ours, or the signature is wrong). */
export function ticketFromMessageId(secret: string, messageId: string): string | null {
  const m = /^slovo\.(\d{1,18})\.(\d{1,18})\.([0-9a-f]{20})@/i.exec(messageId.trim());
  if (!m || m[1] === '0') return null;
  return same(m[3].toLowerCase(), sign(secret, `mid:${m[1]}.${m[2]}`)) ? m[1] : null;
}

/** True when the Message-ID was minted by this instance (any ticket), signature checked. */
export function isOwnMessageId(secret: string, messageId: string): boolean {
  const m = /^slovo\.(\d{1,18})\.(\d{1,18})\.([0-9a-f]{20})@/i.exec(messageId.trim());
  return !!m && same(m[3].toLowerCase(), sign(secret, `mid:${m[1]}.${m[2]}`));
}

/** support@x → support+t<ticket>-<sig>@x, for mail clients that drop threading headers. */
export function replyAddress(secret: string, address: string, ticketId: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+t${ticketId}-${sign(secret, `addr:${ticketId}`).slice(0, 12)}${address.slice(at)}`;
}

/** The ticket id a plus-address proves, or null. */
export function ticketFromAddress(secret: string, address: string): string | null {
  const m = /\+t(\d{1,18})-([0-9a-f]{12})@/i.exec(address);
  if (!m) return null;
  return same(m[2].toLowerCase(), sign(secret, `addr:${m[1]}`).slice(0, 12)) ? m[1] : null;
}

/** support+anything@x → support@x */
export function baseAddress(address: string): string {
  return address.toLowerCase().replace(/\+[^@]*@/, '@');
}

/** The value of X-Slovo-Loop: the same on every mail of this instance, meaningless elsewhere. */
export function loopMarker(secret: string): string {
  return `slovo-${createHmac('sha256', secret).update('loop').digest('hex').slice(0, 16)}`;
}
