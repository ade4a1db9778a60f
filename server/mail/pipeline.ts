// The inbound pipeline's workers: parse → thread → apply, each a pg-boss job and
// idempotent (a stage only moves a mail forward from the stage it expects). A sweep
// re-enqueues mails a crash left behind. Failures end in quarantine, never in silence.
import type PgBoss from 'pg-boss';
import { sql } from 'kysely';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
import { enqueue } from '../jobs/boss.ts';
import { applyMail, recordBounce } from './apply.ts';
import { raiseAlert } from './health/alerts.ts';
import { createParsePool, type ParsePool } from './parse/parse-pool.ts';
import { mailSecret } from './reply-token.ts';
import { decide } from './thread.ts';
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

/** Claims a try at the stage (attempts + 1) and reads what the stage needs, in one statement.
 * Null when the mail moved on already, or when it was tried too often (then it is quarantined). */
async function claim(deps: Deps, mailId: string, stage: 'received' | 'parsed' | 'threaded') {
  const r = await deps.db
    .updateTable('inbound_mails')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', mailId)
    .where('stage', '=', stage)
    .returning(['attempts', 'channel_id', 'reason_code', stage === 'received' ? 'raw' : 'parsed'])
    .executeTakeFirst();
  if (!r) return null;
  if (r.attempts > MAX_ATTEMPTS * 3) {
    await quarantine(deps, mailId, 'apply_failed', `gave up at stage ${stage} after ${r.attempts} attempts`);
    return null;
  }
  return r as { attempts: number; channel_id: string; reason_code: string | null; raw?: Buffer; parsed?: unknown };
}

export async function parseStage(deps: Deps, mailId: string): Promise<void> {
  const row = await claim(deps, mailId, 'received');
  if (!row) return;
  let res = await parsePool().parse(row.raw!, { ...DEFAULT_PARSE_LIMITS, maxAttachmentBytes: deps.config.SLOVO_ATTACHMENT_MAX_BYTES });
  if (!res.ok && row.reason_code === 'released') res = unreadable(row.raw!, res.reason); // an admin wants it delivered anyway
  if (!res.ok) return quarantine(deps, mailId, res.code, res.reason);
  await inTx(deps.db, async (trx) => {
    for (const b of res.blobs) {
      await trx.insertInto('blobs').values({ sha256: b.sha256, size: b.data.length, data: b.data }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    }
    const u = await trx
      .updateTable('inbound_mails')
      .set({ stage: 'parsed', parsed: JSON.stringify(res.mail), from_address: res.mail.from?.address ?? null, attempts: 0, updated_at: new Date() })
      .where('id', '=', mailId)
      .where('stage', '=', 'received')
      .executeTakeFirst();
    if (Number(u.numUpdatedRows)) await enqueue(deps, trx, 'mail.thread', { mailId });
  });
}

export async function threadStage(deps: Deps, mailId: string, opts: { release?: boolean } = {}): Promise<void> {
  const row = await claim(deps, mailId, 'parsed');
  if (!row) return;
  const release = opts.release || row.reason_code === 'released';
  const d = await decide(deps, {
    channelId: row.channel_id, mailId, parsed: row.parsed as ParsedMail, secret: await mailSecret(deps.db),
    prefix: deps.config.SLOVO_TICKET_PREFIX, release, waited: row.attempts - 1,
  });
  if (d.action === 'wait') {
    await enqueue(deps, deps.db, 'mail.thread', { mailId }, { startAfter: WAIT_SECONDS });
    return;
  }
  if (d.action === 'quarantine') {
    await quarantine(deps, mailId, d.code, d.reason);
    if (d.code === 'loop') {
      await raiseAlert(deps.db, { channelId: row.channel_id, path: null, kind: 'loop', message: d.reason, data: { mailId, from: (row.parsed as ParsedMail).from?.address } });
    }
    return;
  }
  if (d.action === 'ignore') {
    if (d.code === 'bounce') await recordBounce(deps.db, d.bouncedMessageId, d.detail);
    await deps.db.updateTable('inbound_mails').set({ stage: 'ignored', reason_code: d.code, reason: d.detail, thread: JSON.stringify(d), updated_at: new Date() })
      .where('id', '=', mailId).where('stage', '=', 'parsed').execute();
    return;
  }
  await inTx(deps.db, async (trx) => {
    const u = await trx.updateTable('inbound_mails')
      .set({ stage: 'threaded', thread: JSON.stringify(d), dedupe_key: d.dedupeKey, attempts: 0, updated_at: new Date() })
      .where('id', '=', mailId).where('stage', '=', 'parsed').executeTakeFirst();
    if (Number(u.numUpdatedRows)) await enqueue(deps, trx, 'mail.apply', { mailId });
  });
}

export async function applyStage(deps: Deps, mailId: string): Promise<void> {
  if (!(await claim(deps, mailId, 'threaded'))) return;
  await applyMail(deps, mailId);
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

type MailJob = { mailId: string };

async function each(jobs: PgBoss.Job<MailJob>[], fn: (id: string) => Promise<void>, parallel: number): Promise<void> {
  for (let i = 0; i < jobs.length; i += parallel) await Promise.all(jobs.slice(i, i + parallel).map((j) => fn(j.data.mailId)));
}

export async function registerPipelineWorkers(deps: Deps, boss: PgBoss): Promise<void> {
  const opts = { batchSize: 16, pollingIntervalSeconds: 0.5 };
  for (let i = 0; i < 2; i++) {
    await boss.work<MailJob>('mail.parse', opts, (jobs) => each(jobs, (id) => parseStage(deps, id), 4));
    await boss.work<MailJob>('mail.thread', opts, (jobs) => each(jobs, (id) => threadStage(deps, id), 4));
    await boss.work<MailJob>('mail.apply', opts, (jobs) => each(jobs, (id) => applyStage(deps, id), 4));
  }
  await boss.work('mail.sweep', async () => { await sweepStuck(deps); });
  await boss.schedule('mail.sweep', '* * * * *', {}, { tz: 'UTC' });
  // after a restart, mails an old process was working on move on at once
  void sweepStuck(deps, 0).catch((e) => deps.log.error({ err: e }, 'mail sweep failed'));
}
