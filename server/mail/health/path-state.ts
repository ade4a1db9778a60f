// Last success and last error of one inbound path, for the health view and alerts.
import type { Db } from '../../db/db.ts';
import type { MailPath } from '../../db/types.ts';

export async function markPathOk(db: Db, channelId: string, path: MailPath | 'outbound', state?: Record<string, unknown>): Promise<void> {
  const now = new Date();
  await db
    .insertInto('mail_path_state')
    .values({ channel_id: channelId, path, last_ok_at: now, state: JSON.stringify(state ?? {}) })
    .onConflict((oc) => oc.columns(['channel_id', 'path']).doUpdateSet(state ? { last_ok_at: now, state: JSON.stringify(state) } : { last_ok_at: now }))
    .execute();
}

export async function markPathError(db: Db, channelId: string, path: MailPath | 'outbound', error: string): Promise<void> {
  const now = new Date();
  await db
    .insertInto('mail_path_state')
    .values({ channel_id: channelId, path, last_error_at: now, last_error: error.slice(0, 2000) })
    .onConflict((oc) => oc.columns(['channel_id', 'path']).doUpdateSet({ last_error_at: now, last_error: error.slice(0, 2000) }))
    .execute();
}

export async function pathState(db: Db, channelId: string, path: string): Promise<Record<string, unknown>> {
  const r = await db.selectFrom('mail_path_state').select('state').where('channel_id', '=', channelId).where('path', '=', path).executeTakeFirst();
  return (r?.state as Record<string, unknown>) ?? {};
}
