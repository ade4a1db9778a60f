// Personal API tokens: list, create with scopes (the secret is shown once), revoke.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, post } from '../../common/api.ts';
import { formatDateTime, useLang, useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import type { ApiToken, CreatedToken, Page } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, QueryState, useSave } from './ui.tsx';

const KEY = ['me', 'tokens'];

export function Tokens() {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const q = useQuery({ queryKey: KEY, queryFn: () => get<Page<ApiToken>>('/api/v1/tokens?limit=100') });
  const [d, setD] = useState({ name: '', scopes: ['read'] as string[], expires: '' });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useSave(
    () => post<CreatedToken>('/api/v1/tokens', { name: d.name, scopes: d.scopes, ...(d.expires ? { expiresAt: new Date(`${d.expires}T23:59:59`).toISOString() } : {}) }),
    [KEY], (r) => { setCreated(r); setD({ name: '', scopes: ['read'], expires: '' }); },
  );
  const revoke = useSave((id: string) => del(`/api/v1/tokens/${id}`), [KEY]);
  const errs = fieldErrors(create.error);
  const scopes = can.admin(me) ? ['read', 'write', 'admin'] : ['read', 'write'];
  return (
    <section className="card adm-form" aria-labelledby="me-tokens">
      <h2 id="me-tokens">{t('adm.tok.title')}</h2>
      <p className="muted">{t('adm.tok.intro')}</p>
      {created && (
        <div className="notice adm-created" role="alert">
          <p>{t('adm.tok.once', { name: created.name })}</p>
          <code className="adm-secret" aria-label={t('adm.tok.secret')}>{created.token}</code>
          <div className="adm-actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.token)}>{t('adm.tok.copy')}</button>
            <button type="button" onClick={() => setCreated(null)}>{t('adm.tok.done')}</button>
          </div>
        </div>
      )}
      <form onSubmit={(e) => { e.preventDefault(); create.mutate(undefined); }} aria-label={t('adm.tok.create')}>
        <div className="adm-grid">
          <Field label={t('adm.tok.name')} error={errs.name}>{(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
          <Field label={t('adm.tok.expires')} hint={t('adm.tok.expiresHint')} error={errs.expiresAt}>{(p) => <input {...p} type="date" value={d.expires} onChange={(e) => setD({ ...d, expires: e.target.value })} />}</Field>
        </div>
        <fieldset className="adm-fieldset">
          <legend>{t('adm.tok.scopes')}</legend>
          {scopes.map((s) => (
            <Check key={s} label={t(`adm.tok.scope.${s}`)} checked={d.scopes.includes(s)} onChange={(on) => setD({ ...d, scopes: on ? [...d.scopes, s] : d.scopes.filter((x) => x !== s) })} />
          ))}
          {errAt(errs, 'scopes') && <span className="error">{errAt(errs, 'scopes')}</span>}
        </fieldset>
        <div className="adm-actions">
          <button type="submit" className="primary" disabled={create.isPending}>{t('adm.tok.create')}</button>
          <FormStatus m={create} savedText={t('adm.tok.created')} />
        </div>
      </form>
      <QueryState q={q} />
      {q.data?.items.length === 0 && <p className="muted">{t('adm.tok.none')}</p>}
      {!!q.data?.items.length && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.tok.title')}</caption>
          <thead><tr><th>{t('adm.tok.name')}</th><th>{t('adm.tok.prefix')}</th><th>{t('adm.tok.scopes')}</th><th>{t('adm.tok.createdAt')}</th><th>{t('adm.tok.lastUsed')}</th><th>{t('adm.tok.state')}</th><th /></tr></thead>
          <tbody>
            {q.data.items.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'adm-inactive' : ''}>
                <td>{k.name}</td><td><code>{k.prefix}…</code></td><td>{k.scopes.join(', ')}</td>
                <td>{formatDateTime(k.createdAt, lang)}</td><td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang) : '—'}</td>
                <td>{k.revokedAt ? t('adm.tok.revoked') : k.expiresAt ? t('adm.tok.until', { at: formatDateTime(k.expiresAt, lang) }) : t('adm.tok.activeState')}</td>
                <td>{!k.revokedAt && <ConfirmButton label={t('adm.tok.revoke')} confirmText={t('adm.tok.revokeConfirm', { name: k.name })} onConfirm={() => revoke.mutate(k.id)} busy={revoke.isPending} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.error != null && <FormStatus m={revoke} />}
    </section>
  );
}
