// The ticket view: header (score, SLA, promises, care), conversation, reply box, requester panel
// and actions. The root gets data-ticket-loaded once the header and the first page of messages
// are on screen (the bench measures click → that attribute).
import './ticket.css';
import { Link, useParams } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import { useLive, usePresence } from '../../common/live.ts';
import { PresenceBadge } from '../../common/PresenceBadge.tsx';
import { can, useSession } from '../../common/session.tsx';
import { ReplyBox } from '../reply/ReplyBox.tsx';
import { Actions } from './Actions.tsx';
import { Conversation, timeline } from './Conversation.tsx';
import { apiRef, useCare, useEvents, useLinks, useMessages, usePromises, useRefreshTicket, useSla, useTicket } from './data.ts';
import { CareBanner, Header } from './Header.tsx';
import { Promises } from './Promises.tsx';
import { Properties } from './Properties.tsx';
import { RequesterPanel } from './RequesterPanel.tsx';
import type { LinkT } from './types.ts';

function Links({ items }: { items: LinkT[] }) {
  const t = useT();
  if (!items.length) return null;
  return (
    <section className="tk-links card" aria-label={t('ticket.links')}>
      <h2>{t('ticket.links')}</h2>
      <ul className="tk-plain">
        {items.map((l) => (
          <li key={l.id}>
            <span className="muted">{t(`ticket.link.${l.kind}`)}</span>{' '}
            <Link to="/tickets/$ref" params={{ ref: l.ticket.number }}>{l.ticket.number}</Link> {l.ticket.subject}{' '}
            <span className="badge">{t(`ticket.status.${l.ticket.status}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Who else has this ticket open (the reply box tells who is replying). */
function Presence({ ticketRef, meId }: { ticketRef: string; meId: string }) {
  return <PresenceBadge present={usePresence(ticketRef, 'viewing')} exceptUserId={meId} />;
}

export default function TicketPage() {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const { ref: param } = useParams({ strict: false }) as { ref: string };
  const ticketQ = useTicket(param);
  const ticket = ticketQ.data;
  // sub-resources start with the ticket when the ref is known up front (no waterfall)
  const ref = apiRef(param) ?? ticket?.number ?? null;
  const messagesQ = useMessages(param, ref);
  const eventsQ = useEvents(param, ref);
  const slaQ = useSla(param, ref);
  const promisesQ = usePromises(param, ref);
  const careQ = useCare(param, ref);
  const linksQ = useLinks(param, ref);
  const refresh = useRefreshTicket(param);
  const writer = can.write(me);

  const messages = useMemo(() => messagesQ.data?.pages.flatMap((p) => p.items) ?? [], [messagesQ.data]);
  const complete = !messagesQ.hasNextPage;
  const items = useMemo(() => timeline(messages, eventsQ.data?.items ?? [], complete), [messages, eventsQ.data, complete]);

  // live: any event of this ticket refetches it; new messages append below (no jump above)
  const idRef = useRef<string | undefined>(undefined);
  idRef.current = ticket?.id;
  const liveMessage = useRef(false);
  useLive((e) => {
    if (e.type === 'presence') return;
    if (e.ticketId !== idRef.current && e.number !== param) return;
    if (e.type === 'message.created') liveMessage.current = true;
    void refresh();
  }, [param]);

  // all messages were on screen and a new one made a next page: load it, so it appends
  const wasComplete = useRef(false);
  useEffect(() => {
    if (!messagesQ.data) return;
    if (messagesQ.hasNextPage && wasComplete.current && !messagesQ.isFetchingNextPage) void messagesQ.fetchNextPage();
    wasComplete.current = !messagesQ.hasNextPage;
  }, [messagesQ.data, messagesQ.hasNextPage, messagesQ.isFetchingNextPage, messagesQ.fetchNextPage]);

  // announce messages that arrive while the page is open
  const [announce, setAnnounce] = useState('');
  const seen = useRef<number | null>(null);
  useEffect(() => { seen.current = null; wasComplete.current = false; setAnnounce(''); }, [param]);
  useEffect(() => {
    if (!messagesQ.data) return;
    if (seen.current !== null && messages.length > seen.current && liveMessage.current) {
      liveMessage.current = false;
      const last = messages[messages.length - 1];
      setAnnounce(t('ticket.live.newMessage', { name: last.author.name ?? t(`ticket.author.${last.author.type}`) }));
    }
    seen.current = messages.length;
  }, [messages, messagesQ.data, t]);

  useEffect(() => {
    if (ticket) document.title = `${ticket.number} · ${ticket.subject}`;
  }, [ticket]);

  if (ticketQ.error) {
    const nf = ticketQ.error instanceof ApiError && ticketQ.error.status === 404;
    return (
      <main className="page tk">
        <p className="error" role="alert">{nf ? t('ticket.notFound') : t('common.error', { message: ticketQ.error.message })}</p>
        {!nf && <button type="button" onClick={() => void ticketQ.refetch()}>{t('common.retry')}</button>}
      </main>
    );
  }
  // the care banner sits above the header: wait for it (asked in parallel, small) so it does not push the page down when it comes
  if (!ticket || careQ.isPending) return <main className="page tk"><p className="loading" role="status">{t('common.loading')}</p></main>;

  const loaded = !!messagesQ.data;
  return (
    <main className="page tk" data-ticket-loaded={loaded ? '' : undefined} aria-busy={!loaded}>
      <div className="tk-main">
        <CareBanner flags={careQ.data?.items ?? []} />
        <Header ticket={ticket} sla={slaQ.data} lang={lang} />
        <Presence ticketRef={ticket.number} meId={me.id} />
        {messagesQ.error && <p className="error" role="alert">{t('common.error', { message: messagesQ.error.message })}</p>}
        {!loaded && !messagesQ.error && <p className="loading" role="status">{t('common.loading')}</p>}
        <Conversation items={items} />
        {messagesQ.hasNextPage && (
          <button type="button" className="tk-more" disabled={messagesQ.isFetchingNextPage} onClick={() => void messagesQ.fetchNextPage()}>
            {messagesQ.isFetchingNextPage ? t('common.loading') : t('ticket.moreMessages')}
          </button>
        )}
        <div className="visually-hidden" aria-live="polite">{announce}</div>
        <ReplyBox ticketRef={ticket.number} ticketVersion={ticket.version} requesterLang={ticket.language} onSent={() => void refresh()} />
      </div>
      <div className="tk-side">
        <Promises data={promisesQ.data} canWrite={writer} onDone={() => void refresh()} />
        {writer && <Properties key={`props-${ticket.id}`} ticket={ticket} onSaved={() => void refresh()} onReload={() => void refresh()} />}
        {writer && <Actions key={`actions-${ticket.id}`} ticket={ticket} onDone={() => void refresh()} />}
        {!writer && <p className="muted tk-readonly">{t('ticket.readOnly')}</p>}
        <Links items={linksQ.data?.items ?? []} />
        <RequesterPanel ticket={ticket} care={careQ.data?.items ?? []} />
      </div>
    </main>
  );
}
