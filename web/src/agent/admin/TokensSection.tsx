// Every user's API tokens (admins): who owns which, when used; revoke a leaked or orphaned one.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, qs } from '../../common/api.ts';
import { formatDateTime, useLang, useT } from '../../common/i18n.tsx';
import { useUsers } from './data.ts';
import type { AdminApiToken, Page } from './types.ts';
import { Check, ConfirmButton, FormStatus, QueryState, useSave } from './ui.tsx';

const KEY = ['admin', 'tokens'];

export function TokensSection() {
  const t = useT();
  const { lang } = useLang();
  const users = useUsers();
  const [userId, setUserId] = useState('');
  const [working, setWorking] = useState(true);
  const list = useInfiniteQuery({
    queryKey: [...KEY, userId, working],
    queryFn: ({ pageParam, signal }) => get<Page<AdminApiToken>>(`/api/v1/admin/tokens${qs({ limit: 50, userId: userId || undefined, active: working ? 'true' : undefined, cursor: pageParam || undefined })}`, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const revoke = useSave((id: string) => del(`/api/v1/admin/tokens/${id}`), [KEY]);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const now = Date.now();
  const state = (k: AdminApiToken) => {
    if (k.revokedAt) return t('adm.tok.revoked');
    if (k.expiresAt && Date.parse(k.expiresAt) <= now) return t('adm.atok.expired');
    return k.expiresAt ? t('adm.tok.until', { at: formatDateTime(k.expiresAt, lang) }) : t('adm.tok.activeState');
  };
  return (
    <div className="adm-stack">
      <p className="muted">{t('adm.atok.intro')}</p>
      <div className="adm-actions">
        <label>{t('adm.atok.user')}{' '}
          <select value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">{t('adm.atok.anyone')}</option>
            {users.data?.items.map((u) => <option key={u.id} value={u.id}>{u.name} ({u.email})</option>)}
          </select>
        </label>
        <Check label={t('adm.atok.onlyWorking')} checked={working} onChange={setWorking} />
      </div>
      <QueryState q={list} />
      {list.data && !items.length && <p className="muted">{t('adm.tok.none')}</p>}
      {!!items.length && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.tokens')}</caption>
          <thead><tr><th>{t('adm.atok.owner')}</th><th>{t('adm.tok.name')}</th><th>{t('adm.tok.prefix')}</th><th>{t('adm.tok.scopes')}</th><th>{t('adm.tok.createdAt')}</th><th>{t('adm.tok.lastUsed')}</th><th>{t('adm.tok.state')}</th><th /></tr></thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'adm-inactive' : ''}>
                <td>{k.user.name} <span className="muted">{k.user.email}{!k.user.active && ` ${t('adm.atok.deactivated')}`}</span></td>
                <td>{k.name}</td><td><code>{k.prefix}…</code></td><td>{k.scopes.map((s) => t(`adm.tok.scope.${s}`)).join(', ')}</td>
                <td>{formatDateTime(k.createdAt, lang)}</td><td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang) : '—'}</td>
                <td>{state(k)}</td>
                <td>{!k.revokedAt && (
                  <ConfirmButton label={t('adm.tok.revoke')} confirmText={t('adm.atok.revokeNamed', { name: k.name, owner: k.user.name })} onConfirm={() => revoke.mutate(k.id)} busy={revoke.isPending} />
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && <div><button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>{t('adm.atok.more')}</button></div>}
      <FormStatus m={revoke} savedText={t('adm.atok.revoked')} />
    </div>
  );
}
