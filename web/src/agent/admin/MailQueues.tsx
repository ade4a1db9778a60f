// Mail that needs a person: quarantined inbound mail (retry / release) and failed outgoing mail (retry).
import { useQuery } from '@tanstack/react-query';
import { get, post, qs } from '../../common/api.ts';
import { formatDateTime, useLang, useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import type { InboundMail, OutboxMail, Page } from './types.ts';
import { ConfirmButton, FormStatus, QueryState, useSave } from './ui.tsx';

const QKEY = ['admin', 'quarantine'];
const OKEY = ['admin', 'outbox-failed'];

export function Quarantine() {
  const t = useT();
  const { lang } = useLang();
  const q = useQuery({ queryKey: QKEY, queryFn: () => get<Page<InboundMail>>(`/api/v1/mail/received${qs({ stage: 'quarantined', limit: 100 })}`) });
  const retry = useSave((id: string) => post(`/api/v1/mail/received/${id}/retry`), [QKEY]);
  const release = useSave((id: string) => post(`/api/v1/mail/received/${id}/release`), [QKEY]);
  return (
    <section className="card adm-form" aria-labelledby="adm-quarantine">
      <h3 id="adm-quarantine">{t('adm.mail.quarantine')}</h3>
      <p className="muted">{t('adm.mail.quarantineHint')}</p>
      <QueryState q={q} />
      {q.data?.items.length === 0 && <p className="muted">{t('adm.mail.quarantineEmpty')}</p>}
      {!!q.data?.items.length && (
        <table className="adm-table">
          <thead><tr><th>{t('adm.mail.receivedAt')}</th><th>{t('adm.mail.from')}</th><th>{t('adm.mail.subject')}</th><th>{t('adm.mail.reason')}</th><th /></tr></thead>
          <tbody>
            {q.data.items.map((m) => (
              <tr key={m.id}>
                <td>{formatDateTime(m.receivedAt, lang)}</td><td>{m.from ?? '—'}</td><td>{m.subject ?? '—'}</td>
                <td>{m.reason ?? m.reasonCode ?? '—'}</td>
                <td className="adm-row-actions">
                  <a href={`/api/v1/mail/received/${m.id}/source`} download>{t('adm.mail.source')}</a>
                  <button type="button" onClick={() => retry.mutate(m.id)} disabled={retry.isPending}>{t('adm.mail.retry')}</button>
                  <ConfirmButton label={t('adm.mail.release')} danger={false} confirmText={t('adm.mail.releaseConfirm')} onConfirm={() => release.mutate(m.id)} busy={release.isPending} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormStatus m={retry.isIdle ? release : retry} savedText={t('adm.mail.requeued')} />
    </section>
  );
}

export function OutboxFailures() {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const q = useQuery({ queryKey: OKEY, queryFn: () => get<Page<OutboxMail>>(`/api/v1/mail/outbox${qs({ status: 'failed', limit: 100 })}`) });
  const retry = useSave((id: string) => post(`/api/v1/mail/outbox/${id}/retry`), [OKEY]);
  return (
    <section className="card adm-form" aria-labelledby="adm-outbox">
      <h3 id="adm-outbox">{t('adm.mail.outbox')}</h3>
      <QueryState q={q} />
      {q.data?.items.length === 0 && <p className="muted">{t('adm.mail.outboxEmpty')}</p>}
      {!!q.data?.items.length && (
        <table className="adm-table">
          <thead><tr><th>{t('adm.mail.createdAt')}</th><th>{t('adm.mail.to')}</th><th>{t('adm.mail.subject')}</th><th>{t('adm.mail.error')}</th><th /></tr></thead>
          <tbody>
            {q.data.items.map((m) => (
              <tr key={m.id}>
                <td>{formatDateTime(m.createdAt, lang)}</td><td>{m.to}</td><td>{m.subject}</td>
                <td>{m.lastError ?? '—'}{m.permanent ? ` · ${t('adm.mail.permanent')}` : ''} ({t('adm.mail.attempts', { n: m.attempts })})</td>
                <td>{can.admin(me) && <button type="button" onClick={() => retry.mutate(m.id)} disabled={retry.isPending}>{t('adm.mail.retry')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormStatus m={retry} savedText={t('adm.mail.requeued')} />
    </section>
  );
}
