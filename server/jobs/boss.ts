// pg-boss on the same database. Jobs are enqueued inside the caller's transaction
// (enqueue(trx, ...)) so a rolled-back change never leaves a job behind.
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../db/db.ts';
import type { Deps } from '../deps.ts';

export const QUEUES = [
  'notify.assignee', 'notify.merged', 'customers.stage-sweep',
  // the mail channel (server/mail): outbound sender, health (the inbound stages queue in inbound_mails)
  'mail.sweep', 'mail.send', 'mail.outbox-sweep', 'mail.health', 'mail.probe',
  // keeping the word: the one sweeper (SLA, promises, care, follow-ups, snoozes) and bulk priority recompute
  'keeping.sweep', 'priority.recompute', 'priority.refresh',
] as const;
export type QueueName = (typeof QUEUES)[number];

export async function startBoss(url: string, opts: { schedule: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    schedule: opts.schedule,
    supervise: true,
    application_name: 'slovo-jobs',
  });
  boss.on('error', () => {}); // surfaced through job state; a transient DB error must not crash the process
  await boss.start();
  for (const name of QUEUES) await boss.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true });
  return boss;
}

const beforeStop = new WeakMap<PgBoss, (() => Promise<void>)[]>();
/** Work of this process that is not a pg-boss worker (the mail pipeline's loops) stops first, with the jobs. */
export function onJobsStop(boss: PgBoss, fn: () => Promise<void>): void {
  beforeStop.set(boss, [...(beforeStop.get(boss) ?? []), fn]);
}

/** Stops this process's background work: loops registered with onJobsStop, then pg-boss. */
export async function stopJobs(boss: PgBoss, opts: PgBoss.StopOptions): Promise<void> {
  const fns = beforeStop.get(boss) ?? [];
  beforeStop.delete(boss);
  await Promise.all(fns.map((f) => f().catch(() => {})));
  await boss.stop(opts);
}

/** Enqueues a job in the transaction `db` belongs to. Without jobs (boss null) nothing is sent. */
export async function enqueue(deps: Pick<Deps, 'boss'>, db: Db, name: QueueName, data: object, opts: PgBoss.SendOptions = {}): Promise<void> {
  if (!deps.boss) return;
  await deps.boss.send(name, data, {
    ...opts,
    db: {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await db.executeQuery(CompiledQuery.raw(text, values));
        return { rows: r.rows as unknown[] };
      },
    },
  });
}

/** Enqueues many jobs of one queue with one statement, in the transaction `db` belongs to. */
export async function enqueueMany(deps: Pick<Deps, 'boss'>, db: Db, name: QueueName, data: object[]): Promise<void> {
  if (!deps.boss || !data.length) return;
  await deps.boss.insert(data.map((d) => ({ name, data: d })), {
    db: {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await db.executeQuery(CompiledQuery.raw(text, values));
        return { rows: r.rows as unknown[] };
      },
    },
  });
}
