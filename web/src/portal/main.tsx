// Customer portal entry (/portal/): magic-link sign-in, own tickets, promises. Owner: portal.
import '../common/messages.common.ts';
import './messages.ts';
import '../common/styles.css';
import './portal.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, post, setUnauthorizedHandler } from '../common/api.ts';
import { I18nProvider, useLang, useT } from '../common/i18n.tsx';
import type { Me } from '../common/session.tsx';
import { Layout } from './Layout.tsx';
import { NewTicket } from './NewTicket.tsx';
import { navigate, useRoute } from './router.tsx';
import { SignIn } from './SignIn.tsx';
import { NotFound, TicketPage } from './TicketPage.tsx';
import { TicketList } from './TicketList.tsx';
import { Verify } from './Verify.tsx';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2, refetchOnWindowFocus: true } },
});

/** Signing out on a shared computer leaves no half-written messages behind. */
function forgetDrafts() {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith('slovo.portal.draft.')) localStorage.removeItem(k);
  } catch { /* storage blocked */ }
}

function Portal() {
  const t = useT();
  const { setLang } = useLang();
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [staff, setStaff] = useState(false);
  const [expired, setExpired] = useState(false);

  const verified = useRef(false);
  useEffect(() => {
    // plain fetch: a 401 here means "not signed in yet", not "session expired"; a link verified
    // meanwhile wins over this answer
    fetch('/api/v1/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? (r.json() as Promise<Me>) : null))
      .then((m) => {
        if (verified.current) return;
        setStaff(m?.kind === 'user');
        setMe(m?.kind === 'customer' ? m : null);
      }, () => { if (!verified.current) setMe(null); });
  }, []);
  // a 401 once signed in: the session ended (a spent link on /portal/login is not that)
  useEffect(() => setUnauthorizedHandler(me ? () => {
    if (window.location.pathname.startsWith('/portal/login')) return;
    queryClient.clear();
    setExpired(true);
    setMe(null);
  } : null), [me]);
  useEffect(() => {
    if ((me?.locale === 'ru' || me?.locale === 'en') && !localStorage.getItem('slovo.lang')) setLang(me.locale);
  }, [me, setLang]);

  const signedIn = useCallback((m: Me) => {
    verified.current = true;
    queryClient.clear();
    setExpired(false);
    setStaff(false);
    setMe(m);
    navigate('/portal/', { replace: true });
  }, []);
  const signOut = async () => {
    await post('/api/v1/auth/logout').catch(() => {});
    forgetDrafts();
    queryClient.clear();
    setMe(null);
    navigate('/portal/');
  };

  let page;
  if (route.name === 'login') page = <Verify token={route.token} onDone={signedIn} />;
  else if (me === undefined) page = <p className="loading" role="status">{t('common.loading')}</p>;
  else if (me === null && staff) page = (
    <section className="card">
      <h1>{t('portal.signin.title')}</h1>
      <p>{t('portal.signin.staff')}</p>
      <p><a href="/">{t('portal.signin.staffLink')}</a></p>
      <button type="button" onClick={() => void signOut().then(() => setStaff(false))}>{t('portal.signOut')}</button>
    </section>
  );
  else if (me === null) page = <SignIn notice={expired ? t('portal.signin.expired') : null} />;
  else if (route.name === 'home') page = <TicketList />;
  else if (route.name === 'ticket') page = <TicketPage key={route.ref} ticketRef={route.ref} />;
  else if (route.name === 'new') page = <NewTicket />;
  else page = <NotFound title={t('nav.notFound')} />;
  return <Layout me={me ?? null} onSignOut={() => void signOut()}>{page}</Layout>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Portal />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
