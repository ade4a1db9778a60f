// The handoff form (prefilled from the escalation draft) and de-escalation with a note.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { get, post } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import { formatSize } from './Conversation.tsx';
import { ticketUrl, useGroups } from './data.ts';
import { inHours, toIso, useAction } from './forms.tsx';
import type { DraftT, TicketT } from './types.ts';

type Props = { ticket: TicketT; onDone: () => void; onClose: () => void };

function HandoffForm({ ticket, draft, onDone, onClose }: Props & { draft: DraftT }) {
  const t = useT();
  const { lang } = useLang();
  const [summary, setSummary] = useState(draft.summary);
  const [tried, setTried] = useState(draft.tried.join('\n'));
  const [needed, setNeeded] = useState('');
  const [groupId, setGroupId] = useState(draft.candidateGroups[0]?.id ?? '');
  const [att, setAtt] = useState<string[]>(draft.attachments.map((x) => x.id));
  const [notify, setNotify] = useState(false);
  const [notice, setNotice] = useState('');
  const [due, setDue] = useState(() => inHours(24));
  const a = useAction();
  if (!draft.nextLevel) return <p className="muted">{t('ticket.esc.top')}</p>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      toLevel: draft.nextLevel,
      ...(groupId ? { toGroupId: groupId } : {}),
      summary: summary.trim(),
      tried: tried.split('\n').map((x) => x.trim()).filter(Boolean),
      needed: needed.trim(),
      attachmentIds: att,
      ...(notify ? { customerNotice: { text: notice.trim(), dueAt: toIso(due) } } : {}),
    };
    void a.run(() => post(`${ticketUrl(ticket.id)}/escalate`, body)).then((ok) => { if (ok) { onDone(); onClose(); } });
  };
  return (
    <form className="tk-form" onSubmit={submit} aria-label={t('ticket.esc.title', { n: draft.nextLevel })}>
      <h3>{t('ticket.esc.title', { n: draft.nextLevel })}</h3>
      <label>{t('ticket.esc.group')}
        <select aria-label={t('ticket.esc.group')} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
          {draft.candidateGroups.length === 0 && <option value="">{t('ticket.esc.noGroups')}</option>}
          {draft.candidateGroups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </label>
      <label>{t('ticket.esc.summary')}<textarea autoFocus rows={3} required minLength={10} maxLength={5000} value={summary} onChange={(e) => setSummary(e.target.value)} /></label>
      <label>{t('ticket.esc.tried')}<textarea rows={3} required value={tried} onChange={(e) => setTried(e.target.value)} /></label>
      <label>{t('ticket.esc.needed')}<textarea rows={2} required maxLength={5000} value={needed} onChange={(e) => setNeeded(e.target.value)} /></label>
      {draft.attachments.length > 0 && (
        <fieldset>
          <legend>{t('ticket.esc.attachments')}</legend>
          {draft.attachments.map((x) => (
            <label key={x.id} className="tk-check">
              <input type="checkbox" checked={att.includes(x.id)} onChange={(e) => setAtt(e.target.checked ? [...att, x.id] : att.filter((i) => i !== x.id))} />
              {x.filename} ({formatSize(x.size, lang)})
            </label>
          ))}
        </fieldset>
      )}
      <label className="tk-check"><input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />{t('ticket.esc.notify')}</label>
      {notify && (
        <>
          <label>{t('ticket.esc.noticeText')}<textarea rows={3} required value={notice} onChange={(e) => setNotice(e.target.value)} /></label>
          <label>{t('ticket.esc.noticeDue')}<input type="datetime-local" required value={due} onChange={(e) => setDue(e.target.value)} /></label>
        </>
      )}
      <div className="tk-row">
        <button type="submit" className="primary" disabled={a.busy}>{t('ticket.esc.submit')}</button>
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
      </div>
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </form>
  );
}

export function EscalateForm(p: Props) {
  const t = useT();
  const draft = useQuery({
    queryKey: ['ticket', p.ticket.id, 'escalation-draft', p.ticket.version],
    queryFn: ({ signal }) => get<DraftT>(`${ticketUrl(p.ticket.id)}/escalation-draft`, signal),
  });
  if (draft.isPending) return <p className="loading" role="status">{t('common.loading')}</p>;
  if (draft.error) return <p className="error" role="alert">{t('common.error', { message: draft.error.message })}</p>;
  return <HandoffForm {...p} draft={draft.data} />;
}

export function DeescalateForm({ ticket, onDone, onClose }: Props) {
  const t = useT();
  const groups = useGroups();
  const [toLevel, setToLevel] = useState(ticket.level - 1);
  const [groupId, setGroupId] = useState('');
  const [note, setNote] = useState('');
  const a = useAction();
  const options = (groups.data?.items ?? []).filter((g) => g.level === toLevel);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void a.run(() => post(`${ticketUrl(ticket.id)}/deescalate`, { toLevel, note: note.trim(), ...(groupId ? { toGroupId: groupId } : {}) }))
      .then((ok) => { if (ok) { onDone(); onClose(); } });
  };
  return (
    <form className="tk-form" onSubmit={submit} aria-label={t('ticket.deesc.title')}>
      <h3>{t('ticket.deesc.title')}</h3>
      <label>{t('ticket.deesc.level')}
        <select aria-label={t('ticket.deesc.level')} value={toLevel} onChange={(e) => { setToLevel(Number(e.target.value)); setGroupId(''); }}>
          {Array.from({ length: ticket.level - 1 }, (_, i) => i + 1).map((l) => <option key={l} value={l}>L{l}</option>)}
        </select>
      </label>
      <label>{t('ticket.esc.group')}
        <select aria-label={t('ticket.esc.group')} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
          <option value="">{t('ticket.deesc.anyGroup')}</option>
          {options.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </label>
      <label>{t('ticket.deesc.note')}<textarea autoFocus rows={2} required value={note} onChange={(e) => setNote(e.target.value)} /></label>
      <div className="tk-row">
        <button type="submit" className="primary" disabled={a.busy}>{t('ticket.deesc.submit')}</button>
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
      </div>
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </form>
  );
}
