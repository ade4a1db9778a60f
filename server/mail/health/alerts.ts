// Alerts per channel/path: one open alert per (channel, path, kind); raising again refreshes it.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';

export type AlertInput = { channelId: string; path: string | null; kind: string; message: string; data?: Record<string, unknown> };

/** Opens the alert, or refreshes the open one. Returns true when it is new. */
export async function raiseAlert(db: Db, a: AlertInput): Promise<boolean> {
  const r = await sql<{ inserted: boolean }>`
    insert into mail_alerts (channel_id, path, kind, message, data)
    values (${a.channelId}, ${a.path}, ${a.kind}, ${a.message}, ${JSON.stringify(a.data ?? {})})
    on conflict (channel_id, coalesce(path, ''), kind) where cleared_at is null
    do update set last_seen_at = now(), message = excluded.message, data = excluded.data
    returning (xmax = 0) as inserted`.execute(db);
  return r.rows[0]?.inserted ?? false;
}

/** Clears the open alert, if any. Returns true when one was cleared. */
export async function clearAlert(db: Db, channelId: string, path: string | null, kind: string): Promise<boolean> {
  const r = await db
    .updateTable('mail_alerts')
    .set({ cleared_at: new Date() })
    .where('channel_id', '=', channelId)
    .where(sql<boolean>`coalesce(path, '') = ${path ?? ''}`)
    .where('kind', '=', kind)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
