// Arrival history from mail_receipts, read through the (channel_id, path, received_at) index:
// hourly aggregates for learning (at most windowDays × 24 rows) and the last arrival.
// Probe receipts are left out: they would make quiet hours look busy.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { learnRhythm, MINUTE, RHYTHM, WEEK_ORIGIN, type HourRow, type Rhythm } from './rhythm.ts';

const ORIGIN = new Date(WEEK_ORIGIN).toISOString();

/** Hourly arrivals in [from, to): count, first, last, and the largest gap ending in the hour. */
export async function hourRows(db: Db, channelId: string, path: string, from: Date, to: Date): Promise<HourRow[]> {
  const r = await sql<{ hour: Date; count: number; first: Date; last: Date; max_gap_ms: number | null }>`
    select date_bin('1 hour', received_at, ${ORIGIN}::timestamptz) as hour, count(*)::int as count,
           min(received_at) as first, max(received_at) as last,
           (extract(epoch from max(gap)) * 1000)::float8 as max_gap_ms
    from (
      select received_at, received_at - lag(received_at) over (order by received_at) as gap
      from mail_receipts
      where channel_id = ${channelId} and path = ${path} and not probe
        and received_at >= ${from} and received_at < ${to}
    ) r
    group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({ hour: x.hour, count: x.count, first: x.first, last: x.last, maxGapMs: x.max_gap_ms }));
}

/** Real arrivals since `from`, counted up to `cap`. */
export async function arrivalsSince(db: Db, channelId: string, path: string, from: Date, cap: number): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from mail_receipts
      where channel_id = ${channelId} and path = ${path} and not probe and received_at >= ${from}
      limit ${cap}
    ) x`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Every path that ever delivered to the channel (a skip scan over the receipts index). */
export async function deliveredPaths(db: Db, channelId: string): Promise<string[]> {
  const r = await sql<{ path: string }>`
    with recursive p as (
      (select path from mail_receipts where channel_id = ${channelId} order by path limit 1)
      union all
      select (select m.path from mail_receipts m where m.channel_id = ${channelId} and m.path > p.path order by m.path limit 1)
      from p where p.path is not null
    )
    select path from p where path is not null`.execute(db);
  return r.rows.map((x) => x.path);
}

/** The latest real arrival before `before` (default: any time). */
export async function lastArrival(db: Db, channelId: string, path: string, before?: Date): Promise<Date | null> {
  let q = db
    .selectFrom('mail_receipts')
    .select('received_at')
    .where('channel_id', '=', channelId)
    .where('path', '=', path)
    .where('probe', '=', false)
    .orderBy('received_at', 'desc')
    .limit(1);
  if (before) q = q.where('received_at', '<', before);
  return (await q.executeTakeFirst())?.received_at ?? null;
}

/**
 * Learns a path's rhythm from the windowDays before its last arrival: the silence going on
 * now is what gets judged, it must not teach the model that it is normal.
 */
export async function learnPath(db: Db, channelId: string, path: string, now: Date, timeZone = 'UTC'): Promise<Rhythm | null> {
  const last = await lastArrival(db, channelId, path, now);
  if (!last) return null;
  const to = new Date(last.getTime() + 1);
  const from = new Date(to.getTime() - RHYTHM.windowDays * 24 * 60 * MINUTE);
  const [rows, before] = await Promise.all([hourRows(db, channelId, path, from, to), lastArrival(db, channelId, path, from)]);
  return learnRhythm(rows, from, to, before, RHYTHM, timeZone);
}

// Learning reads weeks of history: once an hour per path is plenty.
const RELEARN_MS = 60 * MINUTE;
const cache = new WeakMap<object, Map<string, { at: number; rhythm: Rhythm | null }>>();

export async function rhythmFor(deps: Deps, channelId: string, path: string, now: Date, timeZone = 'UTC'): Promise<Rhythm | null> {
  let m = cache.get(deps.db);
  if (!m) cache.set(deps.db, (m = new Map()));
  const key = `${channelId}:${path}:${timeZone}`;
  const hit = m.get(key);
  if (hit && Math.abs(now.getTime() - hit.at) < RELEARN_MS) return hit.rhythm;
  const rhythm = await learnPath(deps.db, channelId, path, now, timeZone);
  m.set(key, { at: now.getTime(), rhythm });
  return rhythm;
}
