// Reply box with the coach beside it. Owner: reply. Contract used by ticket/TicketPage:
//   <ReplyBox ticketRef="SL-10427" ticketVersion={n} requesterLang="ru" onSent={() => refetch()} />
// It posts to /api/v1/tickets/:ref/messages itself and calls onSent after a 201.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import { usePresence } from '../../common/live.ts';
import { can, useSession } from '../../common/session.tsx';
import { Attachments, useUploads } from './Attachments.tsx';
import { CoachPanel } from './CoachPanel.tsx';
import { clearDraft, emptyDraft, loadDraft, saveDraft, type Attachment, type PromiseEdit, type ReplyKind } from './draft.ts';
import { Editor, type EditorHandle } from './Editor.tsx';
import { htmlToText, textToHtml } from './html.ts';
import { MacroPicker } from './MacroPicker.tsx';
import { mentionsIn, type Mention } from './Mentions.tsx';
import { Promises, fromLocalInput, isPast, promiseRows } from './Promises.tsx';
import { useCoach } from './useCoach.ts';
import './messages.ts';
import './reply.css';

export type ReplyBoxProps = { ticketRef: string; ticketVersion: number; requesterLang?: string | null; onSent: () => void };

/** One box per ticket: a new ticket gets fresh state (and its own saved draft). */
export function ReplyBox(props: ReplyBoxProps) {
  return <Box key={props.ticketRef} {...props} />;
}

const STATUSES = ['open', 'pending_customer', 'pending_third_party', 'on_hold', 'solved'] as const;
type Ask = { flags: string[]; promises: string[] };
const newKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

function Box({ ticketRef, ticketVersion, requesterLang, onSent }: ReplyBoxProps) {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const canReply = can.write(me);
  const uid = useId();
  const editor = useRef<EditorHandle>(null);
  const [restored] = useState(() => loadDraft(ticketRef));
  const start = restored ?? emptyDraft(canReply ? 'reply' : 'note');
  const [kind, setKind] = useState<ReplyKind>(canReply ? start.kind : 'note');
  const [plain, setPlain] = useState(start.plain);
  const [content, setContent] = useState(start.html);
  const [initial, setInitial] = useState(start.html); // what the editor starts from (mount, mode switch)
  const [status, setStatus] = useState(start.status);
  const [attachments, setAttachments] = useState<Attachment[]>(start.attachments);
  const [edits, setEdits] = useState<Record<string, PromiseEdit>>(start.promises);
  const [picked, setPicked] = useState<Mention[]>(start.mentions);
  const [focused, setFocused] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(restored?.html ? t('reply.draftRestored') : null);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [dragging, setDragging] = useState(false);
  const idem = useRef(newKey());
  // what the agent already agreed to send as is: a retry (after a 401 or a network error) does not ask again
  const acked = useRef<string | null>(null);

  const isReply = kind === 'reply' && canReply;
  const coach = useCoach(ticketRef, content, plain ? 'text' : 'html', status, isReply, lang);
  const rows = useMemo(() => (isReply ? promiseRows(coach.result?.promises ?? [], edits) : []), [isReply, coach.result, edits]);
  const phrases = useMemo(
    () => (isReply ? (coach.result?.details ?? []).flatMap((d) => d.evidence.map((e) => ({ text: e.text, start: e.start }))) : []),
    [isReply, coach.result],
  );
  const others = usePresence(ticketRef, focused && content.trim() ? 'replying' : 'viewing').filter((p) => p.state === 'replying' && p.userId !== me.id);
  const uploads = useUploads((a) => setAttachments((x) => [...x, a]));

  useEffect(() => {
    saveDraft(ticketRef, { html: content, plain, kind, status, attachments, promises: edits, mentions: picked });
  }, [ticketRef, content, plain, kind, status, attachments, edits, picked]);

  const editPromise = (key: string, patch: PromiseEdit) => setEdits((e) => ({ ...e, [key]: { ...e[key], ...patch } }));

  const switchPlain = (on: boolean) => {
    const next = on
      ? htmlToText(content)
      : textToHtml(content);
    setInitial(next);
    setContent(next);
    setPlain(on);
  };

  const showError = (e: unknown) => {
    if (e instanceof ApiError) {
      if (e.status === 401) setError(t('reply.expired'));
      else if (e.status === 409 || e.status === 412) setError(t('reply.conflict'));
      else setError(t('reply.error', { error: e.message }));
    } else setError(t('reply.network'));
  };

  const post = async (coachAck: boolean) => {
    const confirmed = rows.filter((r) => r.edit.confirmed && !r.edit.dropped);
    const promises = confirmed.map((r) => ({
      text: r.text, dueAt: fromLocalInput(r.dueLocal)!, kind: r.kind, ...(r.edit.ownerId ? { ownerId: r.edit.ownerId } : {}),
    }));
    // notes only: the picked agents whose "@Name" is still in the text
    const mentions = isReply ? [] : mentionsIn(plain ? content : htmlToText(content), picked);
    setSending(true);
    setError(null);
    setNotice(null);
    try {
      await api('POST', `/api/v1/tickets/${encodeURIComponent(ticketRef)}/messages`, {
        headers: { 'idempotency-key': idem.current },
        body: {
          body: content, format: plain ? 'text' : 'html', kind: isReply ? 'reply' : 'note',
          attachmentIds: attachments.map((a) => a.id),
          ...(status ? { status } : {}),
          ...(isReply ? { coachAck, ...(promises.length ? { promises } : {}) } : {}),
          ...(mentions.length ? { mentions } : {}),
        },
      });
      const wasReply = isReply;
      editor.current?.setContent('');
      setContent('');
      setInitial('');
      setAttachments([]);
      setEdits({});
      setPicked([]);
      setStatus('');
      setAsk(null);
      clearDraft(ticketRef);
      idem.current = newKey();
      acked.current = null;
      setNotice(t(wasReply ? 'reply.sent' : 'reply.noteSent'));
      onSent();
    } catch (e) {
      showError(e);
    } finally {
      setSending(false);
    }
  };

  const send = async () => {
    if (sending) return;
    if (!content.trim()) { setError(t('reply.empty')); editor.current?.focus(); return; }
    if (uploads.busy.length) return;
    if (isReply) {
      const noDue = rows.find((r) => r.edit.confirmed && !r.edit.dropped && !fromLocalInput(r.dueLocal));
      if (noDue) { setError(t('reply.promise.needDue', { text: noDue.text })); return; }
      const past = rows.find((r) => r.edit.confirmed && !r.edit.dropped && isPast(r.dueLocal));
      if (past) { setError(t('reply.promise.pastSend', { text: past.text })); return; }
      setSending(true);
      const result = await coach.flush(content);
      setSending(false);
      const flags = result?.flags ?? [];
      const unconfirmed = promiseRows(result?.promises ?? [], edits).filter((r) => !r.edit.confirmed && !r.edit.dropped).map((r) => r.text);
      if (flags.length || unconfirmed.length) {
        const a = { flags, promises: unconfirmed };
        if (acked.current === JSON.stringify(a)) { await post(flags.length > 0); return; }
        setAsk(a);
        return;
      }
    }
    await post(false);
  };

  const onDrop = (e: React.DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) void uploads.upload(e.dataTransfer.files);
  };

  return (
    <section className={`reply-box${kind === 'note' ? ' is-note' : ''}${isReply ? ' has-coach' : ''}${dragging ? ' is-dragging' : ''}`} aria-label={t('reply.region')}
      onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); setDragging(true); } }}
      onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false); }}
      onDrop={onDrop}>
      <div className="reply-main">
        <div className="reply-head">
          {canReply ? (
            <fieldset className="reply-mode">
              <legend className="visually-hidden">{t('reply.mode')}</legend>
              {(['reply', 'note'] as const).map((k) => (
                <label key={k} className={kind === k ? 'is-on' : undefined}>
                  <input type="radio" name={`${uid}-kind`} value={k} checked={kind === k} onChange={() => { setKind(k); setAsk(null); }} />
                  {t(k === 'reply' ? 'reply.public' : 'reply.note')}
                </label>
              ))}
            </fieldset>
          ) : <strong>{t('reply.note')}</strong>}
          <span className="spacer" />
          {isReply && (requesterLang === 'ru' || requesterLang === 'en') && (
            <span className="muted reply-lang">{t('reply.requesterLang', { lang: t(`reply.lang.${requesterLang}`) })}</span>
          )}
          <label className="reply-inline">
            <input type="checkbox" checked={plain} onChange={(e) => switchPlain(e.target.checked)} /> {t('reply.plain')}
          </label>
        </div>
        {others.length > 0 && (
          <p className="reply-collision" role="status">
            {t(others.length > 1 ? 'reply.replyingMany' : 'reply.replying', { names: others.map((o) => o.name).join(', ') })}
          </p>
        )}
        {kind === 'note' && <p className="muted reply-note-hint">{t('reply.noteHint')}</p>}
        <Editor key={plain ? 'plain' : 'rich'} ref={editor} id={`${uid}-editor`} plain={plain} note={kind === 'note'}
          label={t(kind === 'note' ? 'reply.editorNote' : 'reply.editor')}
          placeholder={t(kind === 'note' ? 'reply.placeholderNote' : 'reply.placeholder')}
          initial={initial} phrases={phrases} onChange={(c) => { setContent(c); setError(null); }} onSubmit={() => void send()} onFocusChange={setFocused}
          onMention={(m) => setPicked((x) => (x.some((y) => y.id === m.id) ? x : [...x, m]))} />
        {dragging && <p className="reply-drop" aria-hidden="true">{t('reply.dropHere')}</p>}
        <Attachments id={`${uid}-files`} items={attachments} busy={uploads.busy} errors={uploads.errors} onPick={(f) => void uploads.upload(f)}
          onRemove={(id) => setAttachments((x) => x.filter((a) => a.id !== id))} />
        {ask && (
          <div className="reply-ask" role="alertdialog" aria-labelledby={`${uid}-ask`} aria-describedby={`${uid}-ask-d`}>
            <strong id={`${uid}-ask`}>{t('reply.ask.title')}</strong>
            <div id={`${uid}-ask-d`}>
              {ask.flags.length > 0 && <p>{t('reply.ask.flags', { list: ask.flags.map((f) => t(`reply.flag.${f}`)).join(', ') })}</p>}
              {ask.promises.length > 0 && <p>{t('reply.ask.promises', { list: ask.promises.map((p) => (lang === 'ru' ? `«${p}»` : `“${p}”`)).join(', ') })}</p>}
            </div>
            <div className="reply-actions">
              <button type="button" className="primary" autoFocus onClick={() => { acked.current = JSON.stringify(ask); setAsk(null); editor.current?.focus(); void post(ask.flags.length > 0); }}>{t('reply.ask.send')}</button>
              <button type="button" onClick={() => { setAsk(null); editor.current?.focus(); }}>{t('reply.ask.edit')}</button>
            </div>
          </div>
        )}
        <div className="reply-actions">
          <MacroPicker id={`${uid}-macro`} ticketRef={ticketRef} ticketVersion={ticketVersion} onBody={(h) => editor.current?.insertHtml(h)}
            onTicketChanged={() => {}} onError={showError} />
          <span className="spacer" />
          <label className="reply-inline">{t('reply.status')}
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t('reply.statusKeep')}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`reply.status.${s}`)}</option>)}
            </select>
          </label>
          <button type="button" className="primary" onClick={() => void send()} disabled={sending || uploads.busy.length > 0} aria-keyshortcuts="Control+Enter">
            {sending ? t('reply.sending') : t(kind === 'note' ? 'reply.sendNote' : 'reply.send')}
          </button>
        </div>
        <div aria-live="assertive">{error && <p className="error" role="alert">{error}</p>}</div>
        <div aria-live="polite">{notice && <p className="reply-notice">{notice}</p>}</div>
      </div>
      {isReply ? (
        <CoachPanel enabled result={coach.result} pending={coach.pending} failed={coach.failed}>
          <Promises rows={rows} meId={me.id} onEdit={editPromise} />
        </CoachPanel>
      ) : null}
    </section>
  );
}
