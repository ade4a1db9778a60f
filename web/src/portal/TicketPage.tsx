// One request: where it stands in plain words, what we promised, the public conversation, reply.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, get, qs } from '../common/api.ts';
import { formatDateTime, useLang, useT } from '../common/i18n.tsx';
import { Conversation } from './Conversation.tsx';
import { FieldValues } from './CustomFields.tsx';
import { errorText, useFocusOnMount, useTitle } from './hooks.ts';
import { Promises } from './Promises.tsx';
import { ReplyForm } from './ReplyForm.tsx';
import { Link } from './router.tsx';
import { statusLine } from './status.ts';
import { statusBadgeClass } from './TicketList.tsx';
import type { Message, Page, Promise_, Ticket } from './types.ts';

export function NotFound({ title, text }: { title: string; text?: string }) {
  const t = useT();
  const h1 = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section className="card">
      <h1 ref={h1} tabIndex={-1}>{title}</h1>
      {text && <p>{text}</p>}
      <p><Link to="/portal/">{t('portal.myTickets')}</Link></p>
    </section>
  );
}

export function TicketPage({ ticketRef }: { ticketRef: string }) {
  const t = useT();
  const path = `/api/v1/portal/tickets/${encodeURIComponent(ticketRef)}`;
  const ticket = useQuery({ queryKey: ['portal', 'ticket', ticketRef], queryFn: ({ signal }) => get<Ticket>(path, signal), refetchInterval: 30_000 });
  if (ticket.isPending) return <p className="loading" role="status">{t('common.loading')}</p>;
  if (ticket.isError) {
    if (ticket.error instanceof ApiError && ticket.error.status === 404) {
      return <NotFound title={t('portal.ticket.notFound')} text={t('portal.ticket.notFoundText')} />;
    }
    return <p role="alert" className="error">{t('common.error', { message: errorText(ticket.error) })}</p>;
  }
  return <TicketView ticket={ticket.data} path={path} />;
}

// new replies from us show up without a reload
const POLL = 30_000;

function TicketView({ ticket, path }: { ticket: Ticket; path: string }) {
  const t = useT();
  const { lang } = useLang();
  const h1 = useFocusOnMount<HTMLHeadingElement>();
  useTitle(`${ticket.number} ${ticket.subject} — ${t('portal.title')}`);
  const promises = useQuery({
    queryKey: ['portal', 'promises', ticket.id],
    queryFn: ({ signal }) => get<{ items: Promise_[] }>(`${path}/promises`, signal),
    refetchInterval: POLL,
  });
  const messages = useInfiniteQuery({
    queryKey: ['portal', 'messages', ticket.id],
    queryFn: ({ pageParam, signal }) => get<Page<Message>>(`${path}/messages${qs({ limit: 100, cursor: pageParam })}`, signal),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: POLL,
  });
  const items = messages.data?.pages.flatMap((p) => p.items) ?? [];
  const promiseItems = promises.data?.items ?? [];
  return (
    <article className="portal-ticket" aria-labelledby="portal-ticket-title">
      <p><Link to="/portal/">{t('portal.ticket.back')}</Link></p>
      <header className="portal-ticket-head">
        <h1 id="portal-ticket-title" ref={h1} tabIndex={-1}>
          <span className="portal-number">{ticket.number}</span> {ticket.subject}
        </h1>
        <p className="muted">
          <span className={statusBadgeClass(ticket.status)}>{t(`portal.status.${ticket.status}`)}</span>{' '}
          {t('portal.ticket.created', { at: formatDateTime(ticket.createdAt, lang) })}
          {!ticket.requester.mine && <>{' · '}<span className="portal-by">{t('portal.shared.by', { name: ticket.requester.name })}</span></>}
        </p>
      </header>
      <section className="card portal-now" aria-labelledby="portal-now-title">
        <h2 id="portal-now-title">{t('portal.ticket.now')}</h2>
        <p className="portal-now-text" aria-live="polite">{promises.isPending ? t('common.loading') : statusLine(ticket, promiseItems, lang)}</p>
      </section>
      {promises.isError
        ? <p role="alert" className="error">{t('common.error', { message: errorText(promises.error) })}</p>
        : promises.isSuccess && <Promises items={promiseItems} />}
      <FieldValues ticket={ticket} />
      <section aria-labelledby="portal-conv-title">
        <h2 id="portal-conv-title">{t('portal.ticket.conversation')}</h2>
        {messages.isPending && <p className="loading" role="status">{t('common.loading')}</p>}
        {messages.isError && <p role="alert" className="error">{t('common.error', { message: errorText(messages.error) })}</p>}
        <Conversation items={items} requester={ticket.requester} />
        {messages.hasNextPage && (
          <button type="button" onClick={() => void messages.fetchNextPage()} disabled={messages.isFetchingNextPage}>{t('portal.ticket.olderMore')}</button>
        )}
      </section>
      {ticket.requester.mine
        ? <ReplyForm ticket={ticket} />
        : <p className="card notice">{t('portal.shared.readOnly', { name: ticket.requester.name })}</p>}
    </article>
  );
}
