// Groups (teams): create, edit name / description / level, members (leads may set members).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, patch, post, put } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { K, useGroups, useUsers } from './data.ts';
import type { Group, GroupDetail } from './types.ts';
import { Check, Field, fieldErrors, FormStatus, QueryState, useSave } from './ui.tsx';

export function GroupsSection() {
  const t = useT();
  const { me } = useSession();
  const groups = useGroups();
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const admin = can.admin(me);
  const current = editing && editing !== 'new' ? groups.data?.items.find((g) => g.id === editing) : undefined;
  return (
    <div className="adm-stack">
      {admin && <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.groups.new')}</button></div>}
      {editing === 'new' && <GroupForm key="new" onDone={() => setEditing(null)} />}
      {current && <GroupForm key={current.id} group={current} onDone={() => setEditing(null)} />}
      <QueryState q={groups} />
      {groups.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.groups')}</caption>
          <thead><tr><th>{t('adm.groups.name')}</th><th>{t('adm.groups.level')}</th><th>{t('adm.groups.members')}</th><th>{t('adm.groups.description')}</th><th /></tr></thead>
          <tbody>
            {groups.data.items.map((g) => (
              <tr key={g.id}>
                <td>{g.name}</td><td>L{g.level}</td><td>{g.memberCount}</td><td>{g.description}</td>
                <td><button type="button" onClick={() => setEditing(g.id)} aria-label={t('adm.groups.editNamed', { name: g.name })}>{admin ? t('common.edit') : t('adm.groups.members')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {groups.data?.items.length === 0 && <p className="muted">{t('adm.groups.none')}</p>}
    </div>
  );
}

function GroupForm({ group, onDone }: { group?: Group; onDone: () => void }) {
  const t = useT();
  const { me } = useSession();
  const admin = can.admin(me);
  const [d, setD] = useState({ name: group?.name ?? '', description: group?.description ?? '', level: group?.level ?? 1 });
  const save = useSave(
    () => (group ? patch<GroupDetail>(`/api/v1/groups/${group.id}`, d) : post<GroupDetail>('/api/v1/groups', d)),
    [K.groups],
    () => { if (!group) onDone(); },
  );
  const errs = fieldErrors(save.error);
  return (
    <div className="card adm-form">
      <h3>{group ? group.name : t('adm.groups.new')}</h3>
      {admin && (
        <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={group ? t('adm.groups.editNamed', { name: group.name }) : t('adm.groups.new')}>
          <div className="adm-grid">
            <Field label={t('adm.groups.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
            <Field label={t('adm.groups.level')} error={errs.level}>{(p) => (
              <select {...p} value={d.level} onChange={(e) => setD({ ...d, level: Number(e.target.value) })}>
                {[1, 2, 3].map((l) => <option key={l} value={l}>L{l}</option>)}
              </select>
            )}</Field>
            <Field label={t('adm.groups.description')} error={errs.description} className="adm-wide">{(p) => <textarea {...p} rows={2} value={d.description} onChange={(e) => setD({ ...d, description: e.target.value })} />}</Field>
          </div>
          <div className="adm-actions">
            <button type="submit" className="primary" disabled={save.isPending}>{group ? t('common.save') : t('adm.groups.create')}</button>
            <button type="button" onClick={onDone}>{t('common.cancel')}</button>
            <FormStatus m={save} />
          </div>
        </form>
      )}
      {group && <Members group={group} />}
      {!admin && <div className="adm-actions"><button type="button" onClick={onDone}>{t('common.close')}</button></div>}
    </div>
  );
}

function Members({ group }: { group: Group }) {
  const t = useT();
  const users = useUsers();
  const detail = useQuery({ queryKey: ['admin', 'group', group.id], queryFn: () => get<GroupDetail>(`/api/v1/groups/${group.id}`) });
  const [ids, setIds] = useState<string[] | null>(null);
  const chosen = ids ?? detail.data?.memberIds ?? [];
  const save = useSave(() => put<GroupDetail>(`/api/v1/groups/${group.id}/members`, { userIds: chosen }), [K.groups, K.users, ['admin', 'group', group.id]]);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }}>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.groups.membersOf', { name: group.name })}</legend>
        <QueryState q={detail} />
        {users.data?.items.filter((u) => u.active).map((u) => (
          <Check key={u.id} label={`${u.name} · L${u.level}`} checked={chosen.includes(u.id)}
            onChange={(v) => setIds(v ? [...chosen, u.id] : chosen.filter((x) => x !== u.id))} />
        ))}
      </fieldset>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending || !detail.data}>{t('adm.groups.saveMembers')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
