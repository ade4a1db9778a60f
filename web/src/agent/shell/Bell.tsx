// Notifications bell: unread count, links to /notifications.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { get } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';

export function Bell() {
  const t = useT();
  const unread = useQuery({
    queryKey: ['notifications', 'unread-count'],
    queryFn: ({ signal }) => get<{ count: number }>('/api/v1/notifications/unread-count', signal),
    refetchInterval: 30_000,
  });
  const n = unread.data?.count ?? 0;
  const label = n > 0 ? `${t('shell.notifications')}: ${t('shell.unread', { n })}` : t('shell.notifications');
  return (
    <Link to="/notifications" className="shell-bell" aria-label={label} title={label}>
      <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {n > 0 && <span className="shell-bell-count" aria-hidden="true">{n > 99 ? '99+' : n}</span>}
    </Link>
  );
}
