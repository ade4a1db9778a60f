// The list's tickets: keyset pages of 100 (a view's own endpoint when the bar adds nothing).
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { get, qs } from '../../common/api.ts';
import { filterParams, type Filters, type Sort, type Ticket, type TicketPage } from './types.ts';

export const PAGE = 100;
export const listKey = ['tickets', 'list'] as const;

export type Source = { viewId: string | null; plain: boolean; filters: Filters; sort: Sort };

function url(s: Source, cursor: string | undefined): string {
  if (s.viewId && s.plain) return `/api/v1/views/${s.viewId}/tickets${qs({ limit: PAGE, cursor })}`;
  return `/api/v1/tickets${qs({ ...filterParams(s.filters), sort: s.sort, limit: PAGE, cursor })}`;
}

export function useTicketList(source: Source) {
  const key = [...listKey, source] as const;
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => get<TicketPage>(url(source, pageParam), signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  // live events refetch the loaded pages (useLiveInvalidation in the Layout: the 'tickets' root)
  const items = useMemo(() => {
    // a ticket that moved between pages during a refetch shows once
    const seen = new Set<string>();
    const out: Ticket[] = [];
    for (const p of q.data?.pages ?? []) for (const t of p.items) if (!seen.has(t.id)) { seen.add(t.id); out.push(t); }
    return out;
  }, [q.data]);
  return { ...q, items };
}
