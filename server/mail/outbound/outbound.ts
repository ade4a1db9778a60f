// Outbound mail: the outbox sender (jobs), its routes, and the writers other stages call.
import type PgBoss from 'pg-boss';
import { isId } from '../../../api/common.ts';
import type { Deps } from '../../deps.ts';
import { sendOne, sweepOutbox } from './sender.ts';

export { outboundRoutes } from './outbound.routes.ts';
export { queueAck, queueReply } from './queue.ts';

export async function registerOutboundWorkers(deps: Deps, boss: PgBoss): Promise<void> {
  // fast path: one job per new row, enqueued in the writer's transaction
  await boss.work<{ outboxId: string }>('mail.send', { pollingIntervalSeconds: 0.5, batchSize: 4 }, async (jobs) => {
    await Promise.all(jobs.filter((j) => isId(String(j.data?.outboxId))).map((j) => sendOne(deps, String(j.data.outboxId))));
  });
  // safety net: rows written without a job (older code paths), retries that are due, leases lost in a crash
  await boss.work('mail.outbox-sweep', { pollingIntervalSeconds: 5 }, async () => {
    await sweepOutbox(deps);
  });
  await boss.schedule('mail.outbox-sweep', '* * * * *', {}, { tz: 'UTC' });
}
