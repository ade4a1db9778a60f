// A new request from the customer: subject, message, the custom fields customers fill in, files.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { post } from '../common/api.ts';
import { useT } from '../common/i18n.tsx';
import { customErrors, FieldInputs, toCustom, usePortalFields, type Values } from './CustomFields.tsx';
import { FilePicker, useFiles } from './Files.tsx';
import { errorText, newKey, useDraft, useFocusOnMount, useTitle } from './hooks.ts';
import { navigate, ticketPath } from './router.tsx';
import type { Ticket } from './types.ts';

export function NewTicket() {
  const t = useT();
  const qc = useQueryClient();
  const h1 = useFocusOnMount<HTMLHeadingElement>();
  useTitle(`${t('portal.new.title')} — ${t('portal.title')}`);
  const [subject, setSubject] = useDraft('new.subject');
  const [body, setBody] = useDraft('new.body');
  const [key] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const files = useFiles();
  const [error, setError] = useState<string | null>(null);
  const fields = usePortalFields();
  const editable = (fields.data?.items ?? []).filter((f) => f.editable);
  const [values, setValues] = useState<Values>({});
  const [fieldErrs, setFieldErrs] = useState<Record<string, string>>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrs({});
    try {
      const custom = toCustom(editable, values);
      const created = await post<Ticket>('/api/v1/portal/tickets', { subject: subject.trim(), body, attachmentIds: files.ids, custom }, { 'idempotency-key': key });
      setSubject('');
      setBody('');
      await qc.invalidateQueries({ queryKey: ['portal', 'tickets'] });
      navigate(ticketPath(created.number));
    } catch (err) {
      setFieldErrs(customErrors(err));
      setError(t('portal.new.failed', { message: errorText(err) }));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="portal-new-title">
      <h1 id="portal-new-title" ref={h1} tabIndex={-1}>{t('portal.new.title')}</h1>
      <form onSubmit={submit} className="card portal-form">
        <label>
          {t('portal.new.subject')}
          <input name="subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label>
          {t('portal.new.body')}
          <textarea name="body" rows={8} required value={body} onChange={(e) => setBody(e.target.value)} />
        </label>
        <FieldInputs fields={editable} values={values} onChange={setValues} errors={fieldErrs} />
        {fields.isError && <p role="alert" className="error">{t('portal.fields.loadFailed', { message: errorText(fields.error) })}</p>}
        <FilePicker files={files} />
        {error && <p role="alert" className="error">{error}</p>}
        <div><button type="submit" className="primary" disabled={busy || fields.isPending || files.state.busy > 0 || !subject.trim() || !body.trim()}>{t('portal.new.submit')}</button></div>
      </form>
    </section>
  );
}
