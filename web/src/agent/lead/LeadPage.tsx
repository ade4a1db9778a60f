// Lead views (/lead, leads and admins): overdue and due-soon promises, broken promises, SLA breaches
// and risks, threats, mail channel alerts, escalations waiting. Live events refresh it.
import './lead.css';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { useLiveStatus, usePresenceWatch } from '../../common/live.ts';
import { can, useSession } from '../../common/session.tsx';
import { hasPart, useLeadData, useLeadLive, type PromiseItem, type Ticket } from './data.ts';
import { Section, type Row } from './Section.tsx';

const errorOf = (q: UseQueryResult<unknown>) => (q.error ? (q.error as Error).message : null);

export default function LeadPage() {
  const t = useT();
  const { me } = useSession();
  const allowed = can.lead(me);
  if (!allowed) {
    return (
      <main className="page lead-page">
        <h1>{t('lead.title')}</h1>
        <p className="error" role="alert">{t('lead.forbidden')}</p>
      </main>
    );
  }
  return <LeadOverview />;
}

function LeadOverview() {
  const t = useT();
  const { lang } = useLang();
  const d = useLeadData(true);
  useLeadLive(true);
  const live = useLiveStatus();
  const present = usePresenceWatch();

  const now = Date.now();
  const promiseRow = (p: PromiseItem): Row => ({
    key: p.id, ticketId: p.ticketId, ticketRef: p.ticketNumber, title: p.text,
    detail: <time dateTime={p.dueAt} title={formatDateTime(p.dueAt, lang)}>{t('lead.promise.due', { when: formatRelative(p.dueAt, lang, now) })}</time>,
  });
  const ticketRow = (x: Ticket, detail?: string): Row => ({
    key: x.id, ticketId: x.id, ticketRef: x.number, title: x.subject, detail: detail ?? t('lead.score', { n: x.priorityScore }),
  });
  const overdue = d.overdue.data?.items.filter((p) => Date.parse(p.dueAt) <= now);
  const soon = d.soon.data?.items.filter((p) => Date.parse(p.dueAt) > now);
  const scored = d.scored.data?.items;
  const slaBreached = scored?.filter((x) => hasPart(x, 'sla_breached'));
  const slaRisk = scored?.filter((x) => hasPart(x, 'sla_at_risk'));
  const broken = scored?.filter((x) => hasPart(x, 'promise_broken'));
  const escalations = d.unassigned.data?.items.filter((x) => x.level >= 2);
  const channelName = (id: string) => d.channels.data?.items.find((c) => c.id === id)?.name ?? `#${id}`;
  const threatDetail = (x: Ticket) => x.signals.filter((s) => s === 'threat_regulator' || s === 'threat_public').map((s) => t(`lead.threat.${s}`)).join(', ');

  return (
    <main className="page lead-page">
      <h1>{t('lead.title')}</h1>
      <p className="muted">{t('lead.intro')}</p>
      <p className={`lead-live lead-live-${live}`} role="status" data-live={live}>{t(`lead.live.${live}`)}</p>
      <div className="lead-grid">
        <Section present={present} id="overdue" tone="danger" title={t('lead.promises.overdue')} rows={overdue?.map(promiseRow)} more={!!d.overdue.data?.nextCursor} loading={d.overdue.isPending} error={errorOf(d.overdue)} />
        <Section present={present} id="soon" tone="warn" title={t('lead.promises.soon')} rows={soon?.map(promiseRow)} more={!!d.soon.data?.nextCursor} loading={d.soon.isPending} error={errorOf(d.soon)} />
        <Section present={present} id="sla-breached" note={t('lead.note.scored')} tone="danger" title={t('lead.sla.breached')} rows={slaBreached?.map((x) => ticketRow(x))} loading={d.scored.isPending} error={errorOf(d.scored)} />
        <Section present={present} id="sla-risk" note={t('lead.note.scored')} tone="warn" title={t('lead.sla.risk')} rows={slaRisk?.map((x) => ticketRow(x))} loading={d.scored.isPending} error={errorOf(d.scored)} />
        <Section present={present} id="threats" tone="danger" title={t('lead.threats')} rows={d.threats.data?.items.map((x) => ticketRow(x, threatDetail(x)))} more={!!d.threats.data?.nextCursor} loading={d.threats.isPending} error={errorOf(d.threats)} />
        <Section present={present} id="broken" note={t('lead.note.scored')} tone="danger" title={t('lead.promises.broken')} rows={broken?.map((x) => ticketRow(x))} loading={d.scored.isPending} error={errorOf(d.scored)} />
        <Section present={present} id="escalations" note={t('lead.note.unassigned')} tone="warn" title={t('lead.escalations')} rows={escalations?.map((x) => ticketRow(x, t('lead.level', { n: x.level })))} loading={d.unassigned.isPending} error={errorOf(d.unassigned)} />
        <Section
          present={present} id="alerts" tone="danger" title={t('lead.alerts')} more={!!d.alerts.data?.nextCursor} loading={d.alerts.isPending} error={errorOf(d.alerts)}
          rows={d.alerts.data?.items.map((a) => ({
            key: a.id,
            title: `${t('lead.alert.channel', { name: channelName(a.channelId) })}${a.path ? ` (${a.path})` : ''}: ${t(`lead.alert.kind.${a.kind}`)}`,
            detail: <>{a.message} · <time dateTime={a.openedAt}>{t('lead.alert.since', { when: formatDateTime(a.openedAt, lang) })}</time></>,
          }))}
        />
      </div>
    </main>
  );
}
