// The customer's requests (and their organization's when it shares them), latest activity first.
import { useInfiniteQuery } from '@tanstack/react-query';
import { get, qs } from '../common/api.ts';
import { formatDateTime, useLang, useT } from '../common/i18n.tsx';
import { errorText, useFocusOnMount, useTitle } from './hooks.ts';
import { Link, ticketPath } from './router.tsx';
import type { Page, Ticket } from './types.ts';

const LIMIT = 25;

export function statusBadgeClass(s: Ticket['status']) {
  return s === 'awaiting_reply' ? 'badge warn' : s === 'solved' || s === 'closed' ? 'badge ok' : 'badge';
}

export function TicketList() {
  const t = useT();
  const { lang } = useLang();
  const h1 = useFocusOnMount<HTMLHeadingElement>();
  useTitle(`${t('portal.myTickets')} — ${t('portal.title')}`);
  const q = useInfiniteQuery({
    queryKey: ['portal', 'tickets'],
    queryFn: ({ pageParam, signal }) => get<Page<Ticket>>(`/api/v1/portal/tickets${qs({ limit: LIMIT, cursor: pageParam })}`, signal),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="portal-list-title">
      <div className="portal-headrow">
        <h1 id="portal-list-title" ref={h1} tabIndex={-1}>{t('portal.myTickets')}</h1>
        <Link to="/portal/new" className="portal-button primary">{t('portal.newTicket')}</Link>
      </div>
      {q.isPending && <p className="loading" role="status">{t('common.loading')}</p>}
      {q.isError && <p role="alert" className="error">{t('common.error', { message: errorText(q.error) })}</p>}
      {q.isSuccess && items.length === 0 && <p className="muted">{t('portal.list.empty')}</p>}
      {items.length > 0 && (
        <ul className="portal-tickets">
          {items.map((x) => (
            <li key={x.id} className="card portal-ticket-row">
              <Link to={ticketPath(x.number)} className="portal-ticket-link">
                <span className="portal-number">{x.number}</span>
                <span className="portal-subject">{x.subject}</span>
              </Link>
              <span className="portal-row-meta">
                <span className={statusBadgeClass(x.status)}>
                  <span className="visually-hidden">{t('portal.list.status')}: </span>{t(`portal.status.${x.status}`)}
                </span>
                {!x.requester.mine && <span className="portal-by">{t('portal.shared.by', { name: x.requester.name })}</span>}
                <span className="muted">
                  {t('portal.list.updated')}: <time dateTime={x.updatedAt}>{formatDateTime(x.updatedAt, lang)}</time>
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {q.hasNextPage && (
        <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>{t('portal.list.more')}</button>
      )}
    </section>
  );
}
