// The mail.health sweep: for each active channel and path, open or clear alerts for
// silence, fetch/send errors and missed probes; admins get a mail when one opens or clears.
import { sql } from 'kysely';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { clearAlert, raiseAlert } from './alerts.ts';
import { assessChannel, type HealthChannel } from './assess.ts';
import { notifyAdmins } from './notify.ts';

type Open = { id: string; path: string | null; kind: string };
export type CheckResult = { raised: { channelId: string; path: string | null; kind: string }[]; cleared: { channelId: string; path: string | null; kind: string }[] };

const fmt = (m: number) => (m >= 120 ? `${Math.round(m / 60)} h` : `${m} min`);

export async function runHealthCheck(deps: Deps, now = new Date()): Promise<CheckResult> {
  const out: CheckResult = { raised: [], cleared: [] };
  // a switched-off channel has nothing to watch
  await deps.db.updateTable('mail_alerts').set({ cleared_at: now })
    .where('cleared_at', 'is', null)
    .where('channel_id', 'in', (eb) => eb.selectFrom('mail_channels').select('id').where('active', '=', false))
    .execute();
  const channels = (await deps.db.selectFrom('mail_channels').select(['id', 'name', 'address', 'settings', 'created_at', 'updated_at']).where('active', '=', true).orderBy('id').execute()) as HealthChannel[];
  for (const c of channels) {
    try {
      await checkChannel(deps, c, now, out);
    } catch (e) {
      deps.log.error({ err: e, channelId: c.id }, 'mail health check failed');
    }
  }
  await otherAlerts(deps, now, out);
  return out;
}

/** Kinds this sweep opens and clears itself. */
const OWN = ['silence', 'fetch_error', 'send_error', 'probe_missed'];
/** An alert raised elsewhere (e.g. a mail loop) clears after this long without a new occurrence. */
export const QUIET_CLEAR_MINUTES = 60;
/** New alerts raised elsewhere are mailed by the next sweeps within this long. */
const NOTIFY_NEW_MINUTES = 10;

async function otherAlerts(deps: Deps, now: Date, out: CheckResult): Promise<void> {
  const rows = await deps.db
    .selectFrom('mail_alerts as a')
    .innerJoin('mail_channels as c', 'c.id', 'a.channel_id')
    .select(['a.id', 'a.channel_id', 'a.path', 'a.kind', 'a.message', 'a.opened_at', 'a.last_seen_at', 'c.name', 'c.address'])
    .where('a.cleared_at', 'is', null)
    .where('a.kind', 'not in', OWN)
    .orderBy('a.id')
    .limit(500)
    .execute();
  for (const a of rows) {
    const mail = { alertId: a.id, channelId: a.channel_id, channelName: a.name, address: a.address, path: a.path, kind: a.kind, message: a.message };
    if (now.getTime() - a.last_seen_at.getTime() >= QUIET_CLEAR_MINUTES * 60_000) {
      const cleared = await inTx(deps.db, async (trx) => {
        const u = await trx.updateTable('mail_alerts').set({ cleared_at: now }).where('id', '=', a.id).where('cleared_at', 'is', null).where('last_seen_at', '=', a.last_seen_at).executeTakeFirst();
        if (!Number(u.numUpdatedRows)) return false;
        await notifyAdmins(trx, deps, mail, 'cleared');
        return true;
      });
      if (cleared) out.cleared.push({ channelId: a.channel_id, path: a.path, kind: a.kind });
    } else if (now.getTime() - a.opened_at.getTime() < NOTIFY_NEW_MINUTES * 60_000) {
      // idempotent per alert and admin: only the first sweep mails
      if (await inTx(deps.db, (trx) => notifyAdmins(trx, deps, mail, 'open'))) out.raised.push({ channelId: a.channel_id, path: a.path, kind: a.kind });
    }
  }
}

async function checkChannel(deps: Deps, c: HealthChannel, now: Date, out: CheckResult): Promise<void> {
  const a = await assessChannel(deps, c, now);
  const open = (await deps.db.selectFrom('mail_alerts').select(['id', 'path', 'kind']).where('channel_id', '=', c.id).where('cleared_at', 'is', null).execute()) as Open[];
  const isOpen = (path: string | null, kind: string) => open.some((o) => o.path === path && o.kind === kind);

  /** Was the alert mailed to the admins as open? (a quiet alert was not) */
  const mailedOpen = async (trx: typeof deps.db, alertId: string) =>
    !!(await trx.selectFrom('outbox').select('id').where('kind', '=', 'health_alert').where('dedupe_key', 'like', `health:${alertId}:open:%`).limit(1).executeTakeFirst());

  // quiet: recorded and shown, not mailed (the path's fetch error already told the admins why)
  const set = async (on: boolean, path: string | null, kind: string, message: string, data: Record<string, unknown>, quiet = false) => {
    if (on) {
      const isNew = await inTx(deps.db, async (trx) => {
        const inserted = await raiseAlert(trx, { channelId: c.id, path, kind, message, data });
        if (quiet && !inserted) return false;
        const row = await trx.selectFrom('mail_alerts').select('id').where('channel_id', '=', c.id).where(sql<boolean>`coalesce(path, '') = ${path ?? ''}`).where('kind', '=', kind).where('cleared_at', 'is', null).executeTakeFirstOrThrow();
        // an alert raised quietly is mailed once its reason is gone and it is still open
        if (!quiet && (inserted || !(await mailedOpen(trx, row.id)))) {
          await notifyAdmins(trx, deps, { alertId: row.id, channelId: c.id, channelName: c.name, address: c.address, path, kind, message }, 'open');
        }
        return inserted;
      });
      if (isNew) out.raised.push({ channelId: c.id, path, kind });
    } else if (isOpen(path, kind)) {
      const cleared = await inTx(deps.db, async (trx) => {
        const row = await trx.selectFrom('mail_alerts').select(['id', 'message']).where('channel_id', '=', c.id).where(sql<boolean>`coalesce(path, '') = ${path ?? ''}`).where('kind', '=', kind).where('cleared_at', 'is', null).forUpdate().executeTakeFirst();
        if (!row || !(await clearAlert(trx, c.id, path, kind))) return false;
        if (await mailedOpen(trx, row.id)) {
          await notifyAdmins(trx, deps, { alertId: row.id, channelId: c.id, channelName: c.name, address: c.address, path, kind, message: row.message }, 'cleared');
        }
        return true;
      });
      if (cleared) out.cleared.push({ channelId: c.id, path, kind });
    }
  };

  for (const p of a.paths) {
    // a failing fetch comes first: silence and missed probes on that path follow from it and stay quiet
    const fetchOn = p.errorAlert || (p.failing && isOpen(p.path, 'fetch_error'));
    await set(fetchOn, p.path, 'fetch_error',
      `${p.path} fails since ${(p.lastOkAt ?? c.updated_at).toISOString()}: ${p.lastError ?? 'unknown error'}`,
      { lastError: p.lastError, lastErrorAt: p.lastErrorAt?.toISOString() ?? null, lastOkAt: p.lastOkAt?.toISOString() ?? null });
    const s = p.silence;
    await set(s.abnormal, p.path, 'silence',
      `No mail on ${p.path} for ${fmt(s.silentMinutes)} (since ${s.since.toISOString()}); normal here is up to ${fmt(s.minutes)} (${s.source}).`,
      { since: s.since.toISOString(), silentMinutes: s.silentMinutes, limitMinutes: s.minutes, source: s.source }, fetchOn);
    const probe = p.probe?.state;
    if (probe !== 'unknown') {
      await set(probe === 'degraded', p.path, 'probe_missed',
        `${p.path} missed the last 2 heartbeat probes${p.probe?.lastSeenAt ? ` (last seen ${p.probe.lastSeenAt.toISOString()})` : ''}.`,
        { lastSeenAt: p.probe?.lastSeenAt?.toISOString() ?? null }, fetchOn);
    }
  }
  for (const s of a.senders) {
    await set(s.errorAlert || (s.failing && isOpen(s.path, 'send_error')), s.path, 'send_error',
      `Sending fails since ${(s.lastOkAt ?? c.updated_at).toISOString()}: ${s.lastError ?? 'unknown error'}`,
      { lastError: s.lastError, lastErrorAt: s.lastErrorAt?.toISOString() ?? null });
  }
  // alerts on paths no longer watched (probes switched off, path gone) close quietly
  const watched = new Set(a.paths.map((p) => p.path));
  for (const o of open) {
    const gone = (o.kind === 'probe_missed' && !a.probes) || (['silence', 'fetch_error', 'probe_missed'].includes(o.kind) && o.path !== null && !watched.has(o.path));
    if (gone) await clearAlert(deps.db, c.id, o.path, o.kind);
  }
}
