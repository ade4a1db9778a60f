// Channel health wire shapes: alerts, per-path health, heartbeat probes.
import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.ts';

export const AlertKind = z.enum(['silence', 'fetch_error', 'send_error', 'probe_missed', 'loop', 'quarantine']);

export const MailAlert = z.object({
  id: Id,
  channelId: Id,
  path: z.string().nullable(), // null: the channel as a whole
  kind: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  openedAt: Timestamp,
  lastSeenAt: Timestamp,
  clearedAt: Timestamp.nullable(),
});

export const AlertsQuery = PageQuery.extend({
  open: z.enum(['true', 'false']).optional(), // omitted: both
  channelId: Id.optional(),
});

export const SilenceSource = z.enum(['learned', 'configured', 'default']);

export const PathHealth = z.object({
  path: z.string(),
  lastArrivalAt: Timestamp.nullable(), // last real mail (probes not counted)
  lastOkAt: Timestamp.nullable(),
  lastErrorAt: Timestamp.nullable(),
  lastError: z.string().nullable(),
  failing: z.boolean(), // the last attempt failed
  silence: z.object({
    limitMinutes: z.number().int(), // silence after the last arrival that is still normal
    source: SilenceSource,
    deadline: Timestamp, // alert from this moment if nothing arrives
    silentMinutes: z.number().int(),
    abnormal: z.boolean(),
    watched: z.boolean(), // false: too few mails on this path to call its silence unusual
  }),
  /** Typical silence (minutes) per hour of week, Monday 00 first in `timeZone`; null when not learned. */
  rhythm: z.array(z.number().int().nullable()).nullable(),
  probes: z.object({
    lastSeenAt: Timestamp.nullable(),
    state: z.enum(['ok', 'degraded', 'unknown']),
  }),
});

export const ChannelHealth = z.object({
  channelId: Id,
  checkedAt: Timestamp,
  timeZone: z.string(), // hours of week of the rhythm (settings.health.timeZone, default UTC)
  paths: z.array(PathHealth),
  probes: z.object({
    enabled: z.boolean(),
    intervalMinutes: z.number().int(),
    lastSentAt: Timestamp.nullable(),
  }),
  alerts: z.array(MailAlert), // open alerts of the channel
});

export const ProbeSent = z.object({ token: z.string(), sentAt: Timestamp, outboxId: Id });
