// Saved views (queues). `name` is the main (Russian) name, `nameEn` the optional English one.
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Sort, TicketFilters } from './tickets.ts';

export const VIEW_COUNT_CAP = 10_000;

const Name = z.string().trim().min(1).max(100);

export const View = z.object({
  id: Id,
  name: Name,
  nameEn: z.string().nullable(),
  filters: TicketFilters,
  sort: Sort,
  shared: z.boolean(),
  /** the stored filters or sort are no longer valid (a field was deleted...): filters come empty, its tickets answer 422 until edited */
  invalid: z.boolean(),
  position: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateViewBody = z.object({
  name: Name,
  nameEn: Name.nullable().optional(),
  filters: TicketFilters.default({}),
  sort: Sort.default('score'), // the priority score (index tickets_queue_score)
  shared: z.boolean().default(false), // personal views belong to the caller; shared ones need lead rights
  position: z.number().int().min(0).max(100_000).optional(),
});

export const UpdateViewBody = z
  .object({ name: Name, nameEn: Name.nullable(), filters: TicketFilters, sort: Sort, position: z.number().int().min(0).max(100_000) })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const ViewCounts = z.object({
  items: z.array(z.object({ viewId: Id, count: z.number().int(), capped: z.boolean() })),
  cap: z.number().int(),
});
