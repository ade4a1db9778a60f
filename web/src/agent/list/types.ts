// List shapes (types only from api/) and the pure helpers of the list: filters, badges.
import type { z } from 'zod';
import type { Sort as SortSchema, Status as StatusSchema, Ticket as TicketSchema, TicketFilters } from '../../../../api/tickets.ts';
import type { View } from '../shell/types.ts';

export type Ticket = z.infer<typeof TicketSchema>;
export type Sort = z.infer<typeof SortSchema>;
export type Status = z.infer<typeof StatusSchema>;
export type Filters = TicketFilters;
export type TicketPage = { items: Ticket[]; nextCursor: string | null };

export const STATUSES: Status[] = ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed'];
export const UNSOLVED: Status[] = ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const STAGES = ['lead', 'trial', 'new', 'active', 'vip', 'churned'] as const;
export const SORTS: Sort[] = ['score', 'priority', 'updated', 'created', 'oldest'];

/** The filters bar: '' = as the view has it. */
export type Bar = {
  status: string; priority: string; groupId: string; assigneeId: string; tag: string; stage: string; updatedSince: string; sort: '' | Sort;
};
export const EMPTY_BAR: Bar = { status: '', priority: '', groupId: '', assigneeId: '', tag: '', stage: '', updatedSince: '', sort: '' };

export const barIsEmpty = (b: Bar) => Object.values(b).every((v) => v === '');

const BAR_KEYS = Object.keys(EMPTY_BAR) as (keyof Bar)[];

/** The bar from the URL's query (unknown keys and values that are not plain are ignored). */
export function barFromSearch(search: Record<string, unknown>): Bar {
  const b = { ...EMPTY_BAR };
  for (const k of BAR_KEYS) {
    const v = search[k];
    if (typeof v === 'string' || typeof v === 'number') (b as Record<string, string>)[k] = String(v);
  }
  if (b.sort && !SORTS.includes(b.sort)) b.sort = '';
  return b;
}

/** The bar as the URL's query: only what is set. */
export function barToSearch(b: Bar): Record<string, string> {
  return Object.fromEntries(BAR_KEYS.filter((k) => b[k] !== '').map((k) => [k, b[k]]));
}

/** The view's filters with the bar's choices over them. */
export function effective(view: View | null, bar: Bar): { filters: Filters; sort: Sort } {
  const f: Filters = { ...(view?.filters ?? {}) };
  if (bar.status) f.status = bar.status === 'unsolved' ? UNSOLVED : [bar.status as Status];
  if (bar.priority) f.priority = [bar.priority as Filters['priority'] & string] as Filters['priority'];
  if (bar.groupId) f.groupId = [bar.groupId];
  if (bar.assigneeId) f.assigneeId = [bar.assigneeId];
  if (bar.tag) f.tags = [...new Set([...(f.tags ?? []), bar.tag.trim().toLowerCase()])];
  if (bar.stage) f.stage = [bar.stage as (typeof STAGES)[number]];
  if (bar.updatedSince) f.updatedSince = new Date(`${bar.updatedSince}T00:00:00`).toISOString();
  return { filters: f, sort: bar.sort || view?.sort || 'score' };
}

/** Query string values of GET /tickets for the filters (custom fields as JSON). */
export function filterParams(f: Filters): Record<string, unknown> {
  const { custom, ...rest } = f;
  return { ...rest, custom: custom && Object.keys(custom).length ? JSON.stringify(custom) : undefined };
}

export type BadgeKind = 'slaBreached' | 'slaAtRisk' | 'promiseBroken' | 'care' | 'threat' | 'churn' | 'anger';

/** What the list can tell from a ticket: its score parts and analyzer signals. */
export function badges(t: Ticket): { kind: BadgeKind; tone: 'danger' | 'warn'; title?: string }[] {
  const parts = new Map(t.priorityParts.map((p) => [p.code, p]));
  const sig = new Set<string>(t.signals);
  const out: { kind: BadgeKind; tone: 'danger' | 'warn'; title?: string }[] = [];
  if (parts.has('sla_breached')) out.push({ kind: 'slaBreached', tone: 'danger' });
  else if (parts.has('sla_at_risk')) out.push({ kind: 'slaAtRisk', tone: 'warn' });
  if (parts.has('promise_broken') || sig.has('broken_promise')) out.push({ kind: 'promiseBroken', tone: 'danger' });
  if (sig.has('threat_regulator') || sig.has('threat_public')) out.push({ kind: 'threat', tone: 'danger' });
  const care = parts.get('care');
  if (care) out.push({ kind: 'care', tone: 'warn', title: care.label_ru });
  if (sig.has('churn')) out.push({ kind: 'churn', tone: 'warn' });
  if (sig.has('anger')) out.push({ kind: 'anger', tone: 'warn' });
  return out;
}
