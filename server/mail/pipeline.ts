// The inbound pipeline's workers: parse → thread → apply, each idempotent (a stage only moves a
// mail forward from the stage it expects). inbound_mails is the queue: each stage's loops claim a
// batch of mails at their stage with a lease (claimed_until); moving a mail on frees it for the
// next stage, which is woken at once. A crashed worker's lease runs out and the mail is taken up
// again (at start, a process frees all leases). Failures end in quarantine, never in silence.
// Hand-over: the statement that moves mails to a stage may also lease them to this process's loops
// of that stage and give them the rows (no claim statement); see handRoom / handOver.
import type PgBoss from 'pg-boss';
import { sql } from 'kysely';
import { createPreparingDb } from '../db/db.ts';
import { inTx } from '../db/tx.ts';
import { onJobsStop } from '../jobs/boss.ts';
import type { Deps } from '../deps.ts';
import { applyMail, recordBounce } from './apply.ts';
import { applyCreatesTogether, plainCreate, togetherStats } from './apply-together.ts';
import { raiseAlert } from './health/alerts.ts';
import { createParsePool, type ParsePool } from './parse/parse-pool.ts';
import { mailSecret } from './reply-token.ts';
import { decide, senderCounts, type Decision } from './thread.ts';
import { unreadable } from './unreadable.ts';
import { DEFAULT_PARSE_LIMITS, type ParsedMail, type QuarantineCode } from './types.ts';

const MAX_ATTEMPTS = 5; // per stage, then quarantine ('apply_failed')
const WAIT_SECONDS = 3; // a reply waiting for the mail it answers
export const LEASE_SECONDS = 120; // a claimed batch is another worker's after this long
const IDLE_POLL_MS = 500; // with nothing to do, a loop looks again this often (or when woken)
const HAND_MAX = 128; // mails handed over and waiting per stage, at most (more wait in the table for a claim)

/** Mails this process's loops took by hand-over and by claim, per stage (for tests and the bench). */
export const handStats: Record<'handed' | 'claimed', Record<WorkStage, number>> = {
  handed: { received: 0, parsed: 0, threaded: 0 }, claimed: { received: 0, parsed: 0, threaded: 0 },
};

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

export type Claimed = { id: string; attempts: number; channel_id: string; reason_code: string | null; raw?: Buffer; parsed?: unknown };

export type WorkStage = 'received' | 'parsed' | 'threaded';

/** Claims up to `limit` free mails at the stage (attempts + 1, leased), oldest first, and reads
 * their input. Mails tried too often are quarantined and left out. */
export async function claimWork(deps: Deps, stage: WorkStage, limit: number): Promise<Claimed[]> {
  // the apply stage sees the decision, the attachment count and the sender (to apply plain new tickets together)
  const input = stage === 'received' ? sql`m.raw` : stage === 'parsed' ? sql`m.parsed`
    : sql`jsonb_build_object('thread', m.thread, 'attachments', coalesce(jsonb_array_length(m.parsed->'attachments'), 0), 'from', lower(m.from_address))`;
  const r = await sql<Claimed>`
    update inbound_mails m set attempts = m.attempts + 1, claimed_until = now() + make_interval(secs => ${LEASE_SECONDS})
    from (select id from inbound_mails where stage = ${stage} and (claimed_until is null or claimed_until <= now())
          order by id limit ${limit} for update skip locked) c
    where m.id = c.id
    returning m.id::text as id, m.attempts, m.channel_id::text as channel_id, m.reason_code, ${input} as ${sql.raw(stage === 'received' ? 'raw' : 'parsed')}`.execute(deps.db);
  const out: Claimed[] = [];
  for (const row of r.rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    const limitTries = stage === 'threaded' ? MAX_ATTEMPTS : MAX_ATTEMPTS * 3;
    if (row.attempts > limitTries) await quarantine(deps, row.id, 'apply_failed', `gave up at stage ${stage} after ${row.attempts - 1} attempts`);
    else out.push(row);
  }
  return out;
}

/** A failed try: the mail rests before the next (5 s, doubling, at most 5 minutes). */
async function backOff(deps: Deps, ids: string[], stage: WorkStage): Promise<void> {
  if (!ids.length) return;
  await sql`update inbound_mails set claimed_until = now() + make_interval(secs => least(300, 5 * power(2, greatest(attempts - 1, 0))))
    where id = any(${ids}::bigint[]) and stage = ${stage}`.execute(deps.db);
}

async function parseClaimed(deps: Deps, rows: Claimed[]): Promise<void> {
  const limits = { ...DEFAULT_PARSE_LIMITS, maxAttachmentBytes: deps.config.SLOVO_ATTACHMENT_MAX_BYTES };
  const parsed = await Promise.all(rows.map(async (row) => {
    let res = await parsePool().parse(row.raw!, limits);
    if (!res.ok && row.reason_code === 'released') res = unreadable(row.raw!, res.reason); // an admin wants it delivered anyway
    return { id: row.id, res };
  }));
  const ok: { id: string; mail: ParsedMail; row: Claimed }[] = [];
  const blobs = new Map<string, Buffer>();
  for (const [i, { id, res }] of parsed.entries()) {
    if (!res.ok) await quarantine(deps, id, res.code, res.reason);
    else {
      ok.push({ id, mail: res.mail, row: { id, attempts: 1, channel_id: rows[i].channel_id, reason_code: rows[i].reason_code } });
      for (const b of res.blobs) blobs.set(b.sha256, b.data);
    }
  }
  if (!ok.length) return;
  await inBatchOrOneByOne(deps, ok, (items) => storeParsed(deps, items, blobs), 'parse_failed');
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

async function storeParsed(deps: Deps, ok: { id: string; mail: ParsedMail; row: Claimed }[], blobs: Map<string, Buffer>): Promise<void> {
  const need = new Set(ok.flatMap((o) => o.mail.attachments.map((a) => a.sha256)));
  const lease = handRoom(deps, 'parsed') > 0;
  const json = ok.map((o) => pgJson(o.mail));
  const moved = await inTx(deps.db, async (trx) => {
    // sorted: two batches storing the same blobs take their locks in the same order
    for (const sha of [...need].sort()) {
      const data = blobs.get(sha);
      if (data) await trx.insertInto('blobs').values({ sha256: sha, size: data.length, data }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    }
    const r = await sql<{ id: string }>`
      update inbound_mails m set stage = 'parsed', parsed = v.parsed, from_address = coalesce(v.sender, m.from_address), updated_at = now(),
        attempts = ${lease ? 1 : 0}, claimed_until = case when ${lease} then now() + make_interval(secs => ${LEASE_SECONDS}) end
      from unnest(${ok.map((o) => o.id)}::bigint[], ${json}::jsonb[], ${ok.map((o) => o.mail.from?.address ?? o.mail.sender?.address ?? null)}::text[]) as v(id, parsed, sender)
      where m.id = v.id and m.stage = 'received'
      returning m.id::text as id`.execute(trx);
    return new Set(r.rows.map((x) => x.id));
  });
  // the thread stage gets what it would have read: the stored JSON
  if (!lease) return wakeStage(deps, 'parsed');
  handOver(deps, 'parsed', ok.flatMap((o, i) => (moved.has(o.id) ? [{ ...o.row, attempts: 1, parsed: JSON.parse(json[i]) }] : [])));
}

async function threadClaimed(deps: Deps, rows: Claimed[]): Promise<void> {
  if (!rows.length) return;
  const secret = await mailSecret(deps.db);
  // the per-sender rate of the whole batch in one read
  const senderOf = (r: Claimed) => { const p = r.parsed as ParsedMail; return p.from?.address ?? p.sender?.address ?? null; };
  const counted = await senderCounts(deps, rows.filter((r) => r.reason_code !== 'released' && senderOf(r))
    .map((r) => ({ mailId: r.id, channelId: r.channel_id, sender: senderOf(r)! })));
  const threaded: { id: string; d: Extract<Decision, { dedupeKey: string }>; row: Claimed }[] = [];
  const one = async (row: Claimed) => {
    const mailId = row.id;
    const release = row.reason_code === 'released';
    const d = await decide(deps, {
      channelId: row.channel_id, mailId, parsed: row.parsed as ParsedMail, secret,
      prefix: deps.config.SLOVO_TICKET_PREFIX, release, waited: row.attempts - 1, senderRecent: counted.get(String(row.id)),
    });
    if (d.action === 'wait') {
      await deps.db.updateTable('inbound_mails').set({ claimed_until: sql`now() + make_interval(secs => ${WAIT_SECONDS})` })
        .where('id', '=', mailId).where('stage', '=', 'parsed').execute();
    } else if (d.action === 'quarantine') {
      await quarantine(deps, mailId, d.code, d.reason);
      if (d.code === 'loop') {
        await raiseAlert(deps.db, { channelId: row.channel_id, path: null, kind: 'loop', message: d.reason, data: { mailId, from: (row.parsed as ParsedMail).from?.address } });
      }
    } else if (d.action === 'ignore') {
      if (d.code === 'bounce') await recordBounce(deps.db, d.bouncedMessageId, d.detail);
      await deps.db.updateTable('inbound_mails').set({ stage: 'ignored', reason_code: d.code, reason: d.detail, thread: pgJson(d), updated_at: new Date() })
        .where('id', '=', mailId).where('stage', '=', 'parsed').execute();
    } else threaded.push({ id: mailId, d, row });
  };
  for (let i = 0; i < rows.length; i += 4) await Promise.all(rows.slice(i, i + 4).map(one));
  if (!threaded.length) return;
  await inBatchOrOneByOne(deps, threaded, (items) => storeThreaded(deps, items), 'apply_failed');
}

async function storeThreaded(deps: Deps, items: { id: string; d: Extract<Decision, { dedupeKey: string }>; row: Claimed }[]): Promise<void> {
  const lease = handRoom(deps, 'threaded') > 0;
  const json = items.map((t) => pgJson(t.d));
  const r = await sql<{ id: string; from: string | null }>`
    update inbound_mails m set stage = 'threaded', thread = v.thread, dedupe_key = v.key, updated_at = now(),
      attempts = ${lease ? 1 : 0}, claimed_until = case when ${lease} then now() + make_interval(secs => ${LEASE_SECONDS}) end
    from unnest(${items.map((t) => t.id)}::bigint[], ${json}::jsonb[], ${items.map((t) => t.d.dedupeKey)}::text[]) as v(id, thread, key)
    where m.id = v.id and m.stage = 'parsed'
    returning m.id::text as id, lower(m.from_address) as from`.execute(deps.db);
  if (!lease) return wakeStage(deps, 'threaded');
  // the apply stage's input, as claimWork reads it
  const from = new Map(r.rows.map((x) => [x.id, x.from]));
  handOver(deps, 'threaded', items.flatMap((t, i) => (from.has(t.id) ? [{
    id: t.id, attempts: 1, channel_id: t.row.channel_id, reason_code: t.row.reason_code,
    parsed: { thread: JSON.parse(json[i]), attachments: (t.row.parsed as ParsedMail).attachments?.length ?? 0, from: from.get(t.id) ?? null },
  }] : [])));
}

/** Applies one claimed mail (its try was counted by the claim). */
export async function applyStage(deps: Deps, mailId: string, attempts: number): Promise<void> {
  try {
    await applyMail(deps, mailId); // locks the mail inside its transaction
  } catch (e) {
    // the transaction rolled back: a mail that always fails ends in quarantine
    if (attempts >= MAX_ATTEMPTS) await quarantine(deps, mailId, 'apply_failed', (e as Error).message);
    else {
      deps.log.warn({ err: e, mailId, attempts }, 'mail apply failed; will retry');
      await backOff(deps, [mailId], 'threaded');
    }
  }
}

/** Mailgun refuses timestamps older than 15 minutes: a day-old token can no longer be replayed. */
export async function purgeMailgunTokens(deps: Deps): Promise<number> {
  const r = await deps.db.deleteFrom('mailgun_tokens').where('used_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

async function each(rows: Claimed[], fn: (row: Claimed) => Promise<void>, parallel: number): Promise<void> {
  for (let i = 0; i < rows.length; i += parallel) await Promise.all(rows.slice(i, i + parallel).map(fn));
}

/**
 * Plain new tickets from distinct senders go together (apply-together.ts); the rest, and all of
 * them again if the group fails, one by one after it (a sender's second mail then sees the first).
 */
async function applyClaimed(deps: Deps, rows: Claimed[]): Promise<void> {
  const senders = new Set<string>();
  const together: Claimed[] = [];
  const alone: Claimed[] = [];
  for (const r of rows) {
    const i = r.parsed as { thread: unknown; attachments: number; from: string | null };
    if (r.reason_code !== 'released' && plainCreate(i.thread, i.attachments) && i.from && !senders.has(i.from)) {
      senders.add(i.from);
      together.push(r);
    } else alone.push(r);
  }
  if (together.length > 1) {
    try {
      await applyCreatesTogether(deps, together.map((r) => r.id));
    } catch (e) {
      togetherStats.failed++;
      deps.log.warn({ err: e, mails: together.length }, 'applying new tickets together failed; each alone');
      alone.push(...together);
    }
  } else alone.push(...together);
  await each(alone.sort((a, b) => Number(a.id) - Number(b.id)), (r) => applyStage(deps, r.id, r.attempts), 8);
}

/**
 * Loops that run one stage's mails: those handed over to them first, else a claim. A claim is
 * tried at start, when woken (mail reached the stage without a hand-over), after a full batch and
 * after each idle poll; not after every handed batch, which would cost a statement each time.
 */
class StageLoops {
  private sleepers = new Set<() => void>();
  private running: Promise<void>[] = [];
  private stopped = false;
  private handed: Claimed[] = [];
  private claimDue = true;
  constructor(private readonly deps: Deps, private readonly stage: WorkStage, private readonly batch: number, private readonly run: (rows: Claimed[]) => Promise<void>) {}

  start(loops: number) {
    for (let i = 0; i < loops; i++) this.running.push(this.loop());
  }

  /** Room for handed-over mails (0 once stopping). */
  room() {
    return this.stopped ? 0 : Math.max(0, HAND_MAX - this.handed.length);
  }

  hand(rows: Claimed[]) {
    if (!rows.length) return;
    handStats.handed[this.stage] += rows.length;
    this.handed.push(...rows);
    this.rouse();
  }

  wake() {
    this.claimDue = true;
    this.rouse();
  }

  private rouse() {
    for (const s of this.sleepers) s();
    this.sleepers.clear();
  }

  /** Ends the loops; handed mails not yet run are freed for any process to claim. */
  async stop() {
    this.stopped = true;
    this.rouse();
    await Promise.all(this.running);
    const left = this.handed.splice(0).map((r) => r.id);
    if (left.length) {
      await sql`update inbound_mails set claimed_until = null where id = any(${left}::bigint[]) and stage = ${this.stage}`.execute(this.deps.db).catch(() => {});
    }
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const done = () => { clearTimeout(t); this.sleepers.delete(done); resolve(); };
      const t = setTimeout(() => { this.claimDue = true; done(); }, ms);
      this.sleepers.add(done);
    });
  }

  private async loop() {
    while (!this.stopped) {
      let rows: Claimed[] = [];
      try {
        if (this.handed.length) rows = this.handed.splice(0, this.batch);
        else if (this.claimDue) {
          this.claimDue = false;
          rows = await claimWork(this.deps, this.stage, this.batch);
          handStats.claimed[this.stage] += rows.length;
          if (rows.length === this.batch) this.claimDue = true; // there may be more
        }
        if (rows.length) await this.run(rows);
      } catch (e) {
        if (this.stopped) return;
        this.deps.log.error({ err: e, stage: this.stage }, 'mail stage failed; will retry');
        await backOff(this.deps, rows.map((r) => r.id), this.stage).catch(() => {});
        await this.sleep(1000);
        continue;
      }
      if (!this.handed.length && !this.claimDue && !this.stopped) await this.sleep(IDLE_POLL_MS);
    }
  }
}

type Pipeline = Record<WorkStage, StageLoops>;
const pipelines = new WeakMap<object, Pipeline>();

/** Wakes this process's loops of the stage (call after the transaction that moved mail there committed). */
export function wakeStage(deps: Pick<Deps, 'boss'>, stage: WorkStage): void {
  if (deps.boss) pipelines.get(deps.boss)?.[stage].wake();
}

/** How many more mails this process's loops of the stage take by hand-over (0: none run here). */
export function handRoom(deps: Pick<Deps, 'boss'>, stage: WorkStage): number {
  return (deps.boss && pipelines.get(deps.boss)?.[stage].room()) || 0;
}

/**
 * Gives mails to this process's loops of the stage. Call after the transaction that moved them
 * there committed with attempts = 1 and a lease (LEASE_SECONDS), and only when handRoom was > 0;
 * rows carry what claimWork would have read.
 */
export function handOver(deps: Pick<Deps, 'boss'>, stage: WorkStage, rows: Claimed[]): void {
  const p = deps.boss && pipelines.get(deps.boss);
  if (p) p[stage].hand(rows);
  else wakeStage(deps, stage);
}


export async function registerPipelineWorkers(base: Deps, boss: PgBoss): Promise<void> {
  // the stages' statements are few and key-based: a pool of their own runs them prepared (no planning per mail)
  const { db, pool } = createPreparingDb((base.pool as unknown as { options: { connectionString: string } }).options.connectionString, 8);
  const deps: Deps = { ...base, db };
  // after a restart, mails an old process was working on move on at once
  await db.updateTable('inbound_mails').set({ claimed_until: null })
    .where('stage', 'in', ['received', 'parsed', 'threaded']).where('claimed_until', 'is not', null).execute();
  const p: Pipeline = {
    received: new StageLoops(deps, 'received', 32, (rows) => parseClaimed(deps, rows)),
    parsed: new StageLoops(deps, 'parsed', 32, (rows) => threadClaimed(deps, rows)),
    threaded: new StageLoops(deps, 'threaded', 32, (rows) => applyClaimed(deps, rows)),
  };
  pipelines.set(boss, p);
  for (const s of Object.values(p)) s.start(2);
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= (async () => {
    await Promise.all(Object.values(p).map((s) => s.stop()));
    await pool.end().catch(() => {});
  })());
  onJobsStop(boss, stop);
  boss.on('stopped', () => void stop()); // pg-boss stopped directly: the loops end too
  await boss.work('mail.sweep', async () => {
    await purgeMailgunTokens(deps);
  });
  await boss.schedule('mail.sweep', '* * * * *', {}, { tz: 'UTC' });
}

