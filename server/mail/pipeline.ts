// The inbound pipeline's workers: parse → thread → apply, each a pg-boss job and
// idempotent (a stage only moves a mail forward from the stage it expects). A sweep
// re-enqueues mails a crash left behind. Failures end in quarantine, never in silence.
import type PgBoss from 'pg-boss';
import { sql } from 'kysely';
import { createPreparingDb } from '../db/db.ts';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
import { enqueue, enqueueMany, wake, workLocal } from '../jobs/boss.ts';
import { applyMail, recordBounce } from './apply.ts';
import { raiseAlert } from './health/alerts.ts';
import { createParsePool, type ParsePool } from './parse/parse-pool.ts';
import { mailSecret } from './reply-token.ts';
import { decide, type Decision } from './thread.ts';
import { unreadable } from './unreadable.ts';
import { DEFAULT_PARSE_LIMITS, type ParsedMail, type QuarantineCode } from './types.ts';

const MAX_ATTEMPTS = 5; // per stage, then quarantine ('apply_failed')
const WAIT_SECONDS = 3; // a reply waiting for the mail it answers

let pool: ParsePool | null = null;
export function parsePool(): ParsePool {
  pool ??= createParsePool();
  return pool;
}

export async function quarantine(deps: Deps, mailId: string, code: QuarantineCode, reason: string): Promise<void> {
  await deps.db
    .updateTable('inbound_mails')
    .set({ stage: 'quarantined', reason_code: code, reason: reason.slice(0, 2000), updated_at: new Date() })
    .where('id', '=', mailId)
    .where('stage', 'in', ['received', 'parsed', 'threaded'])
    .execute();
  deps.log.warn({ mailId, code, reason }, 'mail quarantined');
}

type Claimed = { id: string; attempts: number; channel_id: string; reason_code: string | null; raw?: Buffer; parsed?: unknown };

/** Claims a try at the stage for many mails at once (attempts + 1) and reads their input.
 * Mails tried too often are quarantined and left out. */
async function claimMany(deps: Deps, ids: string[], stage: 'received' | 'parsed'): Promise<Claimed[]> {
  if (!ids.length) return [];
  const rows = await deps.db
    .updateTable('inbound_mails')
    .set({ attempts: sql`attempts + 1` })
    .where('id', 'in', ids)
    .where('stage', '=', stage)
    .returning(['id', 'attempts', 'channel_id', 'reason_code', stage === 'received' ? 'raw' : 'parsed'])
    .execute() as Claimed[];
  const out: Claimed[] = [];
  for (const r of rows) {
    if (r.attempts > MAX_ATTEMPTS * 3) await quarantine(deps, r.id, 'apply_failed', `gave up at stage ${stage} after ${r.attempts} attempts`);
    else out.push(r);
  }
  return out;
}

export async function parseStage(deps: Deps, mailIds: string | string[]): Promise<void> {
  const rows = await claimMany(deps, [mailIds].flat(), 'received');
  const limits = { ...DEFAULT_PARSE_LIMITS, maxAttachmentBytes: deps.config.SLOVO_ATTACHMENT_MAX_BYTES };
  const parsed = await Promise.all(rows.map(async (row) => {
    let res = await parsePool().parse(row.raw!, limits);
    if (!res.ok && row.reason_code === 'released') res = unreadable(row.raw!, res.reason); // an admin wants it delivered anyway
    return { id: row.id, res };
  }));
  const ok: { id: string; mail: ParsedMail }[] = [];
  const blobs = new Map<string, Buffer>();
  for (const { id, res } of parsed) {
    if (!res.ok) await quarantine(deps, id, res.code, res.reason);
    else {
      ok.push({ id, mail: res.mail });
      for (const b of res.blobs) blobs.set(b.sha256, b.data);
    }
  }
  if (!ok.length) return;
  await inBatchOrOneByOne(deps, ok, (items) => storeParsed(deps, items, blobs), 'parse_failed');
  wake(deps, 'mail.thread');
}

/** JSON that PostgreSQL accepts: lone surrogates (broken UTF-16 in a header) become U+FFFD. */
export const pgJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'string' && !(x as unknown as { isWellFormed(): boolean }).isWellFormed() ? (x as unknown as { toWellFormed(): string }).toWellFormed() : x));

/** Writes a batch in one transaction; if that fails, each mail alone, so one bad mail cannot hold back the others. */
async function inBatchOrOneByOne<T extends { id: string }>(deps: Deps, items: T[], write: (items: T[]) => Promise<void>, code: QuarantineCode): Promise<void> {
  try {
    await write(items);
  } catch (e) {
    if (items.length === 1) return quarantine(deps, items[0].id, code, `could not be stored: ${(e as Error).message}`);
    for (const it of items) await inBatchOrOneByOne(deps, [it], write, code);
  }
}

async function storeParsed(deps: Deps, ok: { id: string; mail: ParsedMail }[], blobs: Map<string, Buffer>): Promise<void> {
  const need = new Set(ok.flatMap((o) => o.mail.attachments.map((a) => a.sha256)));
  await inTx(deps.db, async (trx) => {
    // sorted: two batches storing the same blobs take their locks in the same order
    for (const sha of [...need].sort()) {
      const data = blobs.get(sha);
      if (data) await trx.insertInto('blobs').values({ sha256: sha, size: data.length, data }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    }
    const moved = await sql<{ id: string }>`
      update inbound_mails m set stage = 'parsed', parsed = v.parsed, from_address = coalesce(v.sender, m.from_address), attempts = 0, updated_at = now()
      from unnest(${ok.map((o) => o.id)}::bigint[], ${ok.map((o) => pgJson(o.mail))}::jsonb[], ${ok.map((o) => o.mail.from?.address ?? o.mail.sender?.address ?? null)}::text[]) as v(id, parsed, sender)
      where m.id = v.id and m.stage = 'received'
      returning m.id`.execute(trx);
    await enqueueMany(deps, trx, 'mail.thread', moved.rows.map((r) => ({ mailId: String(r.id) })));
  });
}

export async function threadStage(deps: Deps, mailIds: string | string[], opts: { release?: boolean } = {}): Promise<void> {
  const rows = await claimMany(deps, [mailIds].flat(), 'parsed');
  if (!rows.length) return;
  const secret = await mailSecret(deps.db);
  const threaded: { id: string; d: Extract<Decision, { dedupeKey: string }> }[] = [];
  const one = async (row: Claimed) => {
    const mailId = row.id;
    const release = opts.release || row.reason_code === 'released';
    const d = await decide(deps, {
      channelId: row.channel_id, mailId, parsed: row.parsed as ParsedMail, secret,
      prefix: deps.config.SLOVO_TICKET_PREFIX, release, waited: row.attempts - 1,
    });
    if (d.action === 'wait') {
      await enqueue(deps, deps.db, 'mail.thread', { mailId }, { startAfter: WAIT_SECONDS });
    } else if (d.action === 'quarantine') {
      await quarantine(deps, mailId, d.code, d.reason);
      if (d.code === 'loop') {
        await raiseAlert(deps.db, { channelId: row.channel_id, path: null, kind: 'loop', message: d.reason, data: { mailId, from: (row.parsed as ParsedMail).from?.address } });
      }
    } else if (d.action === 'ignore') {
      if (d.code === 'bounce') await recordBounce(deps.db, d.bouncedMessageId, d.detail);
      await deps.db.updateTable('inbound_mails').set({ stage: 'ignored', reason_code: d.code, reason: d.detail, thread: pgJson(d), updated_at: new Date() })
        .where('id', '=', mailId).where('stage', '=', 'parsed').execute();
    } else threaded.push({ id: mailId, d });
  };
  for (let i = 0; i < rows.length; i += 4) await Promise.all(rows.slice(i, i + 4).map(one));
  if (!threaded.length) return;
  await inBatchOrOneByOne(deps, threaded, (items) => inTx(deps.db, async (trx) => {
    const moved = await sql<{ id: string }>`
      update inbound_mails m set stage = 'threaded', thread = v.thread, dedupe_key = v.key, attempts = 0, updated_at = now()
      from unnest(${items.map((t) => t.id)}::bigint[], ${items.map((t) => pgJson(t.d))}::jsonb[], ${items.map((t) => t.d.dedupeKey)}::text[]) as v(id, thread, key)
      where m.id = v.id and m.stage = 'parsed'
      returning m.id`.execute(trx);
    await enqueueMany(deps, trx, 'mail.apply', moved.rows.map((r) => ({ mailId: String(r.id) })));
  }), 'apply_failed');
  wake(deps, 'mail.apply');
}

export async function applyStage(deps: Deps, mailId: string): Promise<void> {
  try {
    await applyMail(deps, mailId); // claims the mail inside its transaction
  } catch (e) {
    // the transaction rolled back: count the failed try here, so a mail that always fails ends in quarantine
    const r = await deps.db.updateTable('inbound_mails').set({ attempts: sql`attempts + 1` }).where('id', '=', mailId).where('stage', '=', 'threaded').returning('attempts').executeTakeFirst();
    if (r && r.attempts >= MAX_ATTEMPTS) await quarantine(deps, mailId, 'apply_failed', (e as Error).message);
    else throw e;
  }
}

/** Re-enqueues mails stuck in a stage (a crash between commit and job, an expired job). */
export async function sweepStuck(deps: Deps, olderThanSeconds = 120): Promise<number> {
  const rows = await deps.db
    .selectFrom('inbound_mails')
    .select(['id', 'stage'])
    .where('stage', 'in', ['received', 'parsed', 'threaded'])
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('updated_at')
    .limit(5000)
    .execute();
  const next = { received: 'mail.parse', parsed: 'mail.thread', threaded: 'mail.apply' } as const;
  for (const r of rows) await enqueue(deps, deps.db, next[r.stage as keyof typeof next], { mailId: r.id });
  return rows.length;
}

/** Mailgun refuses timestamps older than 15 minutes: a day-old token can no longer be replayed. */
export async function purgeMailgunTokens(deps: Deps): Promise<number> {
  const r = await deps.db.deleteFrom('mailgun_tokens').where('used_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

type MailJob = { mailId: string };

async function each(ids: string[], fn: (id: string) => Promise<void>, parallel: number): Promise<void> {
  for (let i = 0; i < ids.length; i += parallel) await Promise.all(ids.slice(i, i + parallel).map(fn));
}

export async function registerPipelineWorkers(base: Deps, boss: PgBoss): Promise<void> {
  // the stages' statements are few and key-based: a pool of their own runs them prepared (no planning per mail)
  const { db, pool } = createPreparingDb((base.pool as unknown as { options: { connectionString: string } }).options.connectionString, 8);
  boss.on('stopped', () => void pool.end().catch(() => {}));
  const deps: Deps = { ...base, db };
  // A full batch means more is waiting: the worker goes on at once instead of sleeping out its poll interval.
  const stage = async (queue: 'mail.parse' | 'mail.thread' | 'mail.apply', batchSize: number, run: (ids: string[]) => Promise<void>) =>
    workLocal<MailJob>(boss, queue, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      await run(jobs.map((j) => j.data.mailId));
      if (jobs.length >= batchSize) wake(deps, queue);
    });
  for (let i = 0; i < 2; i++) {
    await stage('mail.parse', 32, (ids) => parseStage(deps, ids));
    await stage('mail.thread', 32, (ids) => threadStage(deps, ids));
    await stage('mail.apply', 16, (ids) => each(ids, (id) => applyStage(deps, id), 8));
  }
  await boss.work('mail.sweep', async () => {
    await sweepStuck(deps);
    await purgeMailgunTokens(deps);
  });
  await boss.schedule('mail.sweep', '* * * * *', {}, { tz: 'UTC' });
  // after a restart, mails an old process was working on move on at once
  void sweepStuck(deps, 0).catch((e) => deps.log.error({ err: e }, 'mail sweep failed'));
}
