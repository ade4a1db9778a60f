// pg-boss workers. Each handler is idempotent: running a job twice changes nothing more.
import type PgBoss from 'pg-boss';
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { ticketRef } from '../modules/tickets/ticket-number.ts';
import { registerMailWorkers } from '../mail/index.ts';
import { sweepUntilDone } from '../modules/notifications/sweeper.ts';
import { recomputeAll } from '../modules/priority/recompute.ts';
import { refreshMany, unsolvedTicketsOf } from '../modules/priority/priority.service.ts';
import { queuePriorityRefresh, type RefreshJob } from '../modules/priority/queue.ts';

type AssignJob = { ticketId: string; assigneeId: string; eventId: string };
type MergedJob = { sourceId: string; targetId: string; email: string; language: string };

export async function notifyAssignee(deps: Deps, job: AssignJob): Promise<void> {
  const row = await deps.db
    .selectFrom('tickets as t')
    .innerJoin('users as u', 'u.id', 't.assignee_id')
    .select(['t.number', 't.subject', 't.assignee_id', 'u.email', 'u.locale', 'u.active'])
    .where('t.id', '=', job.ticketId)
    .executeTakeFirst();
  if (!row || row.assignee_id !== job.assigneeId || !row.active) return; // reassigned since, or gone: nothing to say
  const ref = ticketRef(deps.config, row.number);
  const ru = row.locale === 'ru';
  await deps.db
    .insertInto('outbox')
    .values({
      to_address: row.email,
      kind: 'assigned',
      dedupe_key: `assigned:${job.eventId}`,
      ticket_id: job.ticketId,
      subject: ru ? `[${ref}] Назначено вам: ${row.subject}` : `[${ref}] Assigned to you: ${row.subject}`,
      body_text: `${deps.config.publicUrl}/tickets/${row.number}\n`,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

export async function notifyMerged(deps: Deps, job: MergedJob): Promise<void> {
  const t = await deps.db.selectFrom('tickets').select(['number', 'subject', 'requester_id']).where('id', '=', job.targetId).executeTakeFirst();
  const s = await deps.db.selectFrom('tickets').select(['number', 'requester_id']).where('id', '=', job.sourceId).executeTakeFirst();
  if (!t || !s) return;
  const from = ticketRef(deps.config, s.number);
  const to = ticketRef(deps.config, t.number);
  const ru = job.language === 'ru';
  // another customer's ticket: its number only, never its subject
  const subject = t.requester_id === s.requester_id ? t.subject : null;
  await deps.db
    .insertInto('outbox')
    .values({
      to_address: job.email,
      kind: 'merged',
      dedupe_key: `merged:${job.sourceId}:${job.targetId}`,
      ticket_id: job.targetId,
      subject: ru ? `[${to}] Ваше обращение ${from} объединено с ${to}` : `[${to}] Your request ${from} was merged into ${to}`,
      body_text: ru
        ? `Мы продолжим работу по обращению ${to}${subject === null ? '' : `: «${subject}»`}. Отвечайте на это письмо.\n`
        : `We continue in ${to}${subject === null ? '' : `: "${subject}"`}. Reply to this message.\n`,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** New customers become active after SLOVO_NEW_CUSTOMER_DAYS. */
export async function sweepCustomerStages(deps: Deps): Promise<number> {
  const r = await deps.db
    .updateTable('customers')
    .set({ stage: 'active', stage_since: new Date(), updated_at: new Date() })
    .where('stage', '=', 'new')
    .where('stage_since', '<', sql<Date>`now() - make_interval(days => ${deps.config.SLOVO_NEW_CUSTOMER_DAYS})`)
    .returning('id')
    .execute();
  // "+15 new customer" leaves their open tickets' scores
  if (r.length) await queuePriorityRefresh(deps, deps.db, await unsolvedTicketsOf(deps.db, { customerIds: r.map((c) => c.id) }));
  return r.length;
}

export async function registerWorkers(deps: Deps, boss: PgBoss): Promise<void> {
  await boss.work<AssignJob>('notify.assignee', { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const j of jobs) await notifyAssignee(deps, j.data);
  });
  await boss.work<MergedJob>('notify.merged', { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const j of jobs) await notifyMerged(deps, j.data);
  });
  await boss.work('customers.stage-sweep', async () => {
    await sweepCustomerStages(deps);
  });
  await boss.schedule('customers.stage-sweep', '17 3 * * *', {}, { tz: 'UTC' });
  await registerMailWorkers(deps, boss);
  // keeping the word: the one sweeper (every minute, and once at start) and the bulk priority recompute
  await boss.work('keeping.sweep', { pollingIntervalSeconds: 2 }, async () => {
    await sweepUntilDone(deps);
  });
  await boss.schedule('keeping.sweep', '* * * * *', {}, { tz: 'UTC' });
  await boss.send('keeping.sweep', {});
  await boss.work('priority.recompute', async () => {
    await recomputeAll(deps);
  });
  // scores of tickets whose SLA alerts or promises just fired (queued by the sweeper)
  await boss.work<RefreshJob>('priority.refresh', { pollingIntervalSeconds: 1, batchSize: 4 }, async (jobs) => {
    for (const j of jobs) await refreshMany(deps, deps.db, j.data.ids);
  });
}
