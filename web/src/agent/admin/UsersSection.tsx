// Users (agents): list, create, edit role / level / skills / groups / zone / locale, deactivate.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { get, patch, post, qs } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { K, useGroups, useUsers } from './data.ts';
import type { CreatedUser, Page, User } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, QueryState, splitList, TimeZoneInput, useSave } from './ui.tsx';

const ROLES = ['admin', 'lead', 'agent', 'light_agent'] as const;
type Draft = { name: string; email: string; role: User['role']; level: number; skills: string; groupIds: string[]; timeZone: string; locale: 'ru' | 'en'; password: string };
const EMPTY: Draft = { name: '', email: '', role: 'agent', level: 1, skills: '', groupIds: [], timeZone: 'Europe/Moscow', locale: 'ru', password: '' };

export function UsersSection() {
  const t = useT();
  const { me } = useSession();
  const all = useUsers();
  const groups = useGroups();
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const found = useQuery({
    queryKey: [...K.users, 'q', query], enabled: query !== '', placeholderData: keepPreviousData,
    queryFn: () => get<Page<User>>(`/api/v1/users${qs({ q: query, limit: 200 })}`),
  });
  const users = query ? found : all;
  const admin = can.admin(me);
  const groupName = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? id;
  const current = editing && editing !== 'new' ? (users.data ?? all.data)?.items.find((u) => u.id === editing) : undefined;
  return (
    <div className="adm-stack">
      {admin && <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.users.new')}</button></div>}
      {editing === 'new' && <UserForm key="new" onDone={() => setEditing(null)} />}
      {current && <UserForm key={current.id} user={current} onDone={() => setEditing(null)} />}
      <Field label={t('adm.users.search')}>{(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
      <QueryState q={users} />
      {users.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.users')}</caption>
          <thead><tr><th>{t('adm.users.name')}</th><th>{t('adm.users.email')}</th><th>{t('adm.users.role')}</th><th>{t('adm.users.level')}</th><th>{t('adm.users.groups')}</th><th>{t('adm.users.status')}</th><th /></tr></thead>
          <tbody>
            {users.data.items.map((u) => (
              <tr key={u.id} className={u.active ? '' : 'adm-inactive'}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{t(`adm.role.${u.role}`)}</td>
                <td>L{u.level}</td>
                <td>{u.groupIds.map(groupName).join(', ')}</td>
                <td>{u.active ? t('adm.users.active') : t('adm.users.inactive')}</td>
                <td>{admin && <button type="button" onClick={() => setEditing(u.id)} aria-label={t('adm.users.editNamed', { name: u.name })}>{t('common.edit')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function UserForm({ user, onDone }: { user?: User; onDone: () => void }) {
  const t = useT();
  const groups = useGroups();
  const [d, setD] = useState<Draft>(() => user
    ? { name: user.name, email: user.email, role: user.role, level: user.level, skills: user.skills.join(', '), groupIds: user.groupIds, timeZone: user.timeZone, locale: user.locale, password: '' }
    : EMPTY);
  const [generated, setGenerated] = useState<string | null>(null);
  const set = <k extends keyof Draft>(k: k, v: Draft[k]) => setD((x) => ({ ...x, [k]: v }));
  const body = () => ({
    name: d.name, email: d.email, role: d.role, level: d.level, skills: splitList(d.skills), groupIds: d.groupIds,
    timeZone: d.timeZone, locale: d.locale, ...(d.password ? { password: d.password } : {}),
  });
  const save = useSave(
    () => (user ? patch<User>(`/api/v1/users/${user.id}`, body()) : post<CreatedUser>('/api/v1/users', body())),
    [K.users, K.groups],
    (r) => { const pw = user ? null : (r as CreatedUser).generatedPassword; if (pw) setGenerated(pw); else if (!user) onDone(); },
  );
  const toggle = useSave((active: boolean) => patch<User>(`/api/v1/users/${user!.id}`, { active }), [K.users]);
  const errs = fieldErrors(save.error);
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={user ? t('adm.users.editNamed', { name: user.name }) : t('adm.users.new')}>
      <h3>{user ? user.name : t('adm.users.new')}</h3>
      <div className="adm-grid">
        <Field label={t('adm.users.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => set('name', e.target.value)} required />}</Field>
        <Field label={t('adm.users.email')} error={errs.email}>{(p) => <input {...p} type="email" value={d.email} onChange={(e) => set('email', e.target.value)} required />}</Field>
        <Field label={t('adm.users.role')} error={errs.role}>{(p) => (
          <select {...p} value={d.role} onChange={(e) => set('role', e.target.value as Draft['role'])}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`adm.role.${r}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('adm.users.level')} error={errs.level}>{(p) => (
          <select {...p} value={d.level} onChange={(e) => set('level', Number(e.target.value))}>
            {[1, 2, 3].map((l) => <option key={l} value={l}>L{l}</option>)}
          </select>
        )}</Field>
        <Field label={t('adm.users.skills')} hint={t('adm.users.skillsHint')} error={errAt(errs, 'skills')}>{(p) => <input {...p} value={d.skills} onChange={(e) => set('skills', e.target.value)} />}</Field>
        <Field label={t('adm.users.timeZone')} error={errs.timeZone}>{(p) => <TimeZoneInput {...p} value={d.timeZone} onChange={(v) => set('timeZone', v)} />}</Field>
        <Field label={t('adm.users.locale')} error={errs.locale}>{(p) => (
          <select {...p} value={d.locale} onChange={(e) => set('locale', e.target.value as 'ru' | 'en')}>
            <option value="ru">Русский</option><option value="en">English</option>
          </select>
        )}</Field>
        <Field label={user ? t('adm.users.newPassword') : t('adm.users.password')} hint={user ? t('adm.users.passwordKeep') : t('adm.users.passwordHint')} error={errs.password}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={d.password} onChange={(e) => set('password', e.target.value)} />}
        </Field>
      </div>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.users.groups')}</legend>
        {groups.data?.items.length === 0 && <p className="muted">{t('adm.groups.none')}</p>}
        {groups.data?.items.map((g) => (
          <Check key={g.id} label={`${g.name} (L${g.level})`} checked={d.groupIds.includes(g.id)}
            onChange={(v) => set('groupIds', v ? [...d.groupIds, g.id] : d.groupIds.filter((x) => x !== g.id))} />
        ))}
        {errAt(errs, 'groupIds') && <span className="error">{errAt(errs, 'groupIds')}</span>}
      </fieldset>
      {generated && (
        <div className="notice" role="alert">
          <p>{t('adm.users.generated')}</p>
          <code className="adm-secret">{generated}</code>
        </div>
      )}
      <div className="adm-actions">
        {!generated && <button type="submit" className="primary" disabled={save.isPending}>{user ? t('common.save') : t('adm.users.create')}</button>}
        <button type="button" onClick={onDone}>{generated ? t('common.close') : t('common.cancel')}</button>
        {user && (user.active
          ? <ConfirmButton label={t('adm.users.deactivate')} confirmText={t('adm.users.deactivateConfirm', { name: user.name })} busy={toggle.isPending} onConfirm={() => toggle.mutate(false)} />
          : <button type="button" onClick={() => toggle.mutate(true)} disabled={toggle.isPending}>{t('adm.users.activate')}</button>)}
        <FormStatus m={save} />
        {toggle.error != null && <FormStatus m={toggle} />}
      </div>
    </form>
  );
}
