// Mail channels (mailboxes): list, create / edit IMAP, SMTP, webhook, probe and health settings,
// webhook token; each channel's health; quarantine and failed outgoing mail (MailQueues.tsx).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, patch, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { useGroups } from './data.ts';
import { ChannelHealthPanel } from './MailHealth.tsx';
import { OutboxFailures, Quarantine } from './MailQueues.tsx';
import type { Channel } from './types.ts';
import { Check, Field, fieldErrors, FormStatus, QueryState, splitList, TimeZoneInput, useSave, type FieldErrors } from './ui.tsx';

export const CH_KEY = ['admin', 'channels'];

export function MailSection() {
  const t = useT();
  const { me } = useSession();
  const admin = can.admin(me);
  const list = useQuery({ queryKey: CH_KEY, queryFn: () => get<{ items: Channel[] }>('/api/v1/mail/channels') });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [health, setHealth] = useState<string | null>(null);
  const current = editing && editing !== 'new' ? list.data?.items.find((c) => c.id === editing) : undefined;
  return (
    <div className="adm-stack">
      {admin && <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.mail.new')}</button></div>}
      {editing === 'new' && <ChannelForm key="new" onDone={() => setEditing(null)} />}
      {current && <ChannelForm key={current.id} channel={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.mail')}</caption>
          <thead><tr><th>{t('adm.mail.name')}</th><th>{t('adm.mail.address')}</th><th>{t('adm.mail.paths')}</th><th>{t('adm.mail.active')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((c) => (
              <tr key={c.id} className={c.active ? '' : 'adm-inactive'}>
                <td>{c.name}</td><td>{c.address}</td>
                <td>{[c.settings.imap ? 'IMAP' : '', c.settings.smtpOut ? 'SMTP' : '', t('adm.mail.webhooks')].filter(Boolean).join(' · ')}</td>
                <td>{c.active ? t('adm.yes') : t('adm.no')}</td>
                <td className="adm-row-actions">
                  <button type="button" onClick={() => setHealth(health === c.id ? null : c.id)} aria-expanded={health === c.id} aria-label={t('adm.mail.healthOf', { name: c.name })}>{t('adm.mail.health')}</button>
                  {admin && <button type="button" onClick={() => setEditing(c.id)} aria-label={t('adm.mail.editNamed', { name: c.name })}>{t('common.edit')}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p className="muted">{t('adm.mail.none')}</p>}
      {health && list.data?.items.find((c) => c.id === health) && <ChannelHealthPanel channel={list.data.items.find((c) => c.id === health)!} />}
      {admin && <Quarantine />}
      <OutboxFailures />
    </div>
  );
}

type S = Record<string, unknown>;
const str = (v: unknown, d = '') => (typeof v === 'string' ? v : v == null ? d : String(v));
const isSet = (v: unknown) => !!v && typeof v === 'object' && (v as { set?: boolean }).set === true;

function ChannelForm({ channel, onDone }: { channel?: Channel; onDone: () => void }) {
  const t = useT();
  const groups = useGroups();
  const s = (channel?.settings ?? {}) as S;
  const imap0 = (s.imap ?? null) as S | null;
  const smtp0 = (s.smtpOut ?? null) as S | null;
  const probe0 = (s.probe ?? {}) as S;
  const health0 = (s.health ?? {}) as S;
  const [d, setD] = useState({
    name: channel?.name ?? '', address: channel?.address ?? '', groupId: channel?.groupId ?? '', active: channel?.active ?? true,
    replyToToken: !!s.replyToToken,
    imapOn: !!imap0, imapHost: str(imap0?.host), imapPort: str(imap0?.port, '993'), imapSecure: imap0 ? imap0.secure !== false : true,
    imapStarttls: str(imap0?.starttls, 'auto'), imapCheckCert: imap0 ? imap0.checkCertificate !== false : true,
    imapUser: str(imap0?.user), imapPassword: '', imapFolders: ((imap0?.folders as string[] | undefined) ?? ['INBOX']).join(', '),
    imapProcessed: str(imap0?.processed, 'flag'), imapMoveTo: str(imap0?.moveTo, 'Slovo/Processed'), imapIdle: imap0 ? imap0.idle !== false : true,
    imapPoll: str(imap0?.pollSeconds, '60'),
    smtpOn: !!smtp0, smtpHost: str(smtp0?.host), smtpPort: str(smtp0?.port, '587'), smtpSecure: !!smtp0?.secure,
    smtpStarttls: str(smtp0?.starttls, 'auto'), smtpCheckCert: smtp0 ? smtp0.checkCertificate !== false : true,
    smtpUser: str(smtp0?.user), smtpPassword: '', smtpFromName: str(smtp0?.fromName),
    mailgunKey: '', probeOn: !!probe0.enabled, probeInterval: str(probe0.intervalMinutes, '30'),
    silence: str(health0.silenceMinutes), fetchError: str(health0.fetchErrorMinutes), healthTz: str(health0.timeZone),
  });
  const set = (k: keyof typeof d, v: string | boolean) => setD((x) => ({ ...x, [k]: v }));
  const body = () => {
    const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
    const settings: S = {
      replyToToken: d.replyToToken,
      imap: d.imapOn ? {
        host: d.imapHost, port: num(d.imapPort), secure: d.imapSecure, starttls: d.imapStarttls, checkCertificate: d.imapCheckCert,
        user: d.imapUser, ...(d.imapPassword ? { password: d.imapPassword } : {}), folders: splitList(d.imapFolders),
        processed: d.imapProcessed, moveTo: d.imapMoveTo, idle: d.imapIdle, pollSeconds: num(d.imapPoll),
      } : null,
      smtpOut: d.smtpOn ? {
        host: d.smtpHost, port: num(d.smtpPort), secure: d.smtpSecure, starttls: d.smtpStarttls, checkCertificate: d.smtpCheckCert,
        ...(d.smtpUser ? { user: d.smtpUser } : {}), ...(d.smtpPassword ? { password: d.smtpPassword } : {}), ...(d.smtpFromName ? { fromName: d.smtpFromName } : {}),
      } : null,
      webhooks: d.mailgunKey ? { mailgunSigningKey: d.mailgunKey } : undefined,
      probe: { enabled: d.probeOn, intervalMinutes: num(d.probeInterval) },
      health: { silenceMinutes: num(d.silence), fetchErrorMinutes: num(d.fetchError), ...(d.healthTz ? { timeZone: d.healthTz } : {}) },
    };
    return { name: d.name, address: d.address, groupId: d.groupId || null, active: d.active, settings };
  };
  const save = useSave(
    () => (channel ? patch<Channel>(`/api/v1/mail/channels/${channel.id}`, body()) : post<Channel>('/api/v1/mail/channels', body())),
    [CH_KEY], () => { if (!channel) onDone(); },
  );
  const errs = fieldErrors(save.error);
  const e = (p: string) => errs[`settings.${p}`];
  const txt = (label: string, k: keyof typeof d, er?: string, type = 'text', hint?: string) => (
    <Field label={label} error={er} hint={hint}>{(p) => <input {...p} type={type} value={d[k] as string} onChange={(ev) => set(k, ev.target.value)} autoComplete={type === 'password' ? 'new-password' : 'off'} />}</Field>
  );
  const tls = (k: 'imapStarttls' | 'smtpStarttls', er?: string) => (
    <Field label={t('adm.mail.starttls')} error={er}>{(p) => (
      <select {...p} value={d[k]} onChange={(ev) => set(k, ev.target.value)}>
        {['auto', 'require', 'never'].map((x) => <option key={x} value={x}>{t(`adm.mail.starttls.${x}`)}</option>)}
      </select>
    )}</Field>
  );
  return (
    <form className="card adm-form" onSubmit={(ev) => { ev.preventDefault(); save.mutate(undefined); }} aria-label={channel ? t('adm.mail.editNamed', { name: channel.name }) : t('adm.mail.new')}>
      <h3>{channel ? channel.name : t('adm.mail.new')}</h3>
      <div className="adm-grid">
        {txt(t('adm.mail.name'), 'name', errs.name)}
        {txt(t('adm.mail.address'), 'address', errs.address, 'email')}
        <Field label={t('adm.mail.group')} error={errs.groupId}>{(p) => (
          <select {...p} value={d.groupId} onChange={(ev) => set('groupId', ev.target.value)}>
            <option value="">{t('adm.mail.noGroup')}</option>
            {groups.data?.items.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        )}</Field>
        <Check label={t('adm.mail.active')} checked={d.active} onChange={(v) => set('active', v)} />
        <Check label={t('adm.mail.replyToToken')} checked={d.replyToToken} onChange={(v) => set('replyToToken', v)} />
      </div>
      <fieldset className="adm-fieldset">
        <legend>IMAP</legend>
        <Check label={t('adm.mail.imapOn')} checked={d.imapOn} onChange={(v) => set('imapOn', v)} />
        {d.imapOn && (
          <div className="adm-grid">
            {txt(t('adm.mail.host'), 'imapHost', e('imap.host'))}
            {txt(t('adm.mail.port'), 'imapPort', e('imap.port'), 'number')}
            <Check label={t('adm.mail.secure')} checked={d.imapSecure} onChange={(v) => set('imapSecure', v)} />
            {tls('imapStarttls', e('imap.starttls'))}
            <Check label={t('adm.mail.checkCert')} checked={d.imapCheckCert} onChange={(v) => set('imapCheckCert', v)} />
            {txt(t('adm.mail.user'), 'imapUser', e('imap.user'))}
            {txt(t('adm.mail.password'), 'imapPassword', e('imap.password'), 'password', isSet(imap0?.password) ? t('adm.mail.secretKept') : undefined)}
            {txt(t('adm.mail.folders'), 'imapFolders', errFirst(errs, 'settings.imap.folders'))}
            <Field label={t('adm.mail.processed')} error={e('imap.processed')}>{(p) => (
              <select {...p} value={d.imapProcessed} onChange={(ev) => set('imapProcessed', ev.target.value)}>
                <option value="flag">{t('adm.mail.processed.flag')}</option><option value="move">{t('adm.mail.processed.move')}</option>
              </select>
            )}</Field>
            {d.imapProcessed === 'move' && txt(t('adm.mail.moveTo'), 'imapMoveTo', e('imap.moveTo'))}
            <Check label={t('adm.mail.idle')} checked={d.imapIdle} onChange={(v) => set('imapIdle', v)} />
            {txt(t('adm.mail.pollSeconds'), 'imapPoll', e('imap.pollSeconds'), 'number')}
          </div>
        )}
      </fieldset>
      <fieldset className="adm-fieldset">
        <legend>SMTP</legend>
        <Check label={t('adm.mail.smtpOn')} checked={d.smtpOn} onChange={(v) => set('smtpOn', v)} />
        {d.smtpOn && (
          <div className="adm-grid">
            {txt(t('adm.mail.host'), 'smtpHost', e('smtpOut.host'))}
            {txt(t('adm.mail.port'), 'smtpPort', e('smtpOut.port'), 'number')}
            <Check label={t('adm.mail.secure')} checked={d.smtpSecure} onChange={(v) => set('smtpSecure', v)} />
            {tls('smtpStarttls', e('smtpOut.starttls'))}
            <Check label={t('adm.mail.checkCert')} checked={d.smtpCheckCert} onChange={(v) => set('smtpCheckCert', v)} />
            {txt(t('adm.mail.user'), 'smtpUser', e('smtpOut.user'))}
            {txt(t('adm.mail.password'), 'smtpPassword', e('smtpOut.password'), 'password', isSet(smtp0?.password) ? t('adm.mail.secretKept') : undefined)}
            {txt(t('adm.mail.fromName'), 'smtpFromName', e('smtpOut.fromName'))}
          </div>
        )}
      </fieldset>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.mail.webhooksAndHealth')}</legend>
        <div className="adm-grid">
          {txt(t('adm.mail.mailgunKey'), 'mailgunKey', e('webhooks.mailgunSigningKey'), 'password', isSet((s.webhooks as S | undefined)?.mailgunSigningKey) ? t('adm.mail.secretKept') : undefined)}
          <Check label={t('adm.mail.probeOn')} checked={d.probeOn} onChange={(v) => set('probeOn', v)} />
          {txt(t('adm.mail.probeInterval'), 'probeInterval', e('probe.intervalMinutes'), 'number')}
          {txt(t('adm.mail.silence'), 'silence', e('health.silenceMinutes'), 'number', t('adm.mail.silenceHint'))}
          {txt(t('adm.mail.fetchError'), 'fetchError', e('health.fetchErrorMinutes'), 'number')}
          <Field label={t('adm.mail.healthTz')} error={e('health.timeZone')}>{(p) => <TimeZoneInput {...p} value={d.healthTz} onChange={(v) => set('healthTz', v)} />}</Field>
        </div>
      </fieldset>
      {errFirst(errs, 'settings') && !Object.keys(errs).some((k) => k.startsWith('settings.') && k !== 'settings') && <span className="error">{errFirst(errs, 'settings')}</span>}
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{channel ? t('common.save') : t('adm.mail.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
      {channel && <WebhookToken channel={channel} />}
    </form>
  );
}

const errFirst = (errs: FieldErrors, p: string) => errs[p] ?? Object.entries(errs).find(([k]) => k.startsWith(`${p}.`))?.[1];

function WebhookToken({ channel }: { channel: Channel }) {
  const t = useT();
  const [token, setToken] = useState(channel.webhookToken ?? '');
  const rotate = useSave(() => post<Channel>(`/api/v1/mail/channels/${channel.id}/rotate-token`), [CH_KEY], (r) => setToken(r.webhookToken ?? ''));
  const base = `${location.origin}/api/v1/mail/inbound/${channel.id}`;
  return (
    <section className="adm-sub" aria-label={t('adm.mail.webhookUrls')}>
      <h4>{t('adm.mail.webhookUrls')}</h4>
      <ul className="adm-urls">
        {['raw', 'mailgun', 'sendgrid', 'postmark'].map((p) => <li key={p}><code>{`${base}/${p}?token=${token}`}</code></li>)}
      </ul>
      <div className="adm-actions">
        <RotateButton onConfirm={() => rotate.mutate(undefined)} busy={rotate.isPending} />
        <FormStatus m={rotate} savedText={t('adm.mail.rotated')} />
      </div>
    </section>
  );
}

function RotateButton({ onConfirm, busy }: { onConfirm: () => void; busy: boolean }) {
  const t = useT();
  const [ask, setAsk] = useState(false);
  if (!ask) return <button type="button" onClick={() => setAsk(true)} disabled={busy}>{t('adm.mail.rotate')}</button>;
  return (
    <span className="adm-confirm" role="group" aria-label={t('adm.mail.rotateConfirm')}>
      <span>{t('adm.mail.rotateConfirm')}</span>
      <button type="button" className="adm-danger" onClick={() => { setAsk(false); onConfirm(); }}>{t('adm.mail.rotate')}</button>
      <button type="button" autoFocus onClick={() => setAsk(false)}>{t('common.cancel')}</button>
    </span>
  );
}
