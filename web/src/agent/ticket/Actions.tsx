// One-off actions on a ticket: escalate / de-escalate, promise by hand, care flag, snooze,
// third party, merge, link. One form open at a time, under its button.
import { useState, type FormEvent, type ReactNode } from 'react';
import { del, post, put } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { ticketUrl } from './data.ts';
import { DeescalateForm, EscalateForm } from './Escalate.tsx';
import { inHours, toIso, useAction } from './forms.tsx';
import { NewPromiseForm } from './Promises.tsx';
import type { TicketT } from './types.ts';

type P = { ticket: TicketT; onDone: () => void; onClose: () => void };

function Simple({ label, submit, onClose, children, a }: {
  label: string; submit: () => Promise<unknown>; onClose: () => void; children: ReactNode; a: ReturnType<typeof useAction>;
}) {
  const t = useT();
  const onSubmit = (e: FormEvent) => { e.preventDefault(); void a.run(submit).then((ok) => { if (ok) onClose(); }); };
  return (
    <form className="tk-form" onSubmit={onSubmit} aria-label={label}>
      {children}
      <div className="tk-row">
        <button type="submit" className="primary" disabled={a.busy}>{label}</button>
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
      </div>
      {a.error && <p className="error" role="alert">{a.error}</p>}
    </form>
  );
}

function CareForm({ ticket, onDone, onClose }: P) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(28);
  const [scope, setScope] = useState<'customer' | 'organization'>('customer');
  const a = useAction();
  const url = scope === 'customer' ? `/api/v1/customers/${ticket.requester.id}/care` : `/api/v1/organizations/${ticket.organizationId}/care`;
  return (
    <Simple label={t('ticket.care.set')} a={a} onClose={onClose}
      submit={async () => { await post(url, { reason: reason.trim(), days, ticketId: ticket.id }); onDone(); }}>
      <label>{t('ticket.care.reason')}<input autoFocus required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <label>{t('ticket.care.days')}<input type="number" min={1} max={366} required value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
      {ticket.organizationId && (
        <label>{t('ticket.care.scopeLabel')}
          <select aria-label={t('ticket.care.scopeLabel')} value={scope} onChange={(e) => setScope(e.target.value as 'customer' | 'organization')}>
            <option value="customer">{t('ticket.care.scope.customer')}</option>
            <option value="organization">{t('ticket.care.scope.organization')}</option>
          </select>
        </label>
      )}
    </Simple>
  );
}

function SnoozeForm({ ticket, onDone, onClose }: P) {
  const t = useT();
  const [until, setUntil] = useState(() => inHours(4));
  const a = useAction();
  return (
    <Simple label={t('ticket.snooze.submit')} a={a} onClose={onClose}
      submit={async () => { await post(`${ticketUrl(ticket.id)}/snooze`, { until: toIso(until) }); onDone(); }}>
      <label>{t('ticket.snooze.until')}<input autoFocus type="datetime-local" required value={until} onChange={(e) => setUntil(e.target.value)} /></label>
    </Simple>
  );
}

function ThirdPartyForm({ ticket, onDone, onClose }: P) {
  const t = useT();
  const [name, setName] = useState(ticket.thirdParty?.name ?? '');
  const [follow, setFollow] = useState(() => inHours(48));
  const a = useAction();
  return (
    <Simple label={t('ticket.third.submit')} a={a} onClose={onClose}
      submit={async () => { await put(`${ticketUrl(ticket.id)}/third-party`, { name: name.trim(), followUpAt: follow ? toIso(follow) : null }); onDone(); }}>
      <label>{t('ticket.third.name')}<input autoFocus required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>{t('ticket.third.followUp')}<input type="datetime-local" value={follow} onChange={(e) => setFollow(e.target.value)} /></label>
    </Simple>
  );
}

function MergeForm({ ticket, onDone, onClose }: P) {
  const t = useT();
  const [target, setTarget] = useState('');
  const [notify, setNotify] = useState(false);
  const a = useAction();
  return (
    <Simple label={t('ticket.merge.submit')} a={a} onClose={onClose}
      submit={async () => { await post(`${ticketUrl(ticket.id)}/merge`, { targetRef: target.trim(), notifyRequester: notify }); onDone(); }}>
      <label>{t('ticket.merge.target')}<input autoFocus required maxLength={40} value={target} placeholder="SL-10427" onChange={(e) => setTarget(e.target.value)} /></label>
      <label className="tk-check"><input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />{t('ticket.merge.notify')}</label>
    </Simple>
  );
}

function LinkForm({ ticket, onDone, onClose }: P) {
  const t = useT();
  const [other, setOther] = useState('');
  const [kind, setKind] = useState('related');
  const a = useAction();
  return (
    <Simple label={t('ticket.link.submit')} a={a} onClose={onClose}
      submit={async () => { await post(`${ticketUrl(ticket.id)}/links`, { otherRef: other.trim(), kind }); onDone(); }}>
      <label>{t('ticket.link.other')}<input autoFocus required maxLength={40} value={other} placeholder="SL-10427" onChange={(e) => setOther(e.target.value)} /></label>
      <label>{t('ticket.link.kind')}
        <select aria-label={t('ticket.link.kind')} value={kind} onChange={(e) => setKind(e.target.value)}>
          {['related', 'duplicate_of', 'parent_of', 'child_of'].map((k) => <option key={k} value={k}>{t(`ticket.link.${k}`)}</option>)}
        </select>
      </label>
    </Simple>
  );
}

type Panel = 'escalate' | 'deescalate' | 'promise' | 'care' | 'snooze' | 'third' | 'merge' | 'link';

export function Actions({ ticket, onDone }: { ticket: TicketT; onDone: () => void }) {
  const t = useT();
  const [open, setOpen] = useState<Panel | null>(null);
  const quick = useAction();
  const close = () => setOpen(null);
  const p: P = { ticket, onDone, onClose: close };
  const btn = (k: Panel, label: string) => (
    <button type="button" aria-expanded={open === k} onClick={() => setOpen(open === k ? null : k)}>{label}</button>
  );
  const snoozed = !!ticket.snoozedUntil && new Date(ticket.snoozedUntil).getTime() > Date.now();
  return (
    <section className="tk-actions card" aria-label={t('ticket.actions')}
      onKeyDown={(e) => { if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(null); } }}>
      <h2>{t('ticket.actions')}</h2>
      <div className="tk-row tk-wrap">
        {ticket.level < 3 && btn('escalate', t('ticket.esc.open'))}
        {ticket.level > 1 && btn('deescalate', t('ticket.deesc.open'))}
        {btn('promise', t('ticket.promise.new'))}
        {btn('care', t('ticket.care.set'))}
        {snoozed
          ? <button type="button" disabled={quick.busy} onClick={() => void quick.run(async () => { await del(`${ticketUrl(ticket.id)}/snooze`); onDone(); })}>{t('ticket.snooze.wake')}</button>
          : btn('snooze', t('ticket.snooze.open'))}
        {ticket.thirdParty
          ? <button type="button" disabled={quick.busy} onClick={() => void quick.run(async () => { await del(`${ticketUrl(ticket.id)}/third-party`); onDone(); })}>{t('ticket.third.clear')}</button>
          : btn('third', t('ticket.third.open'))}
        {btn('merge', t('ticket.merge.open'))}
        {btn('link', t('ticket.link.open'))}
      </div>
      {quick.error && <p className="error" role="alert">{quick.error}</p>}
      {open === 'escalate' && <EscalateForm {...p} />}
      {open === 'deescalate' && <DeescalateForm {...p} />}
      {open === 'promise' && <NewPromiseForm ticketRef={ticket.id} onDone={onDone} onClose={close} />}
      {open === 'care' && <CareForm {...p} />}
      {open === 'snooze' && <SnoozeForm {...p} />}
      {open === 'third' && <ThirdPartyForm {...p} />}
      {open === 'merge' && <MergeForm {...p} />}
      {open === 'link' && <LinkForm {...p} />}
    </section>
  );
}
