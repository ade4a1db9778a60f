// Agents and groups by id, for names in the list and choices in filters and bulk actions.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Group as GroupSchema, User as UserSchema } from '../../../../api/people.ts';
import { get } from '../../common/api.ts';

export type User = z.infer<typeof UserSchema>;
export type Group = z.infer<typeof GroupSchema>;

const long = { staleTime: 5 * 60_000 };

export function useUsers() {
  return useQuery({
    queryKey: ['lookup', 'users'],
    queryFn: ({ signal }) => get<{ items: User[] }>('/api/v1/users?active=true&limit=200', signal).then((r) => r.items),
    ...long,
  });
}

export function useGroups() {
  return useQuery({
    queryKey: ['lookup', 'groups'],
    queryFn: ({ signal }) => get<{ items: Group[] }>('/api/v1/groups?limit=200', signal).then((r) => r.items),
    ...long,
  });
}

export function useNames() {
  const users = useUsers();
  const groups = useGroups();
  return {
    users: users.data ?? [],
    groups: groups.data ?? [],
    userName: new Map((users.data ?? []).map((u) => [u.id, u.name])),
    groupName: new Map((groups.data ?? []).map((g) => [g.id, g.name])),
  };
}
