// A channel's health: per inbound path the last arrival, expected silence and the learned weekly
// rhythm; heartbeat probes (send one now); open alerts.
import { useQuery } from '@tanstack/react-query';
import { get, post } from '../../common/api.ts';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import type { Channel, ChannelHealth } from './types.ts';
import { FormStatus, QueryState, useSave } from './ui.tsx';

type PathHealth = ChannelHealth['paths'][number];
type T = ReturnType<typeof useT>;
/** 45 → "45 min", 1440 → "24 h" */
const dur = (t: T, m: number) => (m >= 120 ? t('adm.mail.hours', { n: Math.round(m / 6) / 10 }) : t('adm.mail.silenceLimit', { n: m }));

export function ChannelHealthPanel({ channel }: { channel: Channel }) {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const key = ['admin', 'channel-health', channel.id];
  const q = useQuery({ queryKey: key, queryFn: () => get<ChannelHealth>(`/api/v1/mail/channels/${channel.id}/health`), refetchInterval: 60_000 });
  const probe = useSave(() => post(`/api/v1/mail/channels/${channel.id}/probe`), [key]);
  const h = q.data;
  return (
    <section className="card adm-form" aria-label={t('adm.mail.healthOf', { name: channel.name })}>
      <h3>{t('adm.mail.healthOf', { name: channel.name })}</h3>
      <QueryState q={q} />
      {h && (
        <>
          <p className="muted">{t('adm.mail.checkedAt', { at: formatDateTime(h.checkedAt, lang) })}</p>
          <h4>{t('adm.mail.alerts')}</h4>
          {h.alerts.length === 0 ? <p><span className="badge ok">{t('adm.mail.noAlerts')}</span></p> : (
            <ul className="adm-alerts">
              {h.alerts.map((a) => (
                <li key={a.id}><span className="badge danger">{t(`adm.mail.alert.${a.kind}`)}</span> {a.path ? `${a.path}: ` : ''}{a.message} <span className="muted">({formatRelative(a.openedAt, lang)})</span></li>
              ))}
            </ul>
          )}
          <h4>{t('adm.mail.paths')}</h4>
          {h.paths.length === 0 && <p className="muted">{t('adm.mail.noPaths')}</p>}
          {h.paths.map((p) => <PathRow key={p.path} p={p} tz={h.timeZone} />)}
          <h4>{t('adm.mail.probes')}</h4>
          <p>
            {h.probes.enabled ? t('adm.mail.probesOn', { n: h.probes.intervalMinutes }) : t('adm.mail.probesOff')}
            {h.probes.lastSentAt && ` · ${t('adm.mail.lastProbe', { at: formatDateTime(h.probes.lastSentAt, lang) })}`}
          </p>
          {can.admin(me) && (
            <div className="adm-actions">
              <button type="button" onClick={() => probe.mutate(undefined)} disabled={probe.isPending}>{t('adm.mail.probeNow')}</button>
              <FormStatus m={probe} savedText={t('adm.mail.probeSent')} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function PathRow({ p, tz }: { p: PathHealth; tz: string }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <div className="adm-path">
      <strong>{p.path}</strong>{' '}
      {p.failing ? <span className="badge danger">{t('adm.mail.failing')}</span> : p.silence.abnormal ? <span className="badge warn">{t('adm.mail.silent')}</span> : <span className="badge ok">{t('adm.mail.ok')}</span>}
      <dl className="adm-dl">
        <dt>{t('adm.mail.lastArrival')}</dt><dd>{p.lastArrivalAt ? `${formatDateTime(p.lastArrivalAt, lang)} (${formatRelative(p.lastArrivalAt, lang)})` : t('adm.mail.never')}</dd>
        <dt>{t('adm.mail.expectedSilence')}</dt><dd>{dur(t, p.silence.limitMinutes)} · {t(`adm.mail.silenceSource.${p.silence.source}`)}{p.silence.watched ? '' : ` · ${t('adm.mail.notWatched')}`}</dd>
        {p.lastError && (<><dt>{t('adm.mail.lastError')}</dt><dd className="error">{p.lastError} ({formatDateTime(p.lastErrorAt, lang)})</dd></>)}
        <dt>{t('adm.mail.probeState')}</dt><dd>{t(`adm.mail.probeState.${p.probes.state}`)}</dd>
      </dl>
      {p.rhythm && <Rhythm values={p.rhythm} tz={tz} />}
    </div>
  );
}

/** The learned rhythm: typical silence per hour of week, Monday first, darker = longer silence. */
function Rhythm({ values, tz }: { values: (number | null)[]; tz: string }) {
  const t = useT();
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  return (
    <figure className="adm-rhythm">
      <figcaption className="muted">{t('adm.mail.rhythm', { tz })}</figcaption>
      <table>
        <tbody>
          {Array.from({ length: 7 }, (_, d) => (
            <tr key={d}>
              <th scope="row">{t(`adm.cal.wdShort${d}`)}</th>
              {Array.from({ length: 24 }, (_, h) => {
                const v = values[d * 24 + h] ?? null;
                const label = `${t(`adm.cal.wdShort${d}`)} ${String(h).padStart(2, '0')}:00 — ${v == null ? t('adm.mail.rhythmNone') : dur(t, v)}`;
                return <td key={h} title={label} aria-label={label} style={{ opacity: v == null ? 0.08 : 0.15 + 0.85 * (v / max) }} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
