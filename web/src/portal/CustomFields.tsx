// Custom fields on the portal: inputs for the ones customers fill in (new request), and the
// values of the ones they see (request page). Labels in the customer's language.
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { ApiError, get } from '../common/api.ts';
import { useLang, useT } from '../common/i18n.tsx';
import type { Field, Ticket } from './types.ts';

export type Values = Record<string, string | boolean>;

export function usePortalFields() {
  return useQuery({ queryKey: ['portal', 'fields'], queryFn: ({ signal }) => get<{ items: Field[] }>('/api/v1/portal/fields', signal), staleTime: 60_000 });
}

const label = (f: Field, lang: string) => (lang === 'ru' ? f.labelRu : f.labelEn);

/** Form values → the API's typed values (empty ones left out; checkboxes always sent). */
export function toCustom(fields: Field[], values: Values): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.type === 'checkbox') out[f.key] = v === true;
    else if (typeof v === 'string' && v.trim()) out[f.key] = f.type === 'number' ? Number(v) : v.trim();
  }
  return out;
}

/** The API's per-field problems (path /custom/<key>) by key. */
export function customErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  const list = (e.body as { errors?: { path?: string; message?: string }[] } | null)?.errors ?? [];
  for (const x of Array.isArray(list) ? list : []) {
    const m = /^\/custom\/(.+)$/.exec(x.path ?? '');
    if (m && !out[m[1]]) out[m[1]] = x.message ?? 'invalid';
  }
  return out;
}

export function FieldInputs({ fields, values, onChange, errors }: {
  fields: Field[]; values: Values; onChange: (v: Values) => void; errors: Record<string, string>;
}) {
  return <>{fields.map((f) => <FieldInput key={f.key} f={f} value={values[f.key]} error={errors[f.key]} onChange={(v) => onChange({ ...values, [f.key]: v })} />)}</>;
}

function FieldInput({ f, value, error, onChange }: { f: Field; value: string | boolean | undefined; error?: string; onChange: (v: string | boolean) => void }) {
  const t = useT();
  const { lang } = useLang();
  const id = useId();
  const errId = `${id}-err`;
  const a11y = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errId : undefined };
  const text = typeof value === 'string' ? value : '';
  const name = `custom-${f.key}`;
  let control;
  if (f.type === 'checkbox') {
    control = <input {...a11y} name={name} type="checkbox" className="portal-check" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (f.type === 'select') {
    control = (
      <select {...a11y} name={name} required={f.required} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('portal.fields.choose')}</option>
        {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else {
    const type = f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text';
    control = <input {...a11y} name={name} type={type} step={f.type === 'number' ? 'any' : undefined} required={f.required} maxLength={f.type === 'text' ? 2000 : undefined} value={text} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={f.type === 'checkbox' ? 'portal-field portal-field-check' : 'portal-field'}>
      <label htmlFor={id}>
        {label(f, lang)}
        {f.required && f.type !== 'checkbox' && <span className="muted"> ({t('portal.required')})</span>}
      </label>
      {control}
      {error && <span id={errId} className="error">{error}</span>}
    </div>
  );
}

function shown(f: Field, v: string | number | boolean, lang: string, t: ReturnType<typeof useT>): string {
  if (typeof v === 'boolean') return v ? t('portal.fields.yes') : t('portal.fields.no');
  if (f.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    return new Date(`${v}T00:00:00`).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  }
  return String(v);
}

/** The values of the fields customers see, in the fields' order; nothing when none is set. */
export function FieldValues({ ticket }: { ticket: Ticket }) {
  const t = useT();
  const { lang } = useLang();
  const fields = usePortalFields();
  const set = (fields.data?.items ?? []).filter((f) => ticket.custom[f.key] !== undefined);
  if (!set.length) return null;
  return (
    <section className="card portal-fields" aria-labelledby="portal-fields-title">
      <h2 id="portal-fields-title">{t('portal.fields.title')}</h2>
      <dl>
        {set.map((f) => (
          <div key={f.key} className="portal-field-value">
            <dt>{label(f, lang)}</dt>
            <dd>{shown(f, ticket.custom[f.key]!, lang, t)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
