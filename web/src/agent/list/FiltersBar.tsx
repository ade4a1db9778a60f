// Filters over the current view, the sort, and "save as view".
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { Field } from './Field.tsx';
import { can, useSession } from '../../common/session.tsx';
import { viewsKey } from '../shell/queries.ts';
import type { View } from '../shell/types.ts';
import type { Group, User } from './lookups.ts';
import { barIsEmpty, EMPTY_BAR, PRIORITIES, SORTS, STAGES, STATUSES, type Bar, type Filters, type Sort } from './types.ts';

type Props = { bar: Bar; setBar: (b: Bar) => void; users: User[]; groups: Group[]; filters: Filters; sort: Sort };

export function FiltersBar({ bar, setBar, users, groups, filters, sort }: Props) {
  const t = useT();
  const [tag, setTag] = useState(bar.tag);
  useEffect(() => setTag(bar.tag), [bar.tag]);
  const set = (k: keyof Bar) => (e: { target: { value: string } }) => setBar({ ...bar, [k]: e.target.value });
  const commitTag = () => { if (tag.trim().toLowerCase() !== bar.tag) setBar({ ...bar, tag: tag.trim().toLowerCase() }); };
  const [open, setOpen] = useState(false); // narrow screens: the bar folds behind a button
  const active = Object.entries(bar).filter(([k, v]) => k !== 'sort' && v !== '').length;
  return (
    <>
      <button type="button" className="list-filters-toggle" aria-expanded={open} aria-controls="list-filters" onClick={() => setOpen(!open)}>
        {active ? `${t('list.filters')} (${active})` : t('list.filters')}
      </button>
      <div id="list-filters" className={`list-filters${open ? ' open' : ''}`} role="group" aria-label={t('list.filters')}>
        <Field label={t('list.filter.status')}>{(id) => (
          <select id={id} value={bar.status} onChange={set('status')}>
            <option value="">{t('list.filter.any')}</option>
            <option value="unsolved">{t('list.filter.unsolved')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`list.status.${s}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.filter.priority')}>{(id) => (
          <select id={id} value={bar.priority} onChange={set('priority')}>
            <option value="">{t('list.filter.any')}</option>
            {PRIORITIES.map((s) => <option key={s} value={s}>{t(`list.priority.${s}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.filter.group')}>{(id) => (
          <select id={id} value={bar.groupId} onChange={set('groupId')}>
            <option value="">{t('list.filter.any')}</option>
            <option value="none">{t('list.noGroup')}</option>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.filter.assignee')}>{(id) => (
          <select id={id} value={bar.assigneeId} onChange={set('assigneeId')}>
            <option value="">{t('list.filter.any')}</option>
            <option value="me">{t('list.me')}</option>
            <option value="none">{t('list.unassigned')}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.filter.tag')}>{(id) => (
          <input id={id} type="text" value={tag} size={10} onChange={(e) => setTag(e.target.value)} onBlur={commitTag}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); commitTag(); } }} />
        )}</Field>
        <Field label={t('list.filter.stage')}>{(id) => (
          <select id={id} value={bar.stage} onChange={set('stage')}>
            <option value="">{t('list.filter.any')}</option>
            {STAGES.map((s) => <option key={s} value={s}>{t(`list.stage.${s}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.filter.updatedSince')}>{(id) => (
          <input id={id} type="date" value={bar.updatedSince} onChange={set('updatedSince')} />
        )}</Field>
        <Field label={t('list.filter.sort')}>{(id) => (
          <select id={id} value={bar.sort || sort} onChange={set('sort')}>
            {SORTS.map((s) => <option key={s} value={s}>{t(`list.sort.${s}`)}</option>)}
          </select>
        )}</Field>
        {!barIsEmpty(bar) && <button type="button" onClick={() => setBar(EMPTY_BAR)}>{t('list.filter.reset')}</button>}
        <SaveView filters={filters} sort={sort} />
      </div>
    </>
  );
}

function SaveView({ filters, sort }: { filters: Filters; sort: Sort }) {
  const t = useT();
  const { me } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const v = await post<View>('/api/v1/views', { name: name.trim(), filters, sort, shared });
      await qc.invalidateQueries({ queryKey: viewsKey });
      setOpen(false);
      setName('');
      void navigate({ to: '/views/$viewId', params: { viewId: v.id } });
    } catch (err) {
      setError(t('list.viewFailed', { message: err instanceof ApiError ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }
  if (!open) return <button type="button" onClick={() => setOpen(true)}>{t('list.saveView')}</button>;
  return (
    <form className="list-saveview" onSubmit={save}>
      <Field label={t('list.viewName')}>{(id) => (
        <input id={id} type="text" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      )}</Field>
      {can.lead(me) && (
        <label className="list-inline"><input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> {t('list.viewShared')}</label>
      )}
      <button type="submit" className="primary" disabled={busy || !name.trim()}>{t('common.save')}</button>
      <button type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
