// The one sweeper (pg-boss 'keeping.sweep', every minute and at start): everything that comes due
// — SLA warnings and breaches, promise reminders and breaks, care expiries, third-party
// follow-ups, snoozes — plus a catch-up of new tickets a crash left without their SLA row.
//
// Decision: one transaction per sweep. It first takes pg_try_advisory_xact_lock(SWEEP_LOCK): when
// another process sweeps right now we return at once (its sweep covers ours; the lock goes with
// its transaction, so a killed sweeper never holds it). Each source then runs sequentially in
// that transaction inside a SAVEPOINT of its own: a source that throws is rolled back to its
// savepoint and logged, the others still commit. Everything a sweep writes (source state,
// notifications, outbox rows, mail.send jobs) commits together or not at all, so a crash
// mid-sweep leaves the due rows due and the next sweep fires them once (dedupe keys make
// notify() exactly-once even if a source were re-run over rows it had already fired).
// A source that returns its full limit has more due rows: sweepUntilDone() runs further sweeps
// (each a short transaction of its own) within a time budget.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { TicketStatus } from '../../db/types.ts';
import { sweepCareExpiry } from '../care/care.service.ts';
import { sweepFollowUps, sweepSnoozes } from '../escalation/escalation.service.ts';
import { afterTicketChange } from '../keeping/hooks.ts';
import { sweepPromiseAlerts } from '../promises/promises.service.ts';
import { sweepSlaAlerts } from '../sla/sla.service.ts';

/** pg_try_advisory_xact_lock(int, int) key of the sweeper (a constant nobody else uses). */
export const SWEEP_LOCK = [73019526, 1] as const;
export const SWEEP_LIMIT = 10_000;
/** New tickets this young are left to the hook that is about to run right after their insert. */
export const CATCH_UP_GRACE_MS = 30_000;
export const CATCH_UP_WINDOW_MS = 60 * 60_000;

type Source = (deps: Deps, db: Db, now: Date, limit: number) => Promise<number>;

export const SOURCES = {
  sla: sweepSlaAlerts,
  promises: sweepPromiseAlerts,
  care: sweepCareExpiry,
  followUps: sweepFollowUps,
  snoozes: sweepSnoozes,
  catchUp: catchUpCreated,
} satisfies Record<string, Source>;
export type SourceName = keyof typeof SOURCES;

export type SweepResult = {
  /** false: another sweeper held the lock; nothing was done */
  ran: boolean;
  counts: Record<SourceName, number>;
  /** sources that threw (rolled back to their savepoint) with the message */
  errors: Partial<Record<SourceName, string>>;
  /** milliseconds per source, and the whole sweep */
  timings: Partial<Record<SourceName, number>>;
  ms: number;
};

const zero = (): Record<SourceName, number> => ({ sla: 0, promises: 0, care: 0, followUps: 0, snoozes: 0, catchUp: 0 });

/** Tickets created in the last hour (index tickets_created) that have no ticket_sla row: the
 *  one-statement create path runs the hook after its insert committed, and a crash in between
 *  would leave them without SLA, promises' and priority's view of them. Runs the 'created' hook. */
export async function catchUpCreated(deps: Deps, db: Db, now: Date, limit: number): Promise<number> {
  const rows = (await sql<{ id: string; created_at: Date; status: TicketStatus; signals: string[]; by_customer: boolean | null }>`
    select t.id::text, t.created_at, t.status, t.signals,
      (select m.author_type = 'customer' from messages m where m.ticket_id = t.id order by m.id limit 1) as by_customer
    from tickets t
    where t.created_at >= ${new Date(now.getTime() - CATCH_UP_WINDOW_MS)} and t.created_at < ${new Date(now.getTime() - CATCH_UP_GRACE_MS)}
      and not exists (select 1 from ticket_sla s where s.ticket_id = t.id)
    order by t.created_at, t.id
    limit ${limit}`.execute(db)).rows;
  for (const t of rows) {
    await afterTicketChange(deps, db, { kind: 'created', ticketId: t.id, at: t.created_at, status: t.status, byCustomer: t.by_customer ?? false, signals: t.signals ?? [] });
  }
  return rows.length;
}

/** One sweep; returns at once (ran: false) when another sweeper holds the lock. */
export async function sweep(deps: Deps, opts: { now?: Date; limit?: number; only?: SourceName[] } = {}): Promise<SweepResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? SWEEP_LIMIT;
  const counts = zero();
  const errors: SweepResult['errors'] = {};
  const timings: SweepResult['timings'] = {};
  const ran = await deps.db.transaction().execute(async (trx) => {
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${SWEEP_LOCK[0]}::int, ${SWEEP_LOCK[1]}::int) as ok`.execute(trx);
    if (!lock.rows[0].ok) return false;
    for (const [name, source] of Object.entries(SOURCES) as [SourceName, Source][]) {
      if (opts.only && !opts.only.includes(name)) continue;
      const t0 = Date.now();
      await sql`savepoint sweep_source`.execute(trx);
      try {
        // deps.db is the sweep's transaction too: nothing a source calls can take a second connection
        counts[name] = await source({ ...deps, db: trx }, trx, now, limit);
        await sql`release savepoint sweep_source`.execute(trx);
      } catch (e) {
        await sql`rollback to savepoint sweep_source`.execute(trx);
        await sql`release savepoint sweep_source`.execute(trx);
        errors[name] = e instanceof Error ? e.message : String(e);
        deps.log.error({ err: e, source: name }, 'keeping sweep: a source failed; the others go on');
      }
      timings[name] = Date.now() - t0;
    }
    return true;
  });
  return { ran, counts, errors, timings, ms: Date.now() - started };
}

/** Sweeps again while some source filled its limit (a backlog), each sweep its own transaction, within budgetMs. */
export async function sweepUntilDone(deps: Deps, opts: { limit?: number; budgetMs?: number } = {}): Promise<SweepResult[]> {
  const limit = opts.limit ?? SWEEP_LIMIT;
  const end = Date.now() + (opts.budgetMs ?? 40_000);
  const out: SweepResult[] = [];
  for (;;) {
    const r = await sweep(deps, { limit });
    out.push(r);
    // (not the catch-up: a ticket its hook leaves without an SLA row would be found again and again)
    const full = (Object.entries(r.counts) as [SourceName, number][]).some(([k, n]) => k !== 'catchUp' && n >= limit);
    if (!r.ran || !full || Date.now() >= end) return out;
  }
}
