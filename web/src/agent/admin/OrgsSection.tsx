// Organizations: name, domains, notes, VIP and whether members see each other's requests on
// the portal (admins only on the server). Searched by name prefix, paged.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, patch, post, qs } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import type { Organization, Page } from './types.ts';
import { Check, Field, fieldErrors, FormStatus, QueryState, splitList, useSave } from './ui.tsx';

const KEY = ['admin', 'orgs'];

export function OrgsSection() {
  const t = useT();
  const [q, setQ] = useState('');
  const list = useInfiniteQuery({
    queryKey: [...KEY, q.trim()],
    queryFn: ({ pageParam, signal }) => get<Page<Organization>>(`/api/v1/organizations${qs({ limit: 50, q: q.trim() || undefined, cursor: pageParam || undefined })}`, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const current = editing && editing !== 'new' ? items.find((o) => o.id === editing) : undefined;
  return (
    <div className="adm-stack">
      <div className="adm-actions adm-orgs-bar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.org.new')}</button>
        <input type="search" aria-label={t('adm.org.search')} placeholder={t('adm.org.search')} value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {editing === 'new' && <OrgForm key="new" onDone={() => setEditing(null)} />}
      {current && <OrgForm key={current.id} org={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {items.length > 0 && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.orgs')}</caption>
          <thead><tr><th>{t('adm.org.name')}</th><th>{t('adm.org.domains')}</th><th>{t('adm.org.vip')}</th><th>{t('adm.org.sharedCol')}</th><th /></tr></thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <td>{o.name}</td><td>{o.domains.join(', ')}</td><td>{o.vip ? t('adm.yes') : t('adm.no')}</td>
                <td>{o.portalShared ? t('adm.yes') : t('adm.no')}</td>
                <td><button type="button" onClick={() => setEditing(o.id)} aria-label={t('adm.org.editNamed', { name: o.name })}>{t('common.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.isSuccess && items.length === 0 && <p className="muted">{t('adm.org.none')}</p>}
      {list.hasNextPage && <div><button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>{t('adm.org.more')}</button></div>}
    </div>
  );
}

function OrgForm({ org, onDone }: { org?: Organization; onDone: () => void }) {
  const t = useT();
  const [d, setD] = useState({
    name: org?.name ?? '', domains: (org?.domains ?? []).join(', '), notes: org?.notes ?? '', vip: org?.vip ?? false, portalShared: org?.portalShared ?? false,
  });
  const save = useSave(
    () => {
      const body = { name: d.name, domains: splitList(d.domains).map((x) => x.toLowerCase()), notes: d.notes, vip: d.vip, portalShared: d.portalShared };
      return org ? patch<Organization>(`/api/v1/organizations/${org.id}`, body) : post<Organization>('/api/v1/organizations', body);
    },
    [KEY], () => { if (!org) onDone(); },
  );
  const errs = fieldErrors(save.error);
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={org ? t('adm.org.editNamed', { name: org.name }) : t('adm.org.new')}>
      <h3>{org ? org.name : t('adm.org.new')}</h3>
      <div className="adm-grid">
        <Field label={t('adm.org.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
        <Field label={t('adm.org.domains')} hint={t('adm.org.domainsHint')} error={Object.entries(errs).find(([k]) => k.startsWith('domains'))?.[1]}>
          {(p) => <input {...p} value={d.domains} onChange={(e) => setD({ ...d, domains: e.target.value })} />}
        </Field>
        <Field label={t('adm.org.notes')} error={errs.notes} className="adm-wide">{(p) => <textarea {...p} rows={3} value={d.notes} onChange={(e) => setD({ ...d, notes: e.target.value })} />}</Field>
      </div>
      <Check label={t('adm.org.vip')} checked={d.vip} onChange={(v) => setD({ ...d, vip: v })} />
      <Check label={t('adm.org.shared')} checked={d.portalShared} onChange={(v) => setD({ ...d, portalShared: v })} />
      <p className="muted adm-hint">{t('adm.org.sharedHint')}</p>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{org ? t('common.save') : t('adm.org.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
