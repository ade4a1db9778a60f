// Portal frame: skip link, header with navigation, language switch and sign-out.
import type { ReactNode } from 'react';
import { useLang, useT } from '../common/i18n.tsx';
import type { Me } from '../common/session.tsx';
import { Link } from './router.tsx';

export function Layout({ me, onSignOut, children }: { me: Me | null; onSignOut?: () => void; children: ReactNode }) {
  const t = useT();
  const { lang, setLang } = useLang();
  const other = lang === 'ru' ? 'en' : 'ru';
  return (
    <div className="portal-shell">
      <a className="portal-skip" href="#main">{t('portal.skip')}</a>
      <header className="portal-top">
        <Link to="/portal/" className="brand">{t('app.name')}<span className="portal-brand-title"> · {t('portal.title')}</span></Link>
        {me && (
          <nav className="portal-nav" aria-label={t('portal.title')}>
            <Link to="/portal/">{t('portal.myTickets')}</Link>
            <Link to="/portal/new">{t('portal.newTicket')}</Link>
          </nav>
        )}
        <span className="spacer" />
        <button type="button" lang={other} onClick={() => setLang(other)} title={t('portal.switchLangLabel')}>{t('portal.switchLang')}</button>
        {me && (
          <>
            <span className="muted portal-me">{t('portal.signedInAs', { name: me.name })}</span>
            <button type="button" onClick={onSignOut}>{t('portal.signOut')}</button>
          </>
        )}
      </header>
      <main id="main" className="portal-main">{children}</main>
    </div>
  );
}
