// The sidebar: the user's views with live counts, then the sections the role may open.
import { Link, useRouterState } from '@tanstack/react-router';
import { useLang, useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { useViewCounts, useViews } from './queries.ts';
import { viewName } from './types.ts';

export function Sidebar({ open, onNavigate }: { open: boolean; onNavigate: () => void }) {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const views = useViews();
  const counts = useViewCounts();
  const byId = new Map((counts.data?.items ?? []).map((c) => [c.viewId, c]));
  const active = { className: 'active' };
  const atHome = useRouterState({ select: (s) => s.location.pathname }) === '/'; // `/` shows the first view
  return (
    <nav id="shell-sidebar" className={`shell-sidebar${open ? ' open' : ''}`} aria-label={t('shell.nav')}>
      <h2 className="shell-sidebar-title">{t('shell.views')}</h2>
      <ul className="shell-views">
        {views.data?.length === 0 && (
          <li><Link to="/" onClick={onNavigate} activeProps={active} activeOptions={{ exact: true }}>{t('shell.allTickets')}</Link></li>
        )}
        {views.data?.map((v, i) => {
          const c = byId.get(v.id);
          const home = atHome && i === 0;
          return (
            <li key={v.id}>
              <Link to="/views/$viewId" params={{ viewId: v.id }} onClick={onNavigate} activeProps={active}
                className={home ? 'active' : undefined} aria-current={home ? 'page' : undefined}>
                <span className="shell-view-name">{viewName(v, lang)}</span>{' '}
                {v.invalid && <span className="badge warn" title={t('shell.viewInvalid')} aria-label={t('shell.viewInvalid')}>!</span>}
                {c && (
                  <span className="shell-count">
                    <span aria-hidden="true">{c.capped ? `${c.count}+` : c.count}</span>
                    <span className="visually-hidden">{c.capped ? t('shell.countCapped', { n: c.count }) : t('shell.count', { n: c.count })}</span>
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
      {views.data?.length === 0 && <p className="muted shell-hint">{t('shell.noViews')}</p>}
      <ul className="shell-sections">
        <li><Link to="/search" onClick={onNavigate} activeProps={active}>{t('search.title')}</Link></li>
        <li><Link to="/notifications" onClick={onNavigate} activeProps={active}>{t('shell.notifications')}</Link></li>
        {can.lead(me) && <li><Link to="/lead" onClick={onNavigate} activeProps={active}>{t('shell.lead')}</Link></li>}
        {can.admin(me) && <li><Link to="/admin" onClick={onNavigate} activeProps={active}>{t('shell.admin')}</Link></li>}
        <li className="shell-narrow-only"><Link to="/me" onClick={onNavigate} activeProps={active}>{t('shell.profile', { name: me.name })}</Link></li>
      </ul>
    </nav>
  );
}
