// Who may post mail into a channel over HTTP: the channel's webhook token (Bearer, Basic
// password or ?token=), or for Mailgun its HMAC signature. Compared in constant time.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { safeEqual } from '../../modules/auth/tokens.ts';
import { channelById, type ChannelRow } from '../channels.service.ts';

export type TokenSource = 'bearer' | 'basic' | 'query';

/** The secret the caller presented through one of the allowed places, or null. */
export function presentedToken(req: FastifyRequest, allowed: TokenSource[]): string | null {
  const auth = req.headers.authorization ?? '';
  if (allowed.includes('bearer')) {
    const m = /^Bearer\s+(\S{1,200})$/i.exec(auth);
    if (m) return m[1];
  }
  if (allowed.includes('basic')) {
    const m = /^Basic\s+([A-Za-z0-9+/=]{1,400})$/i.exec(auth);
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) return decoded.slice(colon + 1);
    }
  }
  if (allowed.includes('query')) {
    const t = (req.query as { token?: unknown }).token;
    if (typeof t === 'string' && t) return t;
  }
  return null;
}

// A provider posting many mails a second reads the same channel each time: it is remembered for
// CHANNEL_MEMORY_MS. A change through Slovo (settings, active, a new token) forgets every remembered
// channel at once (channelsChanged); a change made outside this process is seen within the window.
export const CHANNEL_MEMORY_MS = 2000;
const remembered = new Map<string, { c: ChannelRow | null; at: number; epoch: number }>();
let epoch = 0;

/** Call after a change to mail channels has committed. */
export function channelsChanged(): void {
  epoch++;
  remembered.clear();
}

async function rememberedChannel(deps: Deps, channelId: string): Promise<ChannelRow | null> {
  const hit = remembered.get(channelId);
  if (hit && hit.epoch === epoch && Date.now() - hit.at < CHANNEL_MEMORY_MS) return hit.c;
  const e = epoch; // a change that commits while this read runs leaves nothing behind
  const c = await channelById(deps.db, channelId);
  if (remembered.size >= 1000) remembered.clear();
  remembered.set(channelId, { c, at: Date.now(), epoch: e });
  return c;
}

/** The channel when the token matches it; null for an unknown channel or a wrong token (same answer). */
export async function channelForToken(deps: Deps, channelId: string, token: string | null): Promise<ChannelRow | null> {
  const c = /^\d{1,18}$/.test(channelId) ? await rememberedChannel(deps, channelId) : await channelById(deps.db, channelId);
  const expected = c?.webhook_token ?? 'x'.repeat(32);
  const ok = token !== null && safeEqual(token, expected);
  return c && ok ? c : null;
}

export const MAILGUN_MAX_SKEW_S = 15 * 60;

/** Mailgun: hex HMAC-SHA256 of timestamp+token with the signing key, and a fresh timestamp. */
export function mailgunSignatureOk(key: string, timestamp: string, token: string, signature: string, nowS = Date.now() / 1000): 'ok' | 'bad_signature' | 'stale' {
  const expected = createHmac('sha256', key).update(timestamp + token).digest('hex');
  if (!safeEqual(signature.toLowerCase(), expected)) return 'bad_signature';
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowS - ts) > MAILGUN_MAX_SKEW_S) return 'stale';
  return 'ok';
}
