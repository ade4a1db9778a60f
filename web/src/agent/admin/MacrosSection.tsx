// Macros: a reply text with {{variables}} plus ticket changes; shared ones for the whole team.
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { del, get, patch, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { useGroups } from './data.ts';
import type { Macro, Page } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, QueryState, splitList, useSave } from './ui.tsx';

const KEY = ['admin', 'macros'];
const VARIABLES = ['ticket.number', 'ticket.subject', 'ticket.status', 'customer.name', 'customer.email', 'agent.name', 'organization.name'];
const STATUSES = ['new', 'open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export function MacrosSection() {
  const t = useT();
  const list = useQuery({ queryKey: KEY, queryFn: () => get<Page<Macro>>('/api/v1/macros?limit=200&includeInactive=true') });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const remove = useSave((id: string) => del(`/api/v1/macros/${id}`), [KEY]);
  const current = editing && editing !== 'new' ? list.data?.items.find((m) => m.id === editing) : undefined;
  return (
    <div className="adm-stack">
      <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.mac.new')}</button></div>
      {editing === 'new' && <MacroForm key="new" onDone={() => setEditing(null)} />}
      {current && <MacroForm key={current.id} macro={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.macros')}</caption>
          <thead><tr><th>{t('adm.mac.name')}</th><th>{t('adm.mac.scope')}</th><th>{t('adm.mac.active')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((m) => (
              <tr key={m.id} className={m.active ? '' : 'adm-inactive'}>
                <td>{m.name}</td><td>{m.shared ? t('adm.mac.shared') : t('adm.mac.personal')}</td><td>{m.active ? t('adm.yes') : t('adm.no')}</td>
                <td className="adm-row-actions">
                  <button type="button" onClick={() => setEditing(m.id)} aria-label={t('adm.mac.editNamed', { name: m.name })}>{t('common.edit')}</button>
                  <ConfirmButton label={t('common.delete')} confirmText={t('adm.mac.deleteConfirm', { name: m.name })} onConfirm={() => remove.mutate(m.id)} busy={remove.isPending} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p className="muted">{t('adm.mac.none')}</p>}
      {remove.error != null && <FormStatus m={remove} />}
    </div>
  );
}

type Draft = { name: string; body: string; shared: boolean; active: boolean; status: string; priority: string; groupId: string; assignee: string; addTags: string; removeTags: string };

function MacroForm({ macro, onDone }: { macro?: Macro; onDone: () => void }) {
  const t = useT();
  const groups = useGroups();
  const a = macro?.actions ?? {};
  const [d, setD] = useState<Draft>({
    name: macro?.name ?? '', body: macro?.body ?? '', shared: macro?.shared ?? true, active: macro?.active ?? true,
    status: a.status ?? '', priority: a.priority ?? '', groupId: a.groupId === null ? 'none' : a.groupId ?? '',
    assignee: a.assigneeId === null ? 'none' : a.assigneeId ?? '', addTags: (a.addTags ?? []).join(', '), removeTags: (a.removeTags ?? []).join(', '),
  });
  const body = useRef<HTMLTextAreaElement>(null);
  const actions = () => {
    const x: Record<string, unknown> = {};
    if (d.status) x.status = d.status;
    if (d.priority) x.priority = d.priority;
    if (d.groupId) x.groupId = d.groupId === 'none' ? null : d.groupId;
    if (d.assignee) x.assigneeId = d.assignee === 'none' ? null : d.assignee;
    if (splitList(d.addTags).length) x.addTags = splitList(d.addTags);
    if (splitList(d.removeTags).length) x.removeTags = splitList(d.removeTags);
    return x;
  };
  const save = useSave(
    () => (macro
      ? patch<Macro>(`/api/v1/macros/${macro.id}`, { name: d.name, body: d.body, actions: actions(), active: d.active })
      : post<Macro>('/api/v1/macros', { name: d.name, body: d.body, actions: actions(), shared: d.shared })),
    [KEY], () => { if (!macro) onDone(); },
  );
  const errs = fieldErrors(save.error);
  const insert = (v: string) => {
    const el = body.current;
    const token = `{{${v}}}`;
    const at = el ? el.selectionStart : d.body.length;
    const end = el ? el.selectionEnd : d.body.length;
    setD({ ...d, body: d.body.slice(0, at) + token + d.body.slice(end) });
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(at + token.length, at + token.length); });
  };
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={macro ? t('adm.mac.editNamed', { name: macro.name }) : t('adm.mac.new')}>
      <h3>{macro ? macro.name : t('adm.mac.new')}</h3>
      <Field label={t('adm.mac.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
      <Field label={t('adm.mac.body')} hint={t('adm.mac.bodyHint')} error={errs.body}>{(p) => <textarea {...p} ref={body} rows={6} value={d.body} onChange={(e) => setD({ ...d, body: e.target.value })} />}</Field>
      <div className="adm-vars" role="group" aria-label={t('adm.mac.variables')}>
        <span className="muted">{t('adm.mac.variables')}:</span>
        {VARIABLES.map((v) => <button key={v} type="button" onClick={() => insert(v)}>{`{{${v}}}`}</button>)}
      </div>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.mac.actions')}</legend>
        <div className="adm-grid">
          <Field label={t('adm.mac.status')} error={errs['actions.status']}>{(p) => (
            <select {...p} value={d.status} onChange={(e) => setD({ ...d, status: e.target.value })}>
              <option value="">{t('adm.mac.noChange')}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`adm.status.${s}`)}</option>)}
            </select>
          )}</Field>
          <Field label={t('adm.mac.priority')} error={errs['actions.priority']}>{(p) => (
            <select {...p} value={d.priority} onChange={(e) => setD({ ...d, priority: e.target.value })}>
              <option value="">{t('adm.mac.noChange')}</option>
              {PRIORITIES.map((s) => <option key={s} value={s}>{t(`adm.priority.${s}`)}</option>)}
            </select>
          )}</Field>
          <Field label={t('adm.mac.group')} error={errs['actions.groupId']}>{(p) => (
            <select {...p} value={d.groupId} onChange={(e) => setD({ ...d, groupId: e.target.value })}>
              <option value="">{t('adm.mac.noChange')}</option><option value="none">{t('adm.mac.noGroup')}</option>
              {groups.data?.items.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
            </select>
          )}</Field>
          <Field label={t('adm.mac.assignee')} error={errs['actions.assigneeId']}>{(p) => (
            <select {...p} value={d.assignee} onChange={(e) => setD({ ...d, assignee: e.target.value })}>
              <option value="">{t('adm.mac.noChange')}</option><option value="me">{t('adm.mac.me')}</option><option value="none">{t('adm.mac.nobody')}</option>
            </select>
          )}</Field>
          <Field label={t('adm.mac.addTags')} error={errAt(errs, 'actions.addTags')}>{(p) => <input {...p} value={d.addTags} onChange={(e) => setD({ ...d, addTags: e.target.value })} />}</Field>
          <Field label={t('adm.mac.removeTags')} error={errAt(errs, 'actions.removeTags')}>{(p) => <input {...p} value={d.removeTags} onChange={(e) => setD({ ...d, removeTags: e.target.value })} />}</Field>
        </div>
      </fieldset>
      {macro ? <Check label={t('adm.mac.active')} checked={d.active} onChange={(v) => setD({ ...d, active: v })} />
        : <Check label={t('adm.mac.sharedLabel')} checked={d.shared} onChange={(v) => setD({ ...d, shared: v })} />}
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{macro ? t('common.save') : t('adm.mac.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
