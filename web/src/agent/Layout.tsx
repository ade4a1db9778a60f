// App shell: sidebar (views with live counts), top bar (search, language, user). Owner: shell.
import { Link, Outlet } from '@tanstack/react-router';
import { useLang, useT } from '../shared/i18n.tsx';
import { useSession } from '../shared/session.tsx';

export function Layout() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { me, signOut } = useSession();
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">{t('app.name')}</Link>
        <span className="spacer" />
        <button type="button" onClick={() => setLang(lang === 'ru' ? 'en' : 'ru')} aria-label={t('common.language')}>{lang === 'ru' ? 'EN' : 'RU'}</button>
        <span className="user">{me.name}</span>
        <button type="button" onClick={() => void signOut()}>{t('common.signOut')}</button>
      </header>
      <Outlet />
    </div>
  );
}
