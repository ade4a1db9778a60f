// Priority weights (points of each part of a ticket's score) and promise settings.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, put } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import type { PromiseSettings, Weights } from './types.ts';
import { Check, errAt, Field, fieldErrors, FormStatus, QueryState, splitList, useSave } from './ui.tsx';

const WKEY = ['admin', 'weights'];
const PKEY = ['admin', 'promise-settings'];

export function SettingsSection() {
  return (
    <div className="adm-stack">
      <WeightsForm />
      <PromisesForm />
    </div>
  );
}

function WeightsForm() {
  const t = useT();
  const q = useQuery({ queryKey: WKEY, queryFn: () => get<Weights>('/api/v1/settings/priority-weights') });
  return (
    <section className="card adm-form" aria-labelledby="adm-weights-title">
      <h3 id="adm-weights-title">{t('adm.w.title')}</h3>
      <p className="muted">{t('adm.w.intro')}</p>
      <QueryState q={q} />
      {q.data && <WeightsTable data={q.data} />}
    </section>
  );
}

function WeightsTable({ data }: { data: Weights }) {
  const t = useT();
  const keys = Object.keys(data.defaults) as (keyof Weights['defaults'])[];
  const [vals, setVals] = useState<Record<string, string>>(() => Object.fromEntries(keys.map((k) => [k, String(data.weights[k])])));
  const save = useSave(() => {
    // stored as overrides: only the parts that differ from their default
    const overrides: Record<string, number> = {};
    for (const k of keys) if (Number(vals[k]) !== data.defaults[k] || vals[k].trim() === '') overrides[k] = vals[k].trim() === '' ? NaN : Number(vals[k]);
    return put<Weights>('/api/v1/settings/priority-weights', overrides);
  }, [WKEY]);
  const errs = fieldErrors(save.error);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={t('adm.w.title')}>
      <table className="adm-table adm-weights">
        <thead><tr><th>{t('adm.w.part')}</th><th>{t('adm.w.default')}</th></tr></thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <td>
                <Field label={t(`adm.w.${k}`)} hint={t(`adm.w.${k}.hint`)} error={errs[k]}>
                  {(p) => <input {...p} className="adm-num" type="number" min={-100} max={100} step={1} value={vals[k]} onChange={(e) => setVals({ ...vals, [k]: e.target.value })} />}
                </Field>
              </td>
              <td className="muted">{data.defaults[k]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('common.save')}</button>
        <button type="button" onClick={() => setVals(Object.fromEntries(keys.map((k) => [k, String(data.defaults[k])])))}>{t('adm.w.reset')}</button>
        <FormStatus m={save} savedText={t('adm.w.saved')} />
      </div>
    </form>
  );
}

const KINDS = ['callback', 'update', 'fix', 'info', 'other'] as const;

function PromisesForm() {
  const t = useT();
  const q = useQuery({ queryKey: PKEY, queryFn: () => get<PromiseSettings>('/api/v1/settings/promises') });
  return (
    <section className="card adm-form" aria-labelledby="adm-promises-title">
      <h3 id="adm-promises-title">{t('adm.ps.title')}</h3>
      <QueryState q={q} />
      {q.data && <PromisesInner data={q.data} />}
    </section>
  );
}

function PromisesInner({ data }: { data: PromiseSettings }) {
  const t = useT();
  const [reminders, setReminders] = useState(data.reminders.join(', '));
  const [auto, setAuto] = useState(data.autoKeepOnReply);
  const [show, setShow] = useState(data.showInReply);
  const save = useSave(() => put<PromiseSettings>('/api/v1/settings/promises', { reminders: splitList(reminders).map(Number), autoKeepOnReply: auto, showInReply: show }), [PKEY]);
  const errs = fieldErrors(save.error);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={t('adm.ps.title')}>
      <Field label={t('adm.ps.reminders')} hint={t('adm.ps.remindersHint')} error={errAt(errs, 'reminders')}>{(p) => <input {...p} value={reminders} onChange={(e) => setReminders(e.target.value)} />}</Field>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.ps.autoKeep')}</legend>
        {KINDS.map((k) => <Check key={k} label={t(`adm.ps.kind.${k}`)} checked={auto[k]} onChange={(v) => setAuto({ ...auto, [k]: v })} />)}
      </fieldset>
      <Check label={t('adm.ps.showInReply')} checked={show} onChange={setShow} />
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('common.save')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}
