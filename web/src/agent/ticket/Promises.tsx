// Open promises of the ticket with keep / renegotiate / cancel, and a promise made by hand.
import { useState, type FormEvent } from 'react';
import { post } from '../../common/api.ts';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { inHours, toIso, useAction } from './forms.tsx';
import type { PromiseT, PromisesT } from './types.ts';

function PromiseRow({ p, canWrite, onDone }: { p: PromiseT; canWrite: boolean; onDone: () => void }) {
  const t = useT();
  const { lang } = useLang();
  const [mode, setMode] = useState<'none' | 'renegotiate' | 'cancel'>('none');
  const [due, setDue] = useState(() => inHours(24));
  const [note, setNote] = useState('');
  const a = useAction();
  const overdue = p.state === 'open' && new Date(p.dueAt).getTime() < Date.now();
  const act = (fn: () => Promise<unknown>) => a.run(fn).then((ok) => { if (ok) { setMode('none'); onDone(); } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'renegotiate') void act(() => post(`/api/v1/promises/${p.id}/renegotiate`, { dueAt: toIso(due), ...(note.trim() ? { note: note.trim() } : {}) }));
    if (mode === 'cancel') void act(() => post(`/api/v1/promises/${p.id}/cancel`, { note: note.trim() }));
  };
  return (
    <li className={`tk-promise tk-promise-${p.state}`}>
      <div>
        <span className={`badge ${p.state === 'broken' || overdue ? 'danger' : p.state === 'open' ? 'warn' : 'ok'}`}>{t(`ticket.promise.state.${p.state}`)}</span>{' '}
        <span className="tk-promise-text">{p.text}</span>{' '}
        <span className="muted">{t('ticket.promise.due', { at: formatDateTime(p.dueAt, lang), rel: formatRelative(p.dueAt, lang) })}</span>
      </div>
      {canWrite && p.state === 'open' && mode === 'none' && (
        <div className="tk-row">
          <button type="button" disabled={a.busy} onClick={() => void act(() => post(`/api/v1/promises/${p.id}/keep`, {}))}>{t('ticket.promise.keep')}</button>
          <button type="button" onClick={() => setMode('renegotiate')}>{t('ticket.promise.renegotiate')}</button>
          <button type="button" onClick={() => setMode('cancel')}>{t('ticket.promise.cancel')}</button>
        </div>
      )}
      {mode !== 'none' && (
        <form className="tk-row" onSubmit={submit}>
          {mode === 'renegotiate' && (
            <label>{t('ticket.promise.newDue')}<input autoFocus type="datetime-local" required value={due} onChange={(e) => setDue(e.target.value)} /></label>
          )}
          <label>{t(mode === 'cancel' ? 'ticket.promise.cancelNote' : 'ticket.note')}
            <input value={note} required={mode === 'cancel'} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={a.busy}>{t('common.save')}</button>
          <button type="button" onClick={() => setMode('none')}>{t('common.cancel')}</button>
        </form>
      )}
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </li>
  );
}

export function NewPromiseForm({ ticketRef, onDone, onClose }: { ticketRef: string; onDone: () => void; onClose: () => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [due, setDue] = useState(() => inHours(24));
  const [kind, setKind] = useState('update');
  const [visible, setVisible] = useState(true);
  const a = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(() => post(`/api/v1/tickets/${encodeURIComponent(ticketRef)}/promises`, { text: text.trim(), dueAt: toIso(due), kind, visibleToCustomer: visible }))
      .then((ok) => { if (ok) { onDone(); onClose(); } });
  };
  return (
    <form className="tk-form" onSubmit={submit} aria-label={t('ticket.promise.new')}>
      <label>{t('ticket.promise.text')}<input autoFocus value={text} required maxLength={2000} onChange={(e) => setText(e.target.value)} /></label>
      <label>{t('ticket.promise.dueAt')}<input type="datetime-local" required value={due} onChange={(e) => setDue(e.target.value)} /></label>
      <label>{t('ticket.promise.kind')}
        <select aria-label={t('ticket.promise.kind')} value={kind} onChange={(e) => setKind(e.target.value)}>
          {['callback', 'update', 'fix', 'info', 'other'].map((k) => <option key={k} value={k}>{t(`ticket.promise.kind.${k}`)}</option>)}
        </select>
      </label>
      <label className="tk-check"><input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} />{t('ticket.promise.visible')}</label>
      <div className="tk-row">
        <button type="submit" className="primary" disabled={a.busy}>{t('ticket.promise.create')}</button>
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
      </div>
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </form>
  );
}

export function Promises({ data, canWrite, onDone }: { data: PromisesT | undefined; canWrite: boolean; onDone: () => void }) {
  const t = useT();
  const [showAll, setShowAll] = useState(false);
  if (!data) return null;
  const open = data.items.filter((p) => p.state === 'open');
  const shown = showAll ? data.items : open;
  return (
    <section className="tk-promises card" aria-label={t('ticket.promise.title')}>
      <h2>
        {t('ticket.promise.title')}{' '}
        <span className="badge warn">{t('ticket.promise.openCount', { n: data.counts.open })}</span>{' '}
        {data.counts.broken > 0 && <span className="badge danger">{t('ticket.promise.brokenCount', { n: data.counts.broken })}</span>}
      </h2>
      {shown.length === 0 ? <p className="muted">{t('ticket.promise.none')}</p> : (
        <ul>{shown.map((p) => <PromiseRow key={p.id} p={p} canWrite={canWrite} onDone={onDone} />)}</ul>
      )}
      {data.items.length > open.length && (
        <button type="button" className="tk-link" onClick={() => setShowAll(!showAll)}>
          {showAll ? t('ticket.promise.onlyOpen') : t('ticket.promise.all', { n: data.items.length })}
        </button>
      )}
    </section>
  );
}
