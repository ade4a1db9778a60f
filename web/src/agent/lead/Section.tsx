// One block of the lead page: a heading with its count, a short list, links to the tickets.
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useT } from '../../common/i18n.tsx';
import type { Present } from '../../common/live.ts';
import { PresenceBadge } from '../../common/PresenceBadge.tsx';

export type Row = { key: string; ticketId?: string; ticketRef?: string; title: string; detail?: ReactNode };

export function Section(p: { note?: string; present?: Map<string, Present[]>; id: string; title: string; rows: Row[] | undefined; more?: boolean; tone?: 'danger' | 'warn'; error?: string | null; loading?: boolean }) {
  const t = useT();
  const n = p.rows?.length ?? 0;
  return (
    <section className={`card lead-section ${n && p.tone ? `lead-${p.tone}` : ''}`} aria-labelledby={`lead-${p.id}`} data-section={p.id}>
      <h2 id={`lead-${p.id}`}>
        {p.title} <span className={`badge ${n && p.tone ? p.tone : ''}`} aria-label={String(n)}>{p.more ? `${n}+` : n}</span>
      </h2>
      {p.error ? (
        <p className="error" role="alert">{t('lead.failed', { message: p.error })}</p>
      ) : p.loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : !n ? (
        <p className="muted">{t('lead.none')}</p>
      ) : (
        <ul className="lead-list">
          {p.rows!.map((r) => (
            <li key={r.key}>
              {r.ticketRef ? <Link to="/tickets/$ref" params={{ ref: r.ticketRef }} className="lead-ref">{r.ticketRef}</Link> : null}
              <span className="lead-title">{r.title}</span>
              {r.detail ? <span className="lead-detail muted">{r.detail}</span> : null}
              {r.ticketId && p.present?.get(r.ticketId)?.length ? <PresenceBadge present={p.present.get(r.ticketId)!} /> : null}
            </li>
          ))}
        </ul>
      )}
      {p.more ? <p className="muted">{t('lead.more', { n })}</p> : null}
      {p.note ? <p className="muted lead-note">{p.note}</p> : null}
    </section>
  );
}
