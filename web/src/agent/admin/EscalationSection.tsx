// Automatic escalation rules: a trigger (signal, VIP breach risk, repeat contact, broken promise)
// and an action (tell the lead, or move the ticket to a higher level). Leads read, admins write.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, patch, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { useGroups } from './data.ts';
import type { EscalationRule } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, QueryState, useSave } from './ui.tsx';

const KEY = ['admin', 'escalation-rules'];
const TRIGGERS = ['signal', 'vip_breach_risk', 'repeat_contact', 'broken_promise'] as const;
const SIGNALS = ['anger', 'threat_regulator', 'threat_public', 'churn', 'business_impact', 'urgent', 'repeat_contact', 'broken_promise', 'escalation_request', 'tried_steps', 'gratitude'];

export function EscalationSection() {
  const t = useT();
  const { me } = useSession();
  const admin = can.admin(me);
  const groups = useGroups();
  const list = useQuery({ queryKey: KEY, queryFn: () => get<{ items: EscalationRule[] }>('/api/v1/escalation-rules') });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const remove = useSave((id: string) => del(`/api/v1/escalation-rules/${id}`), [KEY]);
  const current = editing && editing !== 'new' ? list.data?.items.find((r) => r.id === editing) : undefined;
  const groupName = (id: string | null) => (id ? groups.data?.items.find((g) => g.id === id)?.name ?? id : '');
  return (
    <div className="adm-stack">
      <p className="muted">{t('adm.esc.intro')}</p>
      {admin && <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.esc.new')}</button></div>}
      {editing === 'new' && <RuleForm key="new" onDone={() => setEditing(null)} />}
      {current && <RuleForm key={current.id} rule={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.escalation')}</caption>
          <thead><tr><th>{t('adm.esc.name')}</th><th>{t('adm.esc.trigger')}</th><th>{t('adm.esc.action')}</th><th>{t('adm.esc.active')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id} className={r.active ? '' : 'adm-inactive'}>
                <td>{r.name}</td>
                <td>{t(`adm.esc.trigger.${r.trigger}`)}{Array.isArray(r.params.signals) ? `: ${(r.params.signals as string[]).join(', ')}` : ''}</td>
                <td>{r.action === 'move_to_level' ? `${t('adm.esc.action.move_to_level')} L${r.toLevel ?? ''} ${groupName(r.toGroupId)}` : t('adm.esc.action.notify_lead')}</td>
                <td>{r.active ? t('adm.yes') : t('adm.no')}</td>
                <td className="adm-row-actions">{admin && (
                  <>
                    <button type="button" onClick={() => setEditing(r.id)} aria-label={t('adm.esc.editNamed', { name: r.name })}>{t('common.edit')}</button>
                    <ConfirmButton label={t('common.delete')} confirmText={t('adm.esc.deleteConfirm', { name: r.name })} onConfirm={() => remove.mutate(r.id)} busy={remove.isPending} />
                  </>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p className="muted">{t('adm.esc.none')}</p>}
      {remove.error != null && <FormStatus m={remove} />}
    </div>
  );
}

function RuleForm({ rule, onDone }: { rule?: EscalationRule; onDone: () => void }) {
  const t = useT();
  const groups = useGroups();
  const p0 = rule?.params ?? {};
  const [d, setD] = useState({
    name: rule?.name ?? '', active: rule?.active ?? true, trigger: rule?.trigger ?? 'signal', action: rule?.action ?? 'notify_lead',
    signals: (p0.signals as string[] | undefined) ?? [], percent: p0.percent != null ? String(p0.percent) : '',
    count: p0.count != null ? String(p0.count) : '', days: p0.days != null ? String(p0.days) : '',
    toLevel: rule?.toLevel != null ? String(rule.toLevel) : '2', toGroupId: rule?.toGroupId ?? '',
  });
  const body = () => {
    const params: Record<string, unknown> = {};
    if (d.trigger === 'signal') params.signals = d.signals;
    if (d.trigger === 'vip_breach_risk' && d.percent) params.percent = Number(d.percent);
    if (d.trigger === 'repeat_contact') {
      if (d.count) params.count = Number(d.count);
      if (d.days) params.days = Number(d.days);
    }
    const move = d.action === 'move_to_level';
    return { name: d.name, active: d.active, trigger: d.trigger, params, action: d.action, toLevel: move ? Number(d.toLevel) : null, toGroupId: move && d.toGroupId ? d.toGroupId : null };
  };
  const save = useSave(
    () => (rule ? patch<EscalationRule>(`/api/v1/escalation-rules/${rule.id}`, body()) : post<EscalationRule>('/api/v1/escalation-rules', body())),
    [KEY], () => { if (!rule) onDone(); },
  );
  const errs = fieldErrors(save.error);
  const set = (k: Exclude<keyof typeof d, 'signals'>, v: string | boolean) => setD({ ...d, [k]: v });
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={rule ? t('adm.esc.editNamed', { name: rule.name }) : t('adm.esc.new')}>
      <h3>{rule ? rule.name : t('adm.esc.new')}</h3>
      <div className="adm-grid">
        <Field label={t('adm.esc.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => set('name', e.target.value)} required />}</Field>
        <Field label={t('adm.esc.trigger')} error={errs.trigger}>{(p) => (
          <select {...p} value={d.trigger} onChange={(e) => set('trigger', e.target.value)}>
            {TRIGGERS.map((x) => <option key={x} value={x}>{t(`adm.esc.trigger.${x}`)}</option>)}
          </select>
        )}</Field>
        {d.trigger === 'signal' && (
          <fieldset className="adm-fieldset adm-wide">
            <legend>{t('adm.esc.signals')}</legend>
            {SIGNALS.map((s) => <Check key={s} label={t(`adm.esc.signal.${s}`)} checked={d.signals.includes(s)} onChange={(on) => setD({ ...d, signals: on ? [...d.signals, s] : d.signals.filter((x) => x !== s) })} />)}
            {errAt(errs, 'params') && <span className="error">{errAt(errs, 'params')}</span>}
          </fieldset>
        )}
        {d.trigger === 'vip_breach_risk' && (
          <Field label={t('adm.esc.percent')} hint={t('adm.esc.percentHint')} error={errAt(errs, 'params')}>{(p) => <input {...p} type="number" min={1} max={100} value={d.percent} onChange={(e) => set('percent', e.target.value)} />}</Field>
        )}
        {d.trigger === 'repeat_contact' && (
          <>
            <Field label={t('adm.esc.count')} error={errAt(errs, 'params.count')}>{(p) => <input {...p} type="number" min={2} max={100} value={d.count} placeholder="3" onChange={(e) => set('count', e.target.value)} />}</Field>
            <Field label={t('adm.esc.days')} error={errAt(errs, 'params.days')}>{(p) => <input {...p} type="number" min={1} max={365} value={d.days} placeholder="14" onChange={(e) => set('days', e.target.value)} />}</Field>
          </>
        )}
        <Field label={t('adm.esc.action')} error={errs.action}>{(p) => (
          <select {...p} value={d.action} onChange={(e) => set('action', e.target.value)}>
            <option value="notify_lead">{t('adm.esc.action.notify_lead')}</option><option value="move_to_level">{t('adm.esc.action.move_to_level')}</option>
          </select>
        )}</Field>
        {d.action === 'move_to_level' && (
          <>
            <Field label={t('adm.esc.toLevel')} error={errs.toLevel}>{(p) => (
              <select {...p} value={d.toLevel} onChange={(e) => set('toLevel', e.target.value)}><option value="2">L2</option><option value="3">L3</option></select>
            )}</Field>
            <Field label={t('adm.esc.toGroup')} error={errs.toGroupId}>{(p) => (
              <select {...p} value={d.toGroupId} onChange={(e) => set('toGroupId', e.target.value)}>
                <option value="">{t('adm.esc.firstGroup')}</option>
                {groups.data?.items.filter((g) => String(g.level) === d.toLevel).map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
              </select>
            )}</Field>
          </>
        )}
      </div>
      <Check label={t('adm.esc.active')} checked={d.active} onChange={(v) => set('active', v)} />
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{rule ? t('common.save') : t('adm.esc.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
