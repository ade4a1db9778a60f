// Who asks: name, e-mails, stage, VIP, organization, their other tickets, care flag.
import { Link } from '@tanstack/react-router';
import { useT } from '../../common/i18n.tsx';
import { useCustomer, useOrganization, useRequesterTickets } from './data.ts';
import type { CareT, TicketT } from './types.ts';

export function RequesterPanel({ ticket, care }: { ticket: TicketT; care: CareT[] }) {
  const t = useT();
  const c = useCustomer(ticket.requester.id);
  const org = useOrganization(c.data?.organization?.id ?? ticket.organizationId);
  const others = useRequesterTickets(ticket.requester.id);
  const vip = ticket.requester.stage === 'vip' || !!org.data?.vip;
  const cared = care.some((f) => f.active);
  const list = (others.data?.items ?? []).filter((x) => x.id !== ticket.id);
  return (
    <aside className="tk-requester card" aria-label={t('ticket.requester.title')}>
      <h2>{t('ticket.requester.title')}</h2>
      <p className="tk-requester-name">
        <strong>{c.data?.name ?? ticket.requester.name}</strong>{' '}
        {vip && <span className="badge warn">VIP</span>}{' '}
        {cared && <span className="badge danger">{t('ticket.requester.care')}</span>}
      </p>
      <dl className="tk-dl">
        <dt>{t('ticket.requester.stage')}</dt>
        <dd>{t(`ticket.stage.${ticket.requester.stage}`)}</dd>
        {c.data && c.data.emails.length > 0 && (
          <>
            <dt>{t('ticket.requester.emails')}</dt>
            <dd>
              <ul className="tk-plain">{c.data.emails.map((e) => <li key={e.email}>{e.email}{e.primary && c.data!.emails.length > 1 ? ` (${t('ticket.requester.primary')})` : ''}</li>)}</ul>
            </dd>
          </>
        )}
        {c.data && c.data.phones.length > 0 && (
          <>
            <dt>{t('ticket.requester.phones')}</dt>
            <dd>{c.data.phones.join(', ')}</dd>
          </>
        )}
        <dt>{t('ticket.requester.org')}</dt>
        <dd>{org.data?.name ?? c.data?.organization?.name ?? '—'}</dd>
        {c.data && (
          <>
            <dt>{t('ticket.requester.counts')}</dt>
            <dd>{t('ticket.requester.countsValue', { open: c.data.tickets.open, total: c.data.tickets.total })}</dd>
          </>
        )}
      </dl>
      <h3>{t('ticket.requester.others')}</h3>
      {list.length === 0 ? <p className="muted">{t('ticket.requester.noOthers')}</p> : (
        <ul className="tk-plain tk-others">
          {list.map((x) => (
            <li key={x.id}>
              <Link to="/tickets/$ref" params={{ ref: x.number }}>{x.number}</Link>{' '}
              <span>{x.subject}</span>{' '}
              <span className="badge">{t(`ticket.status.${x.status}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
