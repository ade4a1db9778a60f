// Who is asking. Built by http/auth.ts, passed to every service function.
import type { Role } from './db/types.ts';

export type UserActor = {
  kind: 'user';
  id: string;
  role: Role;
  level: number;
  locale: string;
  via: 'session' | 'token';
  scopes: string[]; // token scopes; sessions have all of the user's rights
  sessionId?: string;
  tokenId?: string;
};
export type CustomerActor = { kind: 'customer'; id: string; sessionId: string; locale: string };
export type AnonymousActor = { kind: 'anonymous' };
export type Actor = UserActor | CustomerActor | AnonymousActor;

export const ANONYMOUS: AnonymousActor = { kind: 'anonymous' };
export const SYSTEM: UserActor = { kind: 'user', id: '0', role: 'admin', level: 3, locale: 'en', via: 'token', scopes: ['admin'] };

export function actorKey(a: Actor): string {
  return a.kind === 'anonymous' ? 'anonymous' : `${a.kind}:${a.id}`;
}
