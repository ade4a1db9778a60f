// Queries the shell and the list share: the views, their counts.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { get } from '../../shared/api.ts';
import { useLive } from '../../shared/live.ts';
import type { View, ViewCounts } from './types.ts';

export const viewsKey = ['views'] as const;
export const viewCountsKey = ['views', 'counts'] as const;

export function useViews() {
  return useQuery({ queryKey: viewsKey, queryFn: ({ signal }) => get<{ items: View[] }>('/api/v1/views', signal).then((r) => r.items) });
}

/** Counts, refreshed every 30 s and shortly after a live ticket event (at most every 3 s). */
export function useViewCounts() {
  const qc = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLive((e) => {
    if (e.type === 'presence' || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void qc.invalidateQueries({ queryKey: viewCountsKey, exact: true });
    }, 3000);
  }, [qc]);
  return useQuery({
    queryKey: viewCountsKey,
    queryFn: ({ signal }) => get<ViewCounts>('/api/v1/views/counts', signal),
    refetchInterval: 30_000,
    staleTime: 5_000,
  });
}
