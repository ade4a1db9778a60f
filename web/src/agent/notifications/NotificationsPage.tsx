// Notifications (/notifications): my notifications newest first, unread filter, mark one or all
// read, links to their tickets. Live ticket events refresh the list (new alerts arrive with them).
import '../lead/messages.ts';
import './notifications.css';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import type { z } from 'zod';
import type { Notification as NotificationS } from '../../../../api/notifications.ts';
import { get, post, qs } from '../../common/api.ts';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { useLive } from '../../common/live.ts';

type Notification = z.infer<typeof NotificationS>;
type Page = { items: Notification[]; nextCursor: string | null };
const KEY = ['notifications'] as const;

export default function NotificationsPage() {
  const t = useT();
  const { lang } = useLang();
  const qc = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [said, setSaid] = useState('');
  const list = useInfiniteQuery({
    queryKey: [...KEY, 'list', unreadOnly],
    queryFn: ({ pageParam, signal }) => get<Page>(`/api/v1/notifications${qs({ unread: unreadOnly ? 'true' : undefined, limit: 50, cursor: pageParam })}`, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const count = useQuery({ queryKey: [...KEY, 'unread-count'], queryFn: ({ signal }) => get<{ count: number }>('/api/v1/notifications/unread-count', signal) });
  const refresh = () => qc.invalidateQueries({ queryKey: KEY });

  // sweeps and escalations write ticket events: new notifications may have come with them
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLive((e) => {
    if (e.type !== 'ticket.updated' || timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; void refresh(); }, 2000);
  }, [qc]);

  const readOne = useMutation({
    mutationFn: (id: string) => post(`/api/v1/notifications/${id}/read`),
    onSuccess: () => { setSaid(t('notifications.read')); return refresh(); },
  });
  const readAll = useMutation({
    mutationFn: () => post<{ updated: number }>('/api/v1/notifications/read-all'),
    onSuccess: () => { setSaid(t('notifications.doneAll')); return refresh(); },
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = count.data?.count ?? 0;
  const failure = (list.error ?? readOne.error ?? readAll.error) as Error | null;

  return (
    <main className="page notif-page">
      <div className="notif-head">
        <h1>{t('notifications.title')}</h1>
        <span className="badge" aria-live="polite">{t('notifications.unreadCount', { n: unread })}</span>
        <span className="spacer" />
        <label className="notif-filter">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
          {t('notifications.unreadOnly')}
        </label>
        <button type="button" onClick={() => readAll.mutate()} disabled={!unread || readAll.isPending}>{t('notifications.readAll')}</button>
      </div>
      <div className="visually-hidden" aria-live="polite">{said}</div>
      {failure && <p className="error" role="alert">{t('notifications.failed', { message: failure.message })}</p>}
      {list.isPending ? (
        <p className="loading" role="status">{t('common.loading')}</p>
      ) : !items.length ? (
        <p className="muted">{unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}</p>
      ) : (
        <ul className="notif-list">
          {items.map((n) => (
            <li key={n.id} className={`card notif-item ${n.readAt ? 'notif-read' : 'notif-unread'}`} data-kind={n.kind}>
              <div className="notif-text">
                {n.ticket ? <Link to="/tickets/$ref" params={{ ref: n.ticket.ref }} className="notif-ref">{n.ticket.ref}</Link> : null}
                <span>{n.text}</span>
                {n.ticket ? <span className="muted notif-subject">{n.ticket.subject}</span> : null}
              </div>
              <div className="notif-meta">
                <time dateTime={n.createdAt} title={formatDateTime(n.createdAt, lang)} className="muted">{formatRelative(n.createdAt, lang)}</time>
                {n.readAt ? (
                  <span className="muted">{t('notifications.read')}</span>
                ) : (
                  <button type="button" onClick={() => readOne.mutate(n.id)} disabled={readOne.isPending} aria-label={`${t('notifications.markRead')}: ${n.text}`}>
                    {t('notifications.markRead')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>{t('notifications.loadMore')}</button>
      )}
    </main>
  );
}
