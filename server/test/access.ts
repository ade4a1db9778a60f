// The role x route matrix: each module lists, in <module>.access.ts, who may call each
// of its routes and how to build a valid request. http/access-matrix.test.ts runs every
// case for every principal and fails when a registered route has no entry.
import type { Client, TestCtx } from './harness.ts';

export const PRINCIPALS = ['anonymous', 'customer', 'light_agent', 'agent', 'lead', 'admin'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export type Req = { url: string; body?: unknown; headers?: Record<string, string>; raw?: Buffer | string };

export type Fixture = {
  ctx: TestCtx;
  admin: Client & { userId: string };
  /** The signed-in client for this principal (a fresh one per principal). */
  client: Client;
  principal: Principal;
  /** For customer principals: their customer id; otherwise null. */
  customerId: string | null;
  /** A new ticket (created by the admin) whose requester is someone else. */
  ticket: () => Promise<{ id: string; number: string; version: number }>;
};

export type AccessCase = {
  route: string; // "METHOD /url/pattern" exactly as registered
  allow: readonly Principal[];
  request: (f: Fixture) => Promise<Req> | Req;
  /** Status a denied principal gets; default anonymous 401, others 403. */
  denied?: Partial<Record<Principal, number>>;
  /** The request changes the caller's own session/user: use a fresh signed-in client per principal. */
  fresh?: boolean;
};

export const STAFF = ['light_agent', 'agent', 'lead', 'admin'] as const;
export const AGENTS = ['agent', 'lead', 'admin'] as const;
export const LEADS = ['lead', 'admin'] as const;
export const ADMINS = ['admin'] as const;
export const SIGNED_IN = ['customer', ...STAFF] as const;
export const EVERYONE = PRINCIPALS;
