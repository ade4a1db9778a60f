// Who is signed in (GET /api/v1/auth/me), shared by the agent app and the portal.
import { createContext, useContext, type ReactNode } from 'react';
import type { z } from 'zod';
import type { Me as MeSchema } from '../../../api/auth.ts';

export type Me = z.infer<typeof MeSchema>;
const SessionCtx = createContext<{ me: Me; signOut: () => Promise<void> } | null>(null);

export function SessionProvider({ me, signOut, children }: { me: Me; signOut: () => Promise<void>; children: ReactNode }) {
  return <SessionCtx.Provider value={{ me, signOut }}>{children}</SessionCtx.Provider>;
}

/** The signed-in user; only inside the signed-in part of an app. */
export function useSession() {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export const can = {
  write: (me: Me) => me.role === 'admin' || me.role === 'lead' || me.role === 'agent',
  lead: (me: Me) => me.role === 'admin' || me.role === 'lead',
  admin: (me: Me) => me.role === 'admin',
};
