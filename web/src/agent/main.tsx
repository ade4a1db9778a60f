// Agent app entry: session gate, query client, i18n, router.
import '../common/messages.common.ts';
import './messages.ts';
import '../common/styles.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, get, post, setUnauthorizedHandler } from '../common/api.ts';
import { I18nProvider, useLang, useT } from '../common/i18n.tsx';
import { Login } from '../common/Login.tsx';
import { SessionProvider, type Me } from '../common/session.tsx';
import { router } from './router.tsx';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2, refetchOnWindowFocus: false } },
});

function Gate() {
  const t = useT();
  const { setLang } = useLang();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  // a 401 means "session expired" only once signed in (the first /auth/me may answer 401)
  useEffect(() => setUnauthorizedHandler(me ? () => setExpired(true) : null), [me]);
  useEffect(() => {
    get<Me>('/api/v1/auth/me').then((m) => (m.kind === 'user' ? setMe(m) : setMe(null)), () => setMe(null));
  }, []);
  useEffect(() => {
    if (me?.locale === 'ru' || me?.locale === 'en') if (!localStorage.getItem('slovo.lang')) setLang(me.locale);
  }, [me, setLang]);
  if (me === undefined) return <p className="loading" role="status">{t('common.loading')}</p>;
  if (me === null) return <Login onDone={(m) => setMe(m)} />;
  const signOut = async () => {
    await post('/api/v1/auth/logout').catch(() => {});
    queryClient.clear();
    setMe(null);
  };
  return (
    <SessionProvider me={me} signOut={signOut}>
      {/* an expired session shows the sign-in over the app: open drafts stay mounted */}
      <div inert={expired || undefined}>
        <RouterProvider router={router} />
      </div>
      {expired && (
        <div className="overlay" role="dialog" aria-modal="true">
          <Login expired onDone={(m) => { setMe(m); setExpired(false); void queryClient.invalidateQueries(); }} />
        </div>
      )}
    </SessionProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Gate />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
