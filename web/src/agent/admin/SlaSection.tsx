// SLA policies: match order, conditions, targets in business minutes, pause rules, delete.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, patch, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { useCalendars, useGroups } from './data.ts';
import type { SlaPolicy } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, QueryState, splitList, useSave } from './ui.tsx';

const KEY = ['admin', 'sla'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const STAGES = ['lead', 'trial', 'new', 'active', 'vip', 'churned'];
const CHANNELS = ['email', 'portal', 'api', 'phone', 'chat'];
const METRICS = ['firstResponseMin', 'nextResponseMin', 'resolutionMin'] as const;
type Metric = (typeof METRICS)[number];

export function SlaSection() {
  const t = useT();
  const list = useQuery({ queryKey: KEY, queryFn: () => get<{ items: SlaPolicy[] }>('/api/v1/sla-policies') });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const remove = useSave((id: string) => del(`/api/v1/sla-policies/${id}`), [KEY]);
  const current = editing && editing !== 'new' ? list.data?.items.find((p) => p.id === editing) : undefined;
  const fmt = (m: number | null) => (m == null ? '—' : t('adm.sla.minutes', { n: m }));
  return (
    <div className="adm-stack">
      <p className="muted">{t('adm.sla.intro')}</p>
      <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.sla.new')}</button></div>
      {editing === 'new' && <SlaForm key="new" onDone={() => setEditing(null)} />}
      {current && <SlaForm key={current.id} policy={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.sla')}</caption>
          <thead><tr><th>#</th><th>{t('adm.sla.name')}</th><th>{t('adm.sla.firstResponseMin')}</th><th>{t('adm.sla.nextResponseMin')}</th><th>{t('adm.sla.resolutionMin')}</th><th>{t('adm.sla.active')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((p) => (
              <tr key={p.id}>
                <td>{p.position}</td><td>{p.name}</td>
                <td>{fmt(p.targets.firstResponseMin)}</td><td>{fmt(p.targets.nextResponseMin)}</td><td>{fmt(p.targets.resolutionMin)}</td>
                <td>{p.active ? t('adm.yes') : t('adm.no')}</td>
                <td className="adm-row-actions">
                  <button type="button" onClick={() => setEditing(p.id)} aria-label={t('adm.sla.editNamed', { name: p.name })}>{t('common.edit')}</button>
                  <ConfirmButton label={t('common.delete')} confirmText={t('adm.sla.deleteConfirm', { name: p.name })} onConfirm={() => remove.mutate(p.id)} busy={remove.isPending} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p className="muted">{t('adm.sla.none')}</p>}
      {remove.error != null && <FormStatus m={remove} />}
    </div>
  );
}

type Draft = {
  name: string; active: boolean; position: string; targets: Record<Metric, string>;
  pause: { pendingCustomer: boolean; pendingThirdParty: boolean; onHold: boolean }; warnPercents: string; calendarId: string;
  priorities: string[]; stages: string[]; channels: string[]; groupIds: string[]; tags: string; vip: '' | 'true' | 'false';
};

function toDraft(p?: SlaPolicy): Draft {
  const c = p?.conditions ?? {};
  const s = (v: number | null | undefined) => (v == null ? '' : String(v));
  return {
    name: p?.name ?? '', active: p?.active ?? true, position: p ? String(p.position) : '',
    targets: { firstResponseMin: s(p?.targets.firstResponseMin ?? 60), nextResponseMin: s(p?.targets.nextResponseMin), resolutionMin: s(p?.targets.resolutionMin ?? 1440) },
    pause: p?.pause ?? { pendingCustomer: true, pendingThirdParty: false, onHold: true },
    warnPercents: (p?.warnPercents ?? [75, 90]).join(', '), calendarId: p?.calendarId ?? '',
    priorities: c.priorities ?? [], stages: c.stages ?? [], channels: c.channels ?? [], groupIds: c.groupIds ?? [],
    tags: (c.tags ?? []).join(', '), vip: c.vip === undefined ? '' : c.vip ? 'true' : 'false',
  };
}

function toBody(d: Draft, p?: SlaPolicy) {
  const num = (v: string) => (v.trim() === '' ? null : Number(v));
  const conditions: Record<string, unknown> = { ...(p?.conditions.organizationIds ? { organizationIds: p.conditions.organizationIds } : {}) };
  if (d.priorities.length) conditions.priorities = d.priorities;
  if (d.stages.length) conditions.stages = d.stages;
  if (d.channels.length) conditions.channels = d.channels;
  if (d.groupIds.length) conditions.groupIds = d.groupIds;
  if (splitList(d.tags).length) conditions.tags = splitList(d.tags);
  if (d.vip) conditions.vip = d.vip === 'true';
  return {
    name: d.name, active: d.active, conditions,
    ...(d.position.trim() ? { position: Number(d.position) } : {}),
    targets: { firstResponseMin: num(d.targets.firstResponseMin), nextResponseMin: num(d.targets.nextResponseMin), resolutionMin: num(d.targets.resolutionMin) },
    pause: d.pause,
    warnPercents: splitList(d.warnPercents).map(Number),
    calendarId: d.calendarId || null,
  };
}

function SlaForm({ policy, onDone }: { policy?: SlaPolicy; onDone: () => void }) {
  const t = useT();
  const groups = useGroups();
  const calendars = useCalendars();
  const [d, setD] = useState<Draft>(() => toDraft(policy));
  const save = useSave(
    () => (policy ? patch<SlaPolicy>(`/api/v1/sla-policies/${policy.id}`, toBody(d, policy)) : post<SlaPolicy>('/api/v1/sla-policies', toBody(d))),
    [KEY], () => { if (!policy) onDone(); },
  );
  const errs = fieldErrors(save.error);
  const toggle = (k: 'priorities' | 'stages' | 'channels' | 'groupIds', v: string, on: boolean) =>
    setD({ ...d, [k]: on ? [...d[k], v] : d[k].filter((x) => x !== v) });
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={policy ? t('adm.sla.editNamed', { name: policy.name }) : t('adm.sla.new')}>
      <h3>{policy ? policy.name : t('adm.sla.new')}</h3>
      <div className="adm-grid">
        <Field label={t('adm.sla.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
        <Field label={t('adm.sla.position')} hint={t('adm.sla.positionHint')} error={errs.position}>{(p) => <input {...p} type="number" min={0} value={d.position} onChange={(e) => setD({ ...d, position: e.target.value })} />}</Field>
        <Field label={t('adm.sla.calendar')} error={errs.calendarId}>{(p) => (
          <select {...p} value={d.calendarId} onChange={(e) => setD({ ...d, calendarId: e.target.value })}>
            <option value="">{t('adm.sla.ticketCalendar')}</option>
            {calendars.data?.items.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        )}</Field>
        <Check label={t('adm.sla.active')} checked={d.active} onChange={(v) => setD({ ...d, active: v })} />
      </div>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.sla.targets')}</legend>
        <p className="muted">{t('adm.sla.targetsHint')}</p>
        <div className="adm-grid">
          {METRICS.map((m) => (
            <Field key={m} label={t(`adm.sla.${m}`)} error={errs[`targets.${m}`] ?? (m === 'firstResponseMin' ? errs.targets : undefined)}>
              {(p) => <input {...p} type="number" min={1} inputMode="numeric" value={d.targets[m]} onChange={(e) => setD({ ...d, targets: { ...d.targets, [m]: e.target.value } })} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.sla.pause')}</legend>
        <Check label={t('adm.sla.pausePendingCustomer')} checked={!!d.pause.pendingCustomer} onChange={(v) => setD({ ...d, pause: { ...d.pause, pendingCustomer: v } })} />
        <Check label={t('adm.sla.pausePendingThirdParty')} checked={!!d.pause.pendingThirdParty} onChange={(v) => setD({ ...d, pause: { ...d.pause, pendingThirdParty: v } })} />
        <Check label={t('adm.sla.pauseOnHold')} checked={!!d.pause.onHold} onChange={(v) => setD({ ...d, pause: { ...d.pause, onHold: v } })} />
        <Field label={t('adm.sla.warnPercents')} hint={t('adm.sla.warnHint')} error={errAt(errs, 'warnPercents')}>{(p) => <input {...p} value={d.warnPercents} onChange={(e) => setD({ ...d, warnPercents: e.target.value })} />}</Field>
      </fieldset>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.sla.conditions')}</legend>
        <p className="muted">{t('adm.sla.conditionsHint')}</p>
        <div className="adm-cols">
          <div role="group" aria-label={t('adm.sla.priorities')}><strong>{t('adm.sla.priorities')}</strong>
            {PRIORITIES.map((v) => <Check key={v} label={t(`adm.priority.${v}`)} checked={d.priorities.includes(v)} onChange={(on) => toggle('priorities', v, on)} />)}
          </div>
          <div role="group" aria-label={t('adm.sla.stages')}><strong>{t('adm.sla.stages')}</strong>
            {STAGES.map((v) => <Check key={v} label={t(`adm.stage.${v}`)} checked={d.stages.includes(v)} onChange={(on) => toggle('stages', v, on)} />)}
          </div>
          <div role="group" aria-label={t('adm.sla.channels')}><strong>{t('adm.sla.channels')}</strong>
            {CHANNELS.map((v) => <Check key={v} label={t(`adm.channel.${v}`)} checked={d.channels.includes(v)} onChange={(on) => toggle('channels', v, on)} />)}
          </div>
          <div role="group" aria-label={t('adm.sla.groups')}><strong>{t('adm.sla.groups')}</strong>
            {groups.data?.items.map((g) => <Check key={g.id} label={g.name} checked={d.groupIds.includes(g.id)} onChange={(on) => toggle('groupIds', g.id, on)} />)}
          </div>
        </div>
        <div className="adm-grid">
          <Field label={t('adm.sla.vip')} error={errs['conditions.vip']}>{(p) => (
            <select {...p} value={d.vip} onChange={(e) => setD({ ...d, vip: e.target.value as Draft['vip'] })}>
              <option value="">{t('adm.sla.vipAny')}</option><option value="true">{t('adm.sla.vipOnly')}</option><option value="false">{t('adm.sla.vipNot')}</option>
            </select>
          )}</Field>
          <Field label={t('adm.sla.tags')} hint={t('adm.sla.tagsHint')} error={errAt(errs, 'conditions.tags')}>{(p) => <input {...p} value={d.tags} onChange={(e) => setD({ ...d, tags: e.target.value })} />}</Field>
        </div>
        {errAt(errs, 'conditions') && <span className="error">{errAt(errs, 'conditions')}</span>}
      </fieldset>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{policy ? t('common.save') : t('adm.sla.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
