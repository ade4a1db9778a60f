// App shell: top bar (search, notifications, language, user), sidebar (views with live counts),
// global shortcuts and their help (`?`). Owner: shell.
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLang, useT } from '../common/i18n.tsx';
import { useLiveInvalidation } from '../common/live.ts';
import { can, useSession } from '../common/session.tsx';
import { Bell } from './shell/Bell.tsx';
import { useGlobalKeys } from './shell/keys.ts';
import { ShortcutsHelp } from './shell/ShortcutsHelp.tsx';
import { Sidebar } from './shell/Sidebar.tsx';
import './shell/shell.css';

export function Layout() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const [menu, setMenu] = useState(false);
  const [help, setHelp] = useState(false);
  const [q, setQ] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useEffect(() => setMenu(false), [pathname]);
  useEffect(() => {
    if (!menu) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') setMenu(false); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menu]);
  useLiveInvalidation(); // live events refresh lists, counts, open tickets (one place for the app)
  useGlobalKeys({ openHelp: () => setHelp(true), focusSearch: () => searchRef.current?.focus(), lead: can.lead(me) });

  function search(e: FormEvent) {
    e.preventDefault();
    const v = q.trim();
    if (v) void navigate({ to: '/search', search: { q: v } as never });
  }
  return (
    <div className="shell">
      <header className="topbar">
        <button type="button" className="shell-menu" aria-expanded={menu} aria-controls="shell-sidebar" onClick={() => setMenu(!menu)}>
          {t('shell.menu')}
        </button>
        <Link to="/" className="brand">{t('app.name')}</Link>
        <form role="search" className="shell-search" onSubmit={search}>
          <input ref={searchRef} type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)}
            aria-label={t('shell.search')} placeholder={t('shell.searchPlaceholder')} aria-keyshortcuts="/" />
        </form>
        <span className="spacer" />
        <Bell />
        <button type="button" className="shell-help-button" onClick={() => setHelp(true)} aria-label={t('shell.shortcuts')} aria-keyshortcuts="?">?</button>
        <button type="button" onClick={() => setLang(lang === 'ru' ? 'en' : 'ru')} aria-label={t('common.language')}>{lang === 'ru' ? 'EN' : 'RU'}</button>
        <Link to="/me" className="user" aria-label={t('shell.profile', { name: me.name })}>{me.name}</Link>
        <button type="button" onClick={() => void signOut()}>{t('common.signOut')}</button>
      </header>
      <div className="shell-body">
        <Sidebar open={menu} onNavigate={() => setMenu(false)} />
        <div className="shell-main"><Outlet /></div>
      </div>
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
