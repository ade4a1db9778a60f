// The health of one channel, path by path, at a moment: what the sweep alerts on and what
// the health API shows.
import type { Deps } from '../../deps.ts';
import type { Settings } from '../channels.service.ts';
import { arrivalsSince, deliveredPaths, lastArrival, rhythmFor } from './history.ts';
import { probeStates, type ProbeState, type ProbeView } from './probes.ts';
import { hourlyProfile, MINUTE, RHYTHM, silenceLimit, type SilenceLimit } from './rhythm.ts';

export type HealthChannel = { id: string; name: string; address: string; settings: Settings; created_at: Date; updated_at: Date };

export const DEFAULT_FETCH_ERROR_MINUTES = 5;
/** Paths that are not a mailbox feed: no rhythm, no probes (hand uploads). */
const NOT_FED = new Set(['upload', 'outbound']);

export type PathAssessment = {
  path: string;
  lastArrivalAt: Date | null;
  lastOkAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  failing: boolean;
  /** Failing for longer than the channel allows. */
  errorAlert: boolean;
  /** watched: false for a path that is no feed (a few mails in the learning window, not configured). */
  silence: SilenceLimit & { since: Date; silentMinutes: number; abnormal: boolean; watched: boolean };
  rhythm: (number | null)[] | null;
  probe: { lastSeenAt: Date | null; state: ProbeState } | null; // null: probes off
};

export type ChannelAssessment = {
  /** The zone of the rhythm's hours of week. */
  timeZone: string;
  paths: PathAssessment[];
  /** Paths that only send (outbound): error state only. */
  senders: { path: string; failing: boolean; errorAlert: boolean; lastError: string | null; lastErrorAt: Date | null; lastOkAt: Date | null }[];
  probes: ProbeView | null;
};

export async function assessChannel(deps: Deps, c: HealthChannel, now: Date): Promise<ChannelAssessment> {
  const states = await deps.db.selectFrom('mail_path_state').selectAll().where('channel_id', '=', c.id).execute();
  const byPath = new Map(states.map((s) => [s.path, s]));
  const inbound = new Set([...states.map((s) => s.path), ...(await deliveredPaths(deps.db, c.id))].filter((p) => !NOT_FED.has(p)));
  if (c.settings.imap) inbound.add('imap');
  const errorMs = (c.settings.health?.fetchErrorMinutes ?? DEFAULT_FETCH_ERROR_MINUTES) * MINUTE;

  const errorOf = (path: string) => {
    const s = byPath.get(path);
    const failing = !!s?.last_error_at && (!s.last_ok_at || s.last_error_at > s.last_ok_at);
    // failing since the last success (or since the channel was last configured)
    const since = s?.last_ok_at ?? c.updated_at;
    return {
      failing, errorAlert: failing && now.getTime() - since.getTime() >= errorMs,
      lastError: s?.last_error ?? null, lastErrorAt: s?.last_error_at ?? null, lastOkAt: s?.last_ok_at ?? null,
    };
  };

  const probesOn = !!c.settings.probe?.enabled;
  const probes = probesOn ? await probeStates(deps.db, c, [...inbound], now) : null;
  if (probes) for (const p of probes.seenPaths) if (!NOT_FED.has(p)) inbound.add(p);

  const configured = c.settings.health?.silenceMinutes;
  const timeZone = c.settings.health?.timeZone ?? 'UTC';
  const paths: PathAssessment[] = [];
  for (const path of [...inbound].sort()) {
    const last = await lastArrival(deps.db, c.id, path);
    const rhythm = configured === undefined ? await rhythmFor(deps, c.id, path, now, timeZone) : null;
    const since = last ?? c.updated_at; // never delivered: count from when it was configured
    const limit = silenceLimit(rhythm, since, configured);
    // a path used once or twice (a test webhook) is no feed: its silence means nothing
    const watched = !!rhythm || (path === 'imap' && !!c.settings.imap) ||
      (await arrivalsSince(deps.db, c.id, path, new Date(now.getTime() - RHYTHM.windowDays * 24 * 60 * MINUTE), RHYTHM.minArrivals)) >= RHYTHM.minArrivals;
    paths.push({
      path, lastArrivalAt: last, ...errorOf(path),
      silence: { ...limit, since, silentMinutes: Math.max(0, Math.floor((now.getTime() - since.getTime()) / MINUTE)), abnormal: watched && now >= limit.deadline, watched },
      rhythm: rhythm ? hourlyProfile(rhythm) : null,
      // probes are expected back on every feed, and on any path that ever brought one
      probe: !probes ? null : watched || probes.seenPaths.has(path) ? (probes.paths.get(path) ?? { lastSeenAt: null, state: 'unknown' }) : { lastSeenAt: null, state: 'unknown' },
    });
  }
  const senders = byPath.has('outbound') ? [{ path: 'outbound', ...errorOf('outbound') }] : [];
  return { timeZone, paths, senders, probes };
}
