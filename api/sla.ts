// SLA policies, a ticket's SLA state and the SLA report. Targets are business minutes of the
// policy's calendar (else the ticket's calendar).
import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Channel, Priority, Stage, Status } from './tickets.ts';

const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).min(1).max(max);

/** All given keys must hold; a missing key matches anything. tags: any of. */
export const SlaConditions = z.object({
  stages: list(Stage, 6).optional(),
  vip: z.boolean().optional(), // customer stage 'vip' or a VIP organization
  organizationIds: list(Id, 500).optional(),
  priorities: list(Priority, 4).optional(),
  channels: list(Channel, 5).optional(),
  tags: list(z.string().trim().min(1).max(100), 100).optional(),
  groupIds: list(Id, 500).optional(),
}).strict();

const Minutes = z.number().int().min(1).max(525_600); // up to a year of round-the-clock minutes
export const SlaTargets = z.object({
  firstResponseMin: Minutes.nullable(),
  nextResponseMin: Minutes.nullable(),
  resolutionMin: Minutes.nullable(),
});
export const SlaPause = z.object({ pendingCustomer: z.boolean(), pendingThirdParty: z.boolean(), onHold: z.boolean() });
const WarnPercents = z.array(z.number().int().min(1).max(99)).max(5)
  .refine((a) => new Set(a).size === a.length, 'percents must differ');
const Name = z.string().trim().min(1).max(200);
const Position = z.number().int().min(0).max(100_000);

export const SlaPolicy = z.object({
  id: Id,
  name: z.string(),
  position: z.number().int(),
  active: z.boolean(),
  conditions: SlaConditions,
  targets: SlaTargets,
  pause: SlaPause,
  warnPercents: z.array(z.number().int()),
  calendarId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const hasTarget = (t: Partial<z.infer<typeof SlaTargets>> | undefined) => !t || Object.values(t).some((v) => v != null);

export const CreateSlaPolicyBody = z.object({
  name: Name,
  position: Position.optional(), // default: after the last one
  active: z.boolean().default(true),
  conditions: SlaConditions.default({}),
  targets: SlaTargets.partial().refine(hasTarget, 'at least one target'),
  pause: SlaPause.partial().default({}),
  warnPercents: WarnPercents.default([75, 90]),
  calendarId: Id.nullable().default(null),
});

export const UpdateSlaPolicyBody = z
  .object({
    name: Name, position: Position, active: z.boolean(), conditions: SlaConditions,
    targets: SlaTargets.partial().refine(hasTarget, 'at least one target'), pause: SlaPause.partial(),
    warnPercents: WarnPercents, calendarId: Id.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const SlaMetricState = z.object({
  targetMin: z.number().int().nullable(),
  dueAt: Timestamp.nullable(), // null while paused or when the metric has no clock
  metAt: Timestamp.nullable(),
  breachedAt: Timestamp.nullable(),
  /** business minutes until due (negative: overdue); while paused, what is kept; null: no clock */
  businessMinutesLeft: z.number().int().nullable(),
  running: z.boolean(),
  paused: z.boolean(),
});

export const TicketSla = z.object({
  ticketId: Id,
  policy: z.object({ id: Id, name: z.string(), deleted: z.boolean() }).nullable(),
  calendar: z.object({ id: Id.nullable(), name: z.string().nullable(), timeZone: z.string() }),
  paused: z.boolean(),
  waiting: z.object({ status: Status, since: Timestamp }).nullable(),
  firstResponse: SlaMetricState,
  nextResponse: SlaMetricState.extend({ startedAt: Timestamp.nullable(), met: z.number().int(), breaches: z.number().int() }),
  resolution: SlaMetricState,
  /** business minutes waited, the current wait included */
  waits: z.object({ customerMin: z.number().int(), thirdPartyMin: z.number().int() }),
  alerts: z.array(z.object({ at: Timestamp, metric: z.enum(['first_response', 'next_response', 'resolution']), level: z.number().int() })),
});

export const SlaReportQuery = z.object({
  from: Timestamp,
  to: Timestamp,
  groupId: Id.optional(),
}).refine((q) => Date.parse(q.from) < Date.parse(q.to), 'from must be before to')
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, 'at most 400 days');

const MetricReport = z.object({
  met: z.number().int(), breached: z.number().int(), running: z.number().int(),
  breachRate: z.number().nullable(), // breached / (met + breached)
});

export const SlaReport = z.object({
  from: Timestamp,
  to: Timestamp,
  groupId: Id.nullable(),
  tickets: z.number().int(), // tickets created in [from, to) that have an SLA row
  firstResponse: MetricReport,
  nextResponse: MetricReport, // counted per customer message waiting for a reply
  resolution: MetricReport,
  waits: z.object({
    customerMinTotal: z.number().int(), customerMinAvg: z.number(),
    thirdPartyMinTotal: z.number().int(), thirdPartyMinAvg: z.number(),
  }),
});
