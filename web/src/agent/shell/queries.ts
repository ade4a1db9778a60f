// Queries the shell and the list share: the views, their counts.
import { useQuery } from '@tanstack/react-query';
import { get } from '../../common/api.ts';
import type { View, ViewCounts } from './types.ts';

export const viewsKey = ['views'] as const;
export const viewCountsKey = ['views', 'counts'] as const;

export function useViews() {
  return useQuery({ queryKey: viewsKey, queryFn: ({ signal }) => get<{ items: View[] }>('/api/v1/views', signal).then((r) => r.items) });
}

/** Counts, refreshed every 30 s; live ticket events make them stale too (useLiveInvalidation in the Layout). */
export function useViewCounts() {
  return useQuery({
    queryKey: viewCountsKey,
    queryFn: ({ signal }) => get<ViewCounts>('/api/v1/views/counts', signal),
    refetchInterval: 30_000,
    staleTime: 5_000,
  });
}
