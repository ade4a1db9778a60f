// Form helpers of the admin and profile screens: fields with their API errors, save states,
// inline delete confirmation, and problem+json → per-field messages.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { ApiError } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';

export type FieldErrors = Record<string, string>;

/** problem+json `errors` [{ path: '/targets/firstResponseMin', message }] → { 'targets.firstResponseMin': message }. */
export function fieldErrors(e: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(e instanceof ApiError)) return out;
  const list = (e.body as { errors?: { path?: string; message?: string }[] } | null)?.errors;
  if (!Array.isArray(list)) return out;
  for (const x of list) {
    const p = (x.path ?? '/').replace(/^\//, '').replace(/\//g, '.');
    if (p && !(p in out)) out[p] = x.message ?? 'invalid';
  }
  return out;
}

/** The error under a field path or any path below it ("targets" matches "targets.firstResponseMin"). */
export function errAt(errs: FieldErrors, path: string): string | undefined {
  if (errs[path]) return errs[path];
  const k = Object.keys(errs).find((p) => p.startsWith(`${path}.`));
  return k ? errs[k] : undefined;
}

type InputProps = { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string };

/** A labelled control; the API's error for it is shown under it and tied to it by aria-describedby. */
export function Field({ label, error, hint, children, className }: {
  label: ReactNode; error?: string; hint?: ReactNode; className?: string; children: (p: InputProps) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [error ? errId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`adm-field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && <span id={hintId} className="muted adm-hint">{hint}</span>}
      {error && <span id={errId} className="error adm-err">{error}</span>}
    </div>
  );
}

/** A checkbox with its label. */
export function Check({ label, checked, onChange, disabled }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <label className="adm-check">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/** A mutation that refreshes the given queries when it succeeds. */
export function useSave<V, R>(fn: (v: V) => Promise<R>, invalidate: readonly (readonly unknown[])[] = [], onSuccess?: (r: R, v: V) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (r, v) => {
      onSuccess?.(r, v);
      await Promise.all(invalidate.map((k) => qc.invalidateQueries({ queryKey: k })));
    },
  });
}

/** The form's state line: saving…, saved, or the API's message (aria-live). */
export function FormStatus({ m, savedText }: { m: { isPending: boolean; isSuccess: boolean; error: unknown }; savedText?: string }) {
  const t = useT();
  let text = '';
  let cls = 'muted';
  if (m.isPending) text = t('adm.saving');
  else if (m.error) {
    cls = 'error';
    const e = m.error;
    text = e instanceof ApiError
      ? (Object.keys(fieldErrors(e)).length ? `${t('adm.fixFields')} (${e.message})` : e.status === 403 ? t('adm.forbidden') : e.message)
      : String((e as Error)?.message ?? e);
  } else if (m.isSuccess) {
    cls = 'ok';
    text = savedText ?? t('adm.saved');
  }
  return <span className={`adm-status ${cls}`} role="status" aria-live="polite">{text}</span>;
}

/** Delete with an inline confirmation step (no browser dialog). */
export function ConfirmButton({ label, confirmText, onConfirm, busy, danger = true }: {
  label: string; confirmText: string; onConfirm: () => void; busy?: boolean; danger?: boolean;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" className={danger ? 'adm-danger' : ''} onClick={() => setAsking(true)} disabled={busy}>{label}</button>;
  return (
    <span className="adm-confirm" role="group" aria-label={confirmText}>
      <span>{confirmText}</span>
      <button type="button" className="adm-danger" onClick={() => { setAsking(false); onConfirm(); }}>{t('adm.confirmYes')}</button>
      {/* focus lands on the safe choice */}
      <button type="button" autoFocus onClick={() => setAsking(false)}>{t('common.cancel')}</button>
    </span>
  );
}

/** Loading / error line for a query. */
export function QueryState({ q }: { q: { isLoading: boolean; error: unknown } }) {
  const t = useT();
  if (q.isLoading) return <p className="muted" role="status">{t('common.loading')}</p>;
  if (q.error) {
    const e = q.error;
    const msg = e instanceof ApiError && e.status === 403 ? t('adm.forbidden') : (e as Error).message;
    return <p className="error" role="alert">{t('common.error', { message: msg })}</p>;
  }
  return null;
}

/** "a, b ,c" → ['a','b','c'] */
export const splitList = (s: string) => s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);

/** minutes from midnight → "09:00" (past 24:00 for overnight ends) */
export const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/Moscow', 'UTC'];
  }
})();

/** A time zone input with suggestions. */
export function TimeZoneInput(p: InputProps & { value: string; onChange: (v: string) => void }) {
  const listId = `${p.id}-tz`;
  const { value, onChange, ...rest } = p;
  return (
    <>
      <input {...rest} value={value} list={listId} onChange={(e) => onChange(e.target.value)} autoComplete="off" />
      <datalist id={listId}>{TIME_ZONES.map((z) => <option key={z} value={z} />)}</datalist>
    </>
  );
}
