// /portal/login?token=…: exchanges the one-time link for a session, or says it is spent.
import { useEffect, useState } from 'react';
import { ApiError, post } from '../common/api.ts';
import { useT } from '../common/i18n.tsx';
import type { Me } from '../common/session.tsx';
import { errorText } from './hooks.ts';
import { SignIn } from './SignIn.tsx';

// one request per token, even if the component mounts twice
const pending = new Map<string, Promise<Me>>();

export function Verify({ token, onDone }: { token: string | null; onDone: (me: Me) => void }) {
  const t = useT();
  const [failure, setFailure] = useState<string | null>(token ? null : t('portal.verify.failed'));
  useEffect(() => {
    if (!token) return;
    let live = true;
    let p = pending.get(token);
    if (!p) {
      p = post<Me>('/api/v1/portal/auth/verify', { token });
      pending.set(token, p);
      // settled: a later visit (history back after signing out) asks the server again
      p.finally(() => pending.delete(token)).catch(() => {});
    }
    p.then((me) => { if (live) onDone(me); }, (e) => {
      if (!live) return;
      const spent = e instanceof ApiError && (e.status === 400 || e.status === 401 || e.status === 404);
      setFailure(spent ? t('portal.verify.failed') : t('portal.verify.error', { message: errorText(e) }));
    });
    return () => { live = false; };
  }, [token, onDone, t]);
  if (failure) return <SignIn notice={failure} />;
  return <p className="loading" role="status">{t('portal.verify.checking')}</p>;
}
