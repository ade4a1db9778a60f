// The customer's reply on their request.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { post } from '../common/api.ts';
import { useT } from '../common/i18n.tsx';
import { FilePicker, useFiles } from './Files.tsx';
import { errorText, newKey, useDraft } from './hooks.ts';
import type { Message, Ticket } from './types.ts';

export function ReplyForm({ ticket }: { ticket: Ticket }) {
  const t = useT();
  const qc = useQueryClient();
  const [body, setBody] = useDraft(`reply.${ticket.id}`);
  const [key, setKey] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const files = useFiles();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setMsg(null);
    try {
      await post<Message>(`/api/v1/portal/tickets/${encodeURIComponent(ticket.id)}/messages`, { body, attachmentIds: files.ids }, { 'idempotency-key': key });
      setBody('');
      files.reset();
      setKey(newKey());
      setMsg({ ok: true, text: t('portal.reply.sent') });
      await qc.invalidateQueries({ queryKey: ['portal'] });
    } catch (err) {
      setMsg({ ok: false, text: t('portal.reply.failed', { message: errorText(err) }) });
    } finally {
      setBusy(false);
    }
  }

  if (ticket.status === 'closed') return <p className="notice">{t('portal.reply.closed')}</p>;
  return (
    <form onSubmit={submit} className="card portal-form portal-reply" aria-labelledby="portal-reply-title">
      <h2 id="portal-reply-title">{t('portal.reply.title')}</h2>
      <label>
        {t('portal.reply.body')}
        <textarea name="body" rows={5} required value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <FilePicker files={files} />
      <div aria-live="polite">
        {msg && <p className={msg.ok ? 'portal-ok' : 'error'} role={msg.ok ? 'status' : 'alert'}>{msg.text}</p>}
      </div>
      <div><button type="submit" className="primary" disabled={busy || files.state.busy > 0 || !body.trim()}>{busy ? t('portal.reply.sending') : t('portal.reply.send')}</button></div>
    </form>
  );
}
