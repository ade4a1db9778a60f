// Promise ledger shapes. Helper C extends this file (Promise, list/metrics shapes).
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const PromiseKind = z.enum(['callback', 'update', 'fix', 'info', 'other']);

/** A promise to record: from the coach's extraction (confirmed or edited by the agent) or by hand. */
export const NewPromiseInput = z.object({
  text: z.string().trim().min(1).max(2000),
  dueAt: Timestamp,
  kind: PromiseKind.default('other'),
  ownerId: Id.optional(), // default: the author of the reply / the caller
  visibleToCustomer: z.boolean().default(true),
});
