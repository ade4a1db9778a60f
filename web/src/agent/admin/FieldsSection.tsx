// Custom ticket fields: key and type are fixed once created; labels, options, required, active and
// the portal flags (visible to customers, customers fill it in) change.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, patch, post } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import type { Page, TicketField } from './types.ts';
import { Check, errAt, Field, fieldErrors, FormStatus, QueryState, useSave } from './ui.tsx';

const KEY = ['admin', 'fields'];
const TYPES = ['text', 'number', 'date', 'select', 'checkbox'] as const;

export function FieldsSection() {
  const t = useT();
  const { lang } = useLang();
  const list = useQuery({ queryKey: KEY, queryFn: () => get<Page<TicketField>>('/api/v1/fields?limit=200') });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const current = editing && editing !== 'new' ? list.data?.items.find((f) => f.id === editing) : undefined;
  return (
    <div className="adm-stack">
      <div><button type="button" className="primary" onClick={() => setEditing('new')}>{t('adm.fld.new')}</button></div>
      {editing === 'new' && <FieldForm key="new" onDone={() => setEditing(null)} />}
      {current && <FieldForm key={current.id} field={current} onDone={() => setEditing(null)} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.fields')}</caption>
          <thead><tr><th>{t('adm.fld.key')}</th><th>{t('adm.fld.label')}</th><th>{t('adm.fld.type')}</th><th>{t('adm.fld.required')}</th><th>{t('adm.fld.portal')}</th><th>{t('adm.fld.active')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((f) => (
              <tr key={f.id} className={f.active ? '' : 'adm-inactive'}>
                <td><code>{f.key}</code></td><td>{lang === 'ru' ? f.labelRu : f.labelEn}</td><td>{t(`adm.fld.type.${f.type}`)}</td>
                <td>{f.required ? t('adm.yes') : t('adm.no')}</td><td>{t(`adm.fld.portal.${portalState(f)}`)}</td><td>{f.active ? t('adm.yes') : t('adm.no')}</td>
                <td><button type="button" onClick={() => setEditing(f.id)} aria-label={t('adm.fld.editNamed', { name: f.key })}>{t('common.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p className="muted">{t('adm.fld.none')}</p>}
    </div>
  );
}

function portalState(f: TicketField): 'hidden' | 'visible' | 'editable' {
  return f.customerEditable ? 'editable' : f.customerVisible ? 'visible' : 'hidden';
}

function FieldForm({ field, onDone }: { field?: TicketField; onDone: () => void }) {
  const t = useT();
  const [d, setD] = useState({
    key: field?.key ?? '', labelRu: field?.labelRu ?? '', labelEn: field?.labelEn ?? '', type: field?.type ?? 'text',
    options: (field?.options ?? []).join('\n'), required: field?.required ?? false, active: field?.active ?? true,
    customerVisible: field?.customerVisible ?? false, customerEditable: field?.customerEditable ?? false,
  });
  const portal = { customerVisible: d.customerVisible, customerEditable: d.customerVisible && d.customerEditable };
  const options = () => d.options.split('\n').map((s) => s.trim()).filter(Boolean);
  const save = useSave(
    () => (field
      ? patch<TicketField>(`/api/v1/fields/${field.id}`, { labelRu: d.labelRu, labelEn: d.labelEn, options: options(), required: d.required, active: d.active, ...portal })
      : post<TicketField>('/api/v1/fields', { key: d.key, labelRu: d.labelRu, labelEn: d.labelEn, type: d.type, options: options(), required: d.required, ...portal })),
    [KEY], () => { if (!field) onDone(); },
  );
  const errs = fieldErrors(save.error);
  return (
    <form className="card adm-form" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={field ? t('adm.fld.editNamed', { name: field.key }) : t('adm.fld.new')}>
      <h3>{field ? field.key : t('adm.fld.new')}</h3>
      <div className="adm-grid">
        <Field label={t('adm.fld.key')} hint={t('adm.fld.keyHint')} error={errs.key}>{(p) => <input {...p} value={d.key} disabled={!!field} onChange={(e) => setD({ ...d, key: e.target.value })} required />}</Field>
        <Field label={t('adm.fld.type')} error={errs.type}>{(p) => (
          <select {...p} value={d.type} disabled={!!field} onChange={(e) => setD({ ...d, type: e.target.value as TicketField['type'] })}>
            {TYPES.map((x) => <option key={x} value={x}>{t(`adm.fld.type.${x}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('adm.fld.labelRu')} error={errs.labelRu}>{(p) => <input {...p} autoFocus value={d.labelRu} onChange={(e) => setD({ ...d, labelRu: e.target.value })} required />}</Field>
        <Field label={t('adm.fld.labelEn')} error={errs.labelEn}>{(p) => <input {...p} value={d.labelEn} onChange={(e) => setD({ ...d, labelEn: e.target.value })} required />}</Field>
        {d.type === 'select' && (
          <Field label={t('adm.fld.options')} hint={t('adm.fld.optionsHint')} error={errAt(errs, 'options')} className="adm-wide">{(p) => <textarea {...p} rows={4} value={d.options} onChange={(e) => setD({ ...d, options: e.target.value })} />}</Field>
        )}
      </div>
      <Check label={t('adm.fld.required')} checked={d.required} onChange={(v) => setD({ ...d, required: v })} />
      <Check label={t('adm.fld.customerVisible')} checked={d.customerVisible} onChange={(v) => setD({ ...d, customerVisible: v })} />
      <p className="muted adm-hint">{t('adm.fld.customerVisibleHint')}</p>
      <Check label={t('adm.fld.customerEditable')} checked={d.customerVisible && d.customerEditable} disabled={!d.customerVisible} onChange={(v) => setD({ ...d, customerEditable: v })} />
      <p className="muted adm-hint">{t('adm.fld.customerEditableHint')}</p>
      {errs.customerEditable && <p className="error adm-err">{errs.customerEditable}</p>}
      {field && <Check label={t('adm.fld.active')} checked={d.active} onChange={(v) => setD({ ...d, active: v })} />}
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{field ? t('common.save') : t('adm.fld.create')}</button>
        <button type="button" onClick={onDone}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
