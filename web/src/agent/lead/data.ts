// What the lead page reads: promises by due time, open tickets by score (SLA, broken promises,
// escalations), threat tickets, open mail alerts. Every query under ['lead', …]: live events refresh them.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import type { z } from 'zod';
import type { MailAlert as MailAlertS } from '../../../../api/mail-health.ts';
import type { Channel as ChannelS } from '../../../../api/mail.ts';
import type { PromiseItem as PromiseItemS } from '../../../../api/promises.ts';
import type { Ticket as TicketS } from '../../../../api/tickets.ts';
import { get, qs } from '../../common/api.ts';
import { useLive, useLiveReconnect } from '../../common/live.ts';

export type PromiseItem = z.infer<typeof PromiseItemS>;
export type Ticket = z.infer<typeof TicketS>;
export type MailAlert = z.infer<typeof MailAlertS>;
export type Channel = z.infer<typeof ChannelS>;
type Page<T> = { items: T[]; nextCursor: string | null };

export const LEAD_KEY = ['lead'] as const;
/** Unsolved statuses (the lead cares about work still to do). */
export const OPEN = ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold'];
export const SOON_MS = 2 * 3600_000;
export const LIMIT = 100;
const every = { refetchInterval: 60_000, staleTime: 5_000 };

/** Open promises due before `until` (oldest due first). */
function usePromisesDue(name: string, until: () => number, enabled: boolean) {
  return useQuery({
    queryKey: [...LEAD_KEY, 'promises', name],
    enabled,
    ...every,
    queryFn: ({ signal }) => get<Page<PromiseItem>>(`/api/v1/promises${qs({ state: 'open', dueBefore: new Date(until()).toISOString(), limit: LIMIT })}`, signal),
  });
}

export function useLeadData(enabled: boolean) {
  const overdue = usePromisesDue('overdue', () => Date.now(), enabled);
  const soon = usePromisesDue('soon', () => Date.now() + SOON_MS, enabled);
  // the highest scores first: SLA breaches, broken promises and escalations add points, so they lead
  const scored = useQuery({
    queryKey: [...LEAD_KEY, 'scored'],
    enabled,
    ...every,
    queryFn: ({ signal }) => get<Page<Ticket>>(`/api/v1/tickets${qs({ status: OPEN, sort: 'score', limit: 200 })}`, signal),
  });
  const unassigned = useQuery({
    queryKey: [...LEAD_KEY, 'unassigned'],
    enabled,
    ...every,
    queryFn: ({ signal }) => get<Page<Ticket>>(`/api/v1/tickets${qs({ status: OPEN, assigneeId: 'none', sort: 'score', limit: 200 })}`, signal),
  });
  const threats = useQuery({
    queryKey: [...LEAD_KEY, 'threats'],
    enabled,
    ...every,
    queryFn: ({ signal }) => get<Page<Ticket>>(`/api/v1/tickets${qs({ status: OPEN, signal: ['threat_regulator', 'threat_public'], sort: 'score', limit: LIMIT })}`, signal),
  });
  const alerts = useQuery({
    queryKey: [...LEAD_KEY, 'alerts'],
    enabled,
    ...every,
    queryFn: ({ signal }) => get<Page<MailAlert>>(`/api/v1/mail/alerts${qs({ open: 'true', limit: LIMIT })}`, signal),
  });
  const channels = useQuery({
    queryKey: [...LEAD_KEY, 'channels'],
    enabled,
    staleTime: 300_000,
    queryFn: ({ signal }) => get<{ items: Channel[] }>('/api/v1/mail/channels', signal),
  });
  return { overdue, soon, scored, unassigned, threats, alerts, channels };
}

/** Live: a burst of events refreshes the page once (after 1.5 s); a reconnect refreshes too. */
export function useLeadLive(enabled: boolean) {
  const qc = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: LEAD_KEY });
  useLive((e) => {
    if (!enabled || e.type === 'presence' || timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; refresh(); }, 1500);
  }, [qc, enabled]);
  useLiveReconnect(refresh);
}

export const hasPart = (t: Ticket, code: string) => t.priorityParts.some((p) => p.code === code);
