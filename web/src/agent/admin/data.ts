// Lists several admin sections share (first 200 by name: enough for a help desk's staff).
import { useQuery } from '@tanstack/react-query';
import { get } from '../../common/api.ts';
import type { Calendar, Group, Page, User } from './types.ts';

export const K = {
  users: ['admin', 'users'],
  groups: ['admin', 'groups'],
  calendars: ['admin', 'calendars'],
} as const;

export const useUsers = () => useQuery({ queryKey: K.users, queryFn: () => get<Page<User>>('/api/v1/users?limit=200') });
export const useGroups = () => useQuery({ queryKey: K.groups, queryFn: () => get<Page<Group>>('/api/v1/groups?limit=200') });
export const useCalendars = () => useQuery({ queryKey: K.calendars, queryFn: () => get<{ items: Calendar[] }>('/api/v1/calendars') });
