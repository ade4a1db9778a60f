// Stage 1 of the inbound pipeline: store the raw bytes and their SHA-256 and commit
// before any path acknowledges the mail (IMAP flag, SMTP 250, webhook 2xx).
// Identical bytes collapse into one inbound_mails row; every delivery gets a receipt.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { Grouped, groupedPer } from '../db/grouped.ts';
import { inTx } from '../db/tx.ts';
import type { MailPath } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { handOver, handRoom, LEASE_SECONDS, wakeStage } from './pipeline.ts';

export type ReceiveInput = { channelId: string; path: MailPath; raw: Buffer; pathRef?: string };
export type Received = { mailId: string; sha256: string; duplicate: boolean };

/** Unfolded value of the first header `name` in the header block (cheap scan, no MIME parse). */
export function headerValue(raw: Buffer, name: string): string | null {
  const head = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}:[ \\t]*(.*)$`, 'im');
  const m = re.exec(block);
  return m ? m[1].trim() : null;
}

export function messageIdOf(raw: Buffer): string | null {
  const v = headerValue(raw, 'Message-ID');
  const m = v && /<([^<>\s]{1,900})>/.exec(v);
  return m ? m[1] : v ? v.slice(0, 900) || null : null;
}

/** The From address by a cheap header scan, so the per-sender rate sees a mail from the moment it arrives. */
export function fromAddressOf(raw: Buffer): string | null {
  const v = headerValue(raw, 'From') ?? headerValue(raw, 'Sender');
  const m = v && (/<([^<>\s@]+@[^<>\s@]+)>/.exec(v) ?? /([^<>\s"',;:@]+@[^<>\s"',;:@]+)/.exec(v));
  return m ? m[1].toLowerCase().slice(0, 320) : null;
}

export async function receiveRaw(deps: Deps, input: ReceiveInput): Promise<Received> {
  const sha256 = createHash('sha256').update(input.raw).digest('hex');
  const messageId = messageIdOf(input.raw);
  const probe = headerValue(input.raw, 'X-Slovo-Probe');
  // the common case, one statement (atomic by itself): the new mail and its receipt
  // with room in this process's parse loops, the new mail is leased to them and handed over
  const lease = handRoom(deps, 'received') > 0;
  const one = probe ? null : await receiveOne(deps, input, sha256, messageId, lease);
  if (one) {
    if (one.duplicate) return one;
    if (lease) handOver(deps, 'received', [{ id: one.mailId, attempts: 1, channel_id: input.channelId, reason_code: null, raw: input.raw }]);
    else wakeStage(deps, 'received');
    return one;
  }
  const r = await inTx(deps.db, async (trx) => {
    const inserted = await trx
      .insertInto('inbound_mails')
      .values({ channel_id: input.channelId, path: input.path, sha256, size: input.raw.length, raw: input.raw, message_id: messageId, from_address: fromAddressOf(input.raw) })
      .onConflict((oc) => oc.columns(['channel_id', 'sha256']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const mailId = inserted?.id ?? (await trx.selectFrom('inbound_mails').select('id').where('channel_id', '=', input.channelId).where('sha256', '=', sha256).executeTakeFirstOrThrow()).id;
    await trx.insertInto('mail_receipts').values({ channel_id: input.channelId, path: input.path, inbound_mail_id: mailId, path_ref: input.pathRef ?? null, probe: !!probe }).execute();
    if (probe) {
      await trx
        .updateTable('mail_probes')
        .set({ seen: sql`seen || jsonb_build_object(${input.path}::text, now())` })
        .where('channel_id', '=', input.channelId)
        .where('token', '=', probe.slice(0, 200))
        .execute();
    }
    return { mailId, sha256, duplicate: !inserted };
  });
  if (!r.duplicate) wakeStage(deps, 'received');
  return r;
}

const RECEIVE_MANY = `
with v as (
  select * from unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::bool[])
    with ordinality as v(channel_id, path, sha256, size, raw, message_id, from_address, path_ref, lease, idx)
), ins as (
  insert into inbound_mails (channel_id, path, sha256, size, raw, message_id, from_address, attempts, claimed_until)
  select distinct on (channel_id, sha256) channel_id, path, sha256, size, raw, message_id, from_address,
         case when lease then 1 else 0 end, case when lease then now() + make_interval(secs => ${LEASE_SECONDS}) end
  from v order by channel_id, sha256, idx
  on conflict (channel_id, sha256) do nothing
  returning id, channel_id, sha256
), mail as (
  select v.idx, v.channel_id, v.path, v.path_ref, coalesce(ins.id, old.id) as id,
         ins.id is not null and v.idx = min(v.idx) over (partition by v.channel_id, v.sha256) as fresh
  from v left join ins on ins.channel_id = v.channel_id and ins.sha256 = v.sha256
  left join inbound_mails old on ins.id is null and old.channel_id = v.channel_id and old.sha256 = v.sha256
), rc as (
  insert into mail_receipts (channel_id, path, inbound_mail_id, path_ref, probe)
  select channel_id, path, id, path_ref, false from mail where id is not null
)
select idx::int as idx, id::text as id, fresh from mail where id is not null`;

type One = { input: ReceiveInput; sha256: string; messageId: string | null; lease: boolean };

/**
 * Mails and receipts of concurrent receives in one statement (atomic by itself), grouped by
 * db/grouped.ts: up to 64 mails or about 8 MB. A mail gets null when a concurrent copy committed
 * after the statement's snapshot (neither inserted nor seen): its caller then goes the long way.
 */
async function receiveMany(deps: Deps, group: One[]): Promise<(Received | null)[]> {
  const col = <T>(f: (o: One) => T) => group.map(f);
  const r = await deps.pool.query<{ idx: number; id: string; fresh: boolean }>({
    name: 'slovo_receive_many', text: RECEIVE_MANY,
    values: [col((o) => o.input.channelId), col((o) => o.input.path), col((o) => o.sha256), col((o) => o.input.raw.length), col((o) => o.input.raw),
      col((o) => o.messageId), col((o) => fromAddressOf(o.input.raw)), col((o) => o.input.pathRef ?? null), col((o) => o.lease)],
  });
  const byIdx = new Map(r.rows.map((x) => [x.idx, x]));
  return group.map((o, i) => {
    const row = byIdx.get(i + 1);
    return row ? { mailId: row.id, sha256: o.sha256, duplicate: !row.fresh } : null;
  });
}

const receiveGrouped = groupedPer((deps: Deps) => deps.pool, (deps) => new Grouped<One, Received | null>((group) => receiveMany(deps, group), {
  maxCalls: 64, maxWeight: 8 << 20, weight: (o) => o.input.raw.length,
}));

/** The receive statements' groups and mails for this deps (for tests and the bench). */
export const receiveStats = (deps: Deps) => receiveGrouped(deps).stats;

function receiveOne(deps: Deps, input: ReceiveInput, sha256: string, messageId: string | null, lease: boolean): Promise<Received | null> {
  return receiveGrouped(deps).call({ input, sha256, messageId, lease });
}
