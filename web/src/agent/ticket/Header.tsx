// Ticket header: number, subject, status, priority, score with its explanation, level, third
// party, snooze, SLA clocks; and the care-memory banner.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { get } from '../../common/api.ts';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import type { CareT, SlaMetricT, SlaT, TicketT } from './types.ts';

export function minutesText(min: number, t: (k: string, v?: Record<string, string | number>) => string): string {
  const abs = Math.abs(min);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  if (h && m) return t('ticket.sla.hm', { h, m });
  if (h) return t('ticket.sla.h', { h });
  return t('ticket.sla.m', { m });
}

function Clock({ name, s }: { name: string; s: SlaMetricT }) {
  const t = useT();
  const { lang } = useLang();
  if (s.targetMin == null) return null;
  let state: string;
  let cls = '';
  if (s.metAt) { state = t('ticket.sla.met', { at: formatDateTime(s.metAt, lang) }); cls = 'ok'; }
  else if (s.breachedAt) { state = t('ticket.sla.breached', { at: formatDateTime(s.breachedAt, lang) }); cls = 'danger'; }
  else if (s.paused) state = t('ticket.sla.paused');
  else if (s.businessMinutesLeft != null && s.businessMinutesLeft < 0) { state = t('ticket.sla.overdue', { left: minutesText(s.businessMinutesLeft, t) }); cls = 'danger'; }
  else if (s.businessMinutesLeft != null) { state = t('ticket.sla.left', { left: minutesText(s.businessMinutesLeft, t) }); cls = s.businessMinutesLeft < 60 ? 'warn' : ''; }
  else state = '—';
  return (
    <li className="tk-clock">
      <span className="muted">{t(`ticket.sla.${name}`)}</span>{' '}
      <span className={`badge ${cls}`}>{state}</span>
      {s.dueAt && !s.metAt && (
        <span className="muted"> · {t('ticket.sla.due', { at: formatDateTime(s.dueAt, lang), rel: formatRelative(s.dueAt, lang) })}</span>
      )}
    </li>
  );
}

export function SlaClocks({ sla }: { sla: SlaT | undefined }) {
  const t = useT();
  if (!sla || !sla.policy) return <p className="muted tk-sla-none">{t('ticket.sla.none')}</p>;
  return (
    <div className="tk-sla">
      <span className="muted">{t('ticket.sla.title', { policy: sla.policy.name })}</span>
      {sla.paused && <span className="badge warn">{t('ticket.sla.paused')}</span>}
      <ul>
        <Clock name="firstResponse" s={sla.firstResponse} />
        <Clock name="nextResponse" s={sla.nextResponse} />
        <Clock name="resolution" s={sla.resolution} />
      </ul>
    </div>
  );
}

export function CareBanner({ flags }: { flags: CareT[] }) {
  const t = useT();
  const { lang } = useLang();
  const active = flags.filter((f) => f.active);
  if (!active.length) return null;
  return (
    <div className="tk-care" role="region" aria-label={t('ticket.care.title')}>
      <strong>{t('ticket.care.title')}</strong>
      <ul>
        {active.map((f) => (
          <li key={f.id}>
            {f.reason}{' '}
            <span className="muted">
              {t('ticket.care.until', { at: formatDateTime(f.until, lang) })}
              {f.createdBy ? ` · ${t('ticket.care.by', { name: f.createdBy.name })}` : ''}
              {f.ticket ? ` · ${f.ticket.number}` : ''}
              {` · ${t(`ticket.care.scope.${f.scope}`)}`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The server's labels carry their points ("+20 trial customer"); add them when one does not. */
export const partLabel = (points: number, label: string) =>
  /^[+\-−]\d/.test(label) ? label : `${points >= 0 ? '+' : '−'}${Math.abs(points)} ${label}`;

/** "Merged into SL-10431" with a link (the API finds a ticket by its id too). */
function MergedInto({ id }: { id: string }) {
  const t = useT();
  const target = useQuery({ queryKey: ['ticket-by-id', id], queryFn: ({ signal }) => get<TicketT>(`/api/v1/tickets/${id}`, signal) });
  return (
    <span className="badge warn">
      {t('ticket.merged')}
      {target.data && <>{' '}<Link to="/tickets/$ref" params={{ ref: target.data.number }}>{target.data.number}</Link></>}
    </span>
  );
}

export function Header({ ticket, sla, lang }: { ticket: TicketT; sla: SlaT | undefined; lang: 'ru' | 'en' }) {
  const t = useT();
  const parts = ticket.priorityParts;
  return (
    <header className="tk-header card">
      <div className="tk-title">
        <span className="tk-number">{ticket.number}</span>
        <h1>{ticket.subject}</h1>
      </div>
      <div className="tk-facts">
        <span className="badge">{t(`ticket.status.${ticket.status}`)}</span>
        <span className={`badge ${ticket.priority === 'urgent' ? 'danger' : ticket.priority === 'high' ? 'warn' : ''}`}>
          {t('ticket.priorityLabel', { p: t(`ticket.priority.${ticket.priority}`) })}
        </span>
        <span className="badge">{t('ticket.level', { n: ticket.level })}</span>
        {ticket.thirdParty && (
          <span className="badge warn">
            {t('ticket.thirdPartyWait', { name: ticket.thirdParty.name ?? '—' })}
            {ticket.thirdParty.followUpAt ? ` · ${t('ticket.followUp', { at: formatDateTime(ticket.thirdParty.followUpAt, lang) })}` : ''}
          </span>
        )}
        {ticket.snoozedUntil && new Date(ticket.snoozedUntil).getTime() > Date.now() && (
          <span className="badge">{t('ticket.snoozedUntil', { at: formatDateTime(ticket.snoozedUntil, lang) })}</span>
        )}
        {ticket.mergedIntoId && <MergedInto id={ticket.mergedIntoId} />}
      </div>
      <div className="tk-score">
        <span className="tk-score-value" aria-label={t('ticket.score', { n: ticket.priorityScore })}>
          {t('ticket.score', { n: ticket.priorityScore })}
        </span>
        {parts.length > 0 && (
          <span className="tk-score-parts" aria-label={t('ticket.scoreWhy')}>
            {parts.map((p) => partLabel(p.points, lang === 'ru' ? p.label_ru : p.label_en)).join(', ')}
          </span>
        )}
      </div>
      <SlaClocks sla={sla} />
    </header>
  );
}
