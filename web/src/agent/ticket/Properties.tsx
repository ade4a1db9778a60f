// Status, priority, assignee, group, tags and custom fields: one form, saved with If-Match.
// A colleague's change in between answers 412: the form says so and offers a reload.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { patch } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import { isConflict, useFields, useGroups, useUsers } from './data.ts';
import { useAction } from './forms.tsx';
import { PRIORITIES, STATUSES, type FieldT, type TicketT } from './types.ts';

type Custom = Record<string, string | number | boolean | null>;
type State = { status: string; priority: string; assigneeId: string; groupId: string; tags: string; custom: Custom };

const fromTicket = (t: TicketT): State => ({
  status: t.status, priority: t.priority, assigneeId: t.assigneeId ?? '', groupId: t.groupId ?? '', tags: t.tags.join(', '),
  custom: { ...(t.custom as Custom) },
});
const parseTags = (s: string) => [...new Set(s.split(/[\s,]+/).map((x) => x.trim().toLowerCase()).filter(Boolean))];

function FieldInput({ f, value, onChange }: { f: FieldT; value: unknown; onChange: (v: string | number | boolean | null) => void }) {
  const { lang } = useLang();
  const label = lang === 'ru' ? f.labelRu : f.labelEn;
  const str = value === null || value === undefined ? '' : String(value);
  if (f.type === 'checkbox') {
    return <label className="tk-check"><input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />{label}</label>;
  }
  if (f.type === 'select') {
    return (
      <label>{label}
        <select aria-label={label} value={str} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">—</option>
          {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </label>
    );
  }
  const type = f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text';
  return (
    <label>{label}
      <input type={type} value={str} onChange={(e) => {
        const v = e.target.value;
        onChange(v === '' ? null : f.type === 'number' ? Number(v) : v);
      }} />
    </label>
  );
}

export function Properties({ ticket, onSaved, onReload }: { ticket: TicketT; onSaved: () => void; onReload: () => void }) {
  const t = useT();
  const users = useUsers();
  const groups = useGroups();
  const fields = useFields();
  const [s, setS] = useState<State>(() => fromTicket(ticket));
  const [baseVersion, setBaseVersion] = useState(ticket.version);
  const [dirty, setDirty] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);
  const a = useAction();
  // Save disables itself once saved: focus moves to the "saved" line instead of falling to the page
  const status = useRef<HTMLSpanElement>(null);

  // a newer ticket (live update, another action) refreshes an untouched form
  useEffect(() => {
    if (!dirty) { setS(fromTicket(ticket)); setBaseVersion(ticket.version); }
  }, [ticket, dirty]);

  const set = (p: Partial<State>) => { setS((o) => ({ ...o, ...p })); setDirty(true); setSaved(false); };

  const changes = (): Record<string, unknown> => {
    const o = fromTicket(ticket);
    const b: Record<string, unknown> = {};
    if (s.status !== o.status) b.status = s.status;
    if (s.priority !== o.priority) b.priority = s.priority;
    if (s.assigneeId !== o.assigneeId) b.assigneeId = s.assigneeId || null;
    if (s.groupId !== o.groupId) b.groupId = s.groupId || null;
    const tags = parseTags(s.tags);
    if (tags.join(',') !== ticket.tags.join(',')) b.tags = tags;
    const custom: Custom = {};
    for (const [k, v] of Object.entries(s.custom)) if (JSON.stringify(v ?? null) !== JSON.stringify(o.custom[k] ?? null)) custom[k] = v;
    if (Object.keys(custom).length) b.custom = custom;
    return b;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = changes();
    if (!Object.keys(body).length) { setDirty(false); return; }
    void a.run(async () => {
      await patch(`/api/v1/tickets/${ticket.id}`, body, { 'if-match': `"${baseVersion}"` });
      setDirty(false);
      setSaved(true);
      status.current?.focus();
      onSaved();
    }, (err) => {
      if (isConflict(err)) { setConflict(true); return true; }
      return false;
    });
  };

  const reload = () => { setConflict(false); setDirty(false); setSaved(false); onReload(); };
  const agents = (users.data?.items ?? []).filter((u) => u.role !== 'light_agent');

  return (
    <form className="tk-props card" onSubmit={submit} aria-label={t('ticket.props.title')}>
      <h2>{t('ticket.props.title')}</h2>
      {conflict && (
        <div className="notice tk-conflict" role="alert">
          <p>{t('ticket.conflict')}</p>
          <button type="button" onClick={reload}>{t('ticket.conflict.reload')}</button>
        </div>
      )}
      <label>{t('ticket.field.status')}
        <select aria-label={t('ticket.field.status')} value={s.status} onChange={(e) => set({ status: e.target.value })}>
          {STATUSES.map((x) => <option key={x} value={x}>{t(`ticket.status.${x}`)}</option>)}
        </select>
      </label>
      <label>{t('ticket.field.priority')}
        <select aria-label={t('ticket.field.priority')} value={s.priority} onChange={(e) => set({ priority: e.target.value })}>
          {PRIORITIES.map((x) => <option key={x} value={x}>{t(`ticket.priority.${x}`)}</option>)}
        </select>
      </label>
      <label>{t('ticket.field.assigneeId')}
        <select aria-label={t('ticket.field.assigneeId')} value={s.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })}>
          <option value="">{t('ticket.props.nobody')}</option>
          {s.assigneeId && !agents.some((u) => u.id === s.assigneeId) && <option value={s.assigneeId}>#{s.assigneeId}</option>}
          {agents.map((u) => <option key={u.id} value={u.id}>{u.name} (L{u.level})</option>)}
        </select>
      </label>
      <label>{t('ticket.field.groupId')}
        <select aria-label={t('ticket.field.groupId')} value={s.groupId} onChange={(e) => set({ groupId: e.target.value })}>
          <option value="">{t('ticket.props.noGroup')}</option>
          {s.groupId && !groups.data?.items.some((g) => g.id === s.groupId) && <option value={s.groupId}>#{s.groupId}</option>}
          {(groups.data?.items ?? []).map((g) => <option key={g.id} value={g.id}>{g.name} (L{g.level})</option>)}
        </select>
      </label>
      <label>{t('ticket.field.tags')}
        <input value={s.tags} onChange={(e) => set({ tags: e.target.value })} placeholder={t('ticket.props.tagsHint')} />
      </label>
      {(fields.data?.items ?? []).map((f) => (
        <FieldInput key={f.id} f={f} value={s.custom[f.key]} onChange={(v) => set({ custom: { ...s.custom, [f.key]: v } })} />
      ))}
      {ticket.status === 'closed' && <p className="muted">{t('ticket.props.closed')}</p>}
      <div className="tk-row">
        <button type="submit" className="primary" disabled={a.busy || !dirty || ticket.status === 'closed'}>{t('common.save')}</button>
        {dirty && <button type="button" onClick={reload}>{t('ticket.props.discard')}</button>}
        <span role="status" className="muted" tabIndex={-1} ref={status}>{saved ? t('ticket.props.saved') : ''}</span>
      </div>
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </form>
  );
}
