// Heartbeat probes: a mail to the channel's own address through the outbound path, expected
// back on each inbound path (receiveRaw records mail_probes.seen[path]). A path that missed
// the last two probes that were sent (and had a grace period to arrive) is degraded.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { enqueue } from '../../jobs/boss.ts';
import type { Settings } from '../channels.service.ts';
import { MINUTE } from './rhythm.ts';

export type ProbeState = 'ok' | 'degraded' | 'unknown';
export type ProbeChannel = { id: string; address: string; settings: Settings };

const HEADER = 'X-Slovo-Probe';
const LOOKBACK = 20;

export const probeInterval = (s: Settings) => s.probe?.intervalMinutes ?? 30;
/** Time a sent probe has to come back before it counts as missed. */
export const probeGraceMs = (s: Settings) => Math.min(5 * MINUTE, (probeInterval(s) * MINUTE) / 2);

/** Writes the probe and its outbox row (sent by mail.send). */
export async function sendProbe(deps: Deps, c: ProbeChannel, db: Db = deps.db): Promise<{ token: string; sentAt: Date; outboxId: string }> {
  const token = randomBytes(18).toString('base64url');
  return inTx(db, async (trx) => {
    const p = await trx.insertInto('mail_probes').values({ channel_id: c.id, token }).returning('sent_at').executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('outbox')
      .values({
        to_address: c.address, kind: 'probe', dedupe_key: `probe:${token}`, auto_submitted: true,
        channel_id: c.settings.smtpOut?.host ? c.id : null, // through its own SMTP; without one, whichever can send
        subject: `Slovo probe ${token}`,
        body_text: `Slovo heartbeat probe ${token}. Sent to check that mail to ${c.address} arrives; no ticket is made.\n`,
        headers: JSON.stringify({ [HEADER]: token }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueue(deps, trx, 'mail.send', { outboxId: row.id });
    return { token, sentAt: p.sent_at, outboxId: row.id };
  });
}

/** mail.probe: sends a probe for every active channel whose interval has elapsed. */
export async function runProbes(deps: Deps, now = new Date()): Promise<number> {
  const channels = await deps.db
    .selectFrom('mail_channels')
    .select(['id', 'address', 'settings'])
    .where('active', '=', true)
    .where(sql<boolean>`(settings->'probe'->>'enabled')::boolean is true`)
    .orderBy('id')
    .execute();
  let sent = 0;
  for (const c of channels as ProbeChannel[]) {
    const due = await deps.db.transaction().execute(async (trx) => {
      // one sender per channel at a time
      const locked = await trx.selectFrom('mail_channels').select('id').where('id', '=', c.id).forUpdate().skipLocked().executeTakeFirst();
      if (!locked) return false;
      const last = await trx.selectFrom('mail_probes').select('sent_at').where('channel_id', '=', c.id).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
      // the schedule ticks each minute: allow 30 s of jitter
      if (last && now.getTime() - last.sent_at.getTime() < probeInterval(c.settings) * MINUTE - 30_000) return false;
      await sendProbe(deps, c, trx);
      return true;
    });
    if (due) sent++;
  }
  return sent;
}

export type ProbeView = { lastSentAt: Date | null; paths: Map<string, { lastSeenAt: Date | null; state: ProbeState }>; seenPaths: Set<string> };

/** Probe state of each path in `paths` (and of any path that saw a recent probe). */
export async function probeStates(db: Db, c: ProbeChannel, paths: string[], now: Date): Promise<ProbeView> {
  const rows = await db
    .selectFrom('mail_probes as p')
    .leftJoin('outbox as o', (j) => j.on(sql<boolean>`o.dedupe_key = 'probe:' || p.token`))
    .select(['p.sent_at', 'p.seen', 'o.status', 'o.sent_at as mailed_at'])
    .where('p.channel_id', '=', c.id)
    .orderBy('p.sent_at', 'desc')
    .limit(LOOKBACK)
    .execute();
  const seenPaths = new Set(rows.flatMap((r) => Object.keys(r.seen ?? {})));
  const grace = probeGraceMs(c.settings);
  // a probe counts once it actually left (outbox sent) and had its grace period to come back
  const due = rows.filter((r) => r.status === 'sent' && r.mailed_at && r.mailed_at.getTime() + grace <= now.getTime());
  const out = new Map<string, { lastSeenAt: Date | null; state: ProbeState }>();
  for (const path of new Set([...paths, ...seenPaths])) {
    const seenTimes = rows.map((r) => r.seen?.[path]).filter((v): v is string => !!v).map((v) => new Date(v));
    const lastSeenAt = seenTimes.length ? new Date(Math.max(...seenTimes.map((d) => d.getTime()))) : null;
    const seen = (i: number) => !!due[i]?.seen?.[path];
    let state: ProbeState = 'unknown';
    if (seen(0) || (due.length >= 2 && seen(1))) state = 'ok';
    else if (due.length >= 2) state = 'degraded';
    out.set(path, { lastSeenAt, state });
  }
  return { lastSentAt: rows[0]?.sent_at ?? null, paths: out, seenPaths };
}
