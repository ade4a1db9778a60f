// receiveRaw for many mails in one transaction (same semantics: identical bytes collapse
// into one inbound_mails row, every delivery gets a receipt, new mails wait for the parse stage).
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { inTx } from '../../db/tx.ts';
import type { MailPath } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { fromAddressOf, headerValue, messageIdOf, type Received } from '../receive.ts';
import { handOver, handRoom, LEASE_SECONDS, wakeStage } from '../pipeline.ts';

export type BatchItem = { raw: Buffer; pathRef?: string };

export async function receiveBatch(deps: Deps, channelId: string, path: MailPath, items: BatchItem[]): Promise<Received[]> {
  if (!items.length) return [];
  const rows = items.map((i) => ({
    ...i,
    sha256: createHash('sha256').update(i.raw).digest('hex'),
    messageId: messageIdOf(i.raw),
    probe: headerValue(i.raw, 'X-Slovo-Probe'),
  }));
  // one row per distinct hash, in hash order (concurrent batches lock in the same order)
  const distinct = [...new Map(rows.map((r) => [r.sha256, r])).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  // as many new mails as this process's parse loops have room for are leased to them and handed over
  const leased = new Set(distinct.slice(0, handRoom(deps, 'received')).map((r) => r.sha256));
  const out = await inTx(deps.db, async (trx) => {
    const inserted = await trx
      .insertInto('inbound_mails')
      .values(distinct.map((r) => ({
        channel_id: channelId, path, sha256: r.sha256, size: r.raw.length, raw: r.raw, message_id: r.messageId, from_address: fromAddressOf(r.raw),
        attempts: leased.has(r.sha256) ? 1 : 0,
        claimed_until: leased.has(r.sha256) ? sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` : null,
      })))
      .onConflict((oc) => oc.columns(['channel_id', 'sha256']).doNothing())
      .returning(['id', 'sha256'])
      .execute();
    const ids = new Map(inserted.map((r) => [r.sha256, r.id]));
    const fresh = new Set(ids.keys());
    const known = distinct.filter((r) => !ids.has(r.sha256)).map((r) => r.sha256);
    if (known.length) {
      const old = await trx.selectFrom('inbound_mails').select(['id', 'sha256']).where('channel_id', '=', channelId).where('sha256', 'in', known).execute();
      for (const r of old) ids.set(r.sha256, r.id);
    }
    await trx
      .insertInto('mail_receipts')
      .values(rows.map((r) => ({ channel_id: channelId, path, inbound_mail_id: ids.get(r.sha256)!, path_ref: r.pathRef ?? null, probe: !!r.probe })))
      .execute();
    for (const r of rows.filter((x) => x.probe)) {
      await trx
        .updateTable('mail_probes')
        .set({ seen: sql`seen || jsonb_build_object(${path}::text, now())` })
        .where('channel_id', '=', channelId)
        .where('token', '=', r.probe!.slice(0, 200))
        .execute();
    }
    const seen = new Set<string>();
    return rows.map((r) => {
      const duplicate = !fresh.has(r.sha256) || seen.has(r.sha256);
      seen.add(r.sha256);
      return { mailId: ids.get(r.sha256)!, sha256: r.sha256, duplicate };
    });
  });
  const fresh = out.filter((r) => !r.duplicate);
  const hand = fresh.filter((r) => leased.has(r.sha256));
  if (hand.length) {
    const raw = new Map(rows.map((r) => [r.sha256, r.raw]));
    handOver(deps, 'received', hand.map((r) => ({ id: r.mailId, attempts: 1, channel_id: channelId, reason_code: null, raw: raw.get(r.sha256)! })));
  }
  if (hand.length < fresh.length) wakeStage(deps, 'received');
  return out;
}
