// Queries of the ticket view. Every key starts with ['ticket', ref] so one invalidation refreshes all.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, qs } from '../../common/api.ts';
import type {
  CareT, CustomerT, EventT, FieldT, GroupT, LinkT, MessageT, OrgT, PageOf, PromisesT, SlaT, TicketT, UserT,
} from './types.ts';

const PREFIX_KEY = 'slovo.ticketPrefix';
export const MESSAGES_PAGE = 50;

/** The API takes an id ("42") or a ref ("SL-10427"); the route may carry just the number ("10427"). */
export async function resolveTicket(param: string, signal?: AbortSignal): Promise<TicketT> {
  const enc = encodeURIComponent;
  if (!/^\d+$/.test(param)) return remember(await get<TicketT>(`/api/v1/tickets/${enc(param)}`, signal));
  let prefix = localStorage.getItem(PREFIX_KEY);
  if (!prefix) {
    const any = await get<PageOf<TicketT>>('/api/v1/tickets?limit=1', signal);
    prefix = any.items[0]?.number.split('-')[0] ?? 'SL';
  }
  return remember(await get<TicketT>(`/api/v1/tickets/${enc(`${prefix}-${param}`)}`, signal));
}

function remember(t: TicketT): TicketT {
  const p = t.number.split('-')[0];
  if (p) localStorage.setItem(PREFIX_KEY, p);
  return t;
}

/** The ref every other call uses: "SL-10427" when the route carries a number. */
export function apiRef(param: string): string | null {
  if (!/^\d+$/.test(param)) return param;
  const p = localStorage.getItem(PREFIX_KEY);
  return p ? `${p}-${param}` : null;
}

const base = (ref: string) => `/api/v1/tickets/${encodeURIComponent(ref)}`;

export function useTicket(param: string) {
  return useQuery({ queryKey: ['ticket', param], queryFn: ({ signal }) => resolveTicket(param, signal), staleTime: 0 });
}

/** Messages oldest first, a page at a time; `ref` may be null until the ticket resolved. */
export function useMessages(param: string, ref: string | null) {
  return useInfiniteQuery({
    queryKey: ['ticket', param, 'messages'],
    enabled: !!ref,
    initialPageParam: '' as string,
    queryFn: ({ pageParam, signal }) =>
      get<PageOf<MessageT>>(`${base(ref!)}/messages${qs({ limit: MESSAGES_PAGE, cursor: pageParam })}`, signal),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
    staleTime: 0,
  });
}

function sub<T>(param: string, ref: string | null, name: string, path: string, enabled = true) {
  return {
    queryKey: ['ticket', param, name],
    enabled: !!ref && enabled,
    queryFn: ({ signal }: { signal: AbortSignal }) => get<T>(`${base(ref!)}${path}`, signal),
    staleTime: 0,
  };
}

export const useEvents = (param: string, ref: string | null) => useQuery(sub<PageOf<EventT>>(param, ref, 'events', '/events?limit=200'));
export const useSla = (param: string, ref: string | null) => useQuery({ ...sub<SlaT>(param, ref, 'sla', '/sla'), retry: false });
export const usePromises = (param: string, ref: string | null) => useQuery(sub<PromisesT>(param, ref, 'promises', '/promises'));
export const useCare = (param: string, ref: string | null) => useQuery(sub<{ items: CareT[] }>(param, ref, 'care', '/care'));
export const useLinks = (param: string, ref: string | null) => useQuery(sub<PageOf<LinkT>>(param, ref, 'links', '/links?limit=50'));

export function useCustomer(id: string | undefined) {
  return useQuery({ queryKey: ['customer', id], enabled: !!id, queryFn: ({ signal }) => get<CustomerT>(`/api/v1/customers/${id}`, signal) });
}
export function useOrganization(id: string | null | undefined) {
  return useQuery({ queryKey: ['organization', id], enabled: !!id, queryFn: ({ signal }) => get<OrgT>(`/api/v1/organizations/${id}`, signal) });
}
export function useRequesterTickets(requesterId: string | undefined) {
  return useQuery({
    queryKey: ['tickets', 'requester', requesterId],
    enabled: !!requesterId,
    queryFn: ({ signal }) => get<PageOf<TicketT>>(`/api/v1/tickets${qs({ requesterId, limit: 10, sort: 'updated' })}`, signal),
  });
}
export function useUsers() {
  return useQuery({ queryKey: ['users', 'active'], staleTime: 60_000, queryFn: ({ signal }) => get<PageOf<UserT>>('/api/v1/users?active=true&limit=200', signal) });
}
export function useGroups() {
  return useQuery({ queryKey: ['groups'], staleTime: 60_000, queryFn: ({ signal }) => get<PageOf<GroupT>>('/api/v1/groups?limit=200', signal) });
}
export function useFields() {
  return useQuery({ queryKey: ['fields', 'active'], staleTime: 60_000, queryFn: ({ signal }) => get<PageOf<FieldT>>('/api/v1/fields?active=true&limit=200', signal) });
}

/** Refetch everything of this ticket (after an action or a live event). */
export function useRefreshTicket(param: string) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['ticket', param] });
}

export const isConflict = (e: unknown) => e instanceof ApiError && (e.status === 412 || e.status === 409);
export { base as ticketUrl };
