// Business calendars: list, working week per weekday, day exceptions (holidays), iCal import,
// the default calendar, and which group / organization / customer uses which calendar.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, patch, post, put } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { K, useCalendars, useGroups } from './data.ts';
import type { Calendar, CalendarWithDays, IcalResult, Organization, Page } from './types.ts';
import { Check, ConfirmButton, errAt, Field, fieldErrors, FormStatus, hhmm, QueryState, TimeZoneInput, useSave } from './ui.tsx';

const calKey = (id: string) => ['admin', 'calendar', id];

export function CalendarsSection() {
  const t = useT();
  const list = useCalendars();
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const makeDefault = useSave((id: string) => post<Calendar>(`/api/v1/calendars/${id}/default`), [K.calendars]);
  return (
    <div className="adm-stack">
      <div><button type="button" className="primary" onClick={() => setCreating(true)}>{t('adm.cal.new')}</button></div>
      {creating && <NewCalendar onDone={(id) => { setCreating(false); if (id) setOpen(id); }} />}
      <QueryState q={list} />
      {list.data && (
        <table className="adm-table">
          <caption className="visually-hidden">{t('adm.section.calendars')}</caption>
          <thead><tr><th>{t('adm.cal.name')}</th><th>{t('adm.cal.timeZone')}</th><th>{t('adm.cal.default')}</th><th /></tr></thead>
          <tbody>
            {list.data.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td><td>{c.timeZone}</td>
                <td>{c.isDefault ? <span className="badge ok">{t('adm.cal.default')}</span> : (
                  <button type="button" onClick={() => makeDefault.mutate(c.id)} disabled={makeDefault.isPending}>{t('adm.cal.makeDefault')}</button>
                )}</td>
                <td><button type="button" onClick={() => setOpen(c.id)} aria-label={t('adm.cal.editNamed', { name: c.name })}>{t('common.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {makeDefault.error != null && <FormStatus m={makeDefault} />}
      {open && <CalendarEditor key={open} id={open} onClose={() => setOpen(null)} />}
      <Assignments />
    </div>
  );
}

function NewCalendar({ onDone }: { onDone: (id: string | null) => void }) {
  const t = useT();
  const [d, setD] = useState({ name: '', timeZone: 'Europe/Moscow' });
  const save = useSave(() => post<CalendarWithDays>('/api/v1/calendars', d), [K.calendars], (r) => onDone(r.id));
  const errs = fieldErrors(save.error);
  return (
    <form className="card adm-form" aria-label={t('adm.cal.new')} onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }}>
      <div className="adm-grid">
        <Field label={t('adm.cal.name')} error={errs.name}>{(p) => <input {...p} autoFocus value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
        <Field label={t('adm.cal.timeZone')} error={errs.timeZone}>{(p) => <TimeZoneInput {...p} value={d.timeZone} onChange={(v) => setD({ ...d, timeZone: v })} />}</Field>
      </div>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('adm.cal.create')}</button>
        <button type="button" onClick={() => onDone(null)}>{t('common.cancel')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}

/** "09:00-13:00, 14:00-18:00" ↔ [[540,780],[840,1080]]; unparsable text is sent as is for the API to refuse. */
const fmtDay = (iv: [number, number][]) => iv.map(([s, e]) => `${hhmm(s)}-${hhmm(e)}`).join(', ');
function parseDay(s: string): [number, number][] | null {
  if (!s.trim()) return [];
  const out: [number, number][] = [];
  for (const part of s.split(',')) {
    const m = /^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) return null;
    out.push([Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])]);
  }
  return out;
}

function CalendarEditor({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT();
  const cal = useQuery({ queryKey: calKey(id), queryFn: () => get<CalendarWithDays>(`/api/v1/calendars/${id}`) });
  return (
    <div className="card adm-form">
      <QueryState q={cal} />
      {cal.data && (
        <>
          <h3>{cal.data.name}</h3>
          <WeekForm cal={cal.data} />
          <Days cal={cal.data} />
          <IcalImport cal={cal.data} />
        </>
      )}
      <div className="adm-actions"><button type="button" onClick={onClose}>{t('common.close')}</button></div>
    </div>
  );
}

function WeekForm({ cal }: { cal: CalendarWithDays }) {
  const t = useT();
  const [d, setD] = useState({ name: cal.name, timeZone: cal.timeZone, alwaysOpen: cal.alwaysOpen, week: cal.week.map((iv) => fmtDay(iv as [number, number][])) });
  const [local, setLocal] = useState<Record<number, string>>({});
  const save = useSave(() => {
    const bad: Record<number, string> = {};
    const week = d.week.map((s, i) => { const p = parseDay(s); if (!p) bad[i] = t('adm.cal.badHours'); return p ?? []; });
    setLocal(bad);
    if (Object.keys(bad).length) return Promise.reject(new Error(t('adm.cal.badHours')));
    return patch<CalendarWithDays>(`/api/v1/calendars/${cal.id}`, { name: d.name, timeZone: d.timeZone, alwaysOpen: d.alwaysOpen, week });
  }, [K.calendars, calKey(cal.id)]);
  const errs = fieldErrors(save.error);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }} aria-label={t('adm.cal.week')}>
      <div className="adm-grid">
        <Field label={t('adm.cal.name')} error={errs.name}>{(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />}</Field>
        <Field label={t('adm.cal.timeZone')} error={errs.timeZone}>{(p) => <TimeZoneInput {...p} value={d.timeZone} onChange={(v) => setD({ ...d, timeZone: v })} />}</Field>
        <Check label={t('adm.cal.alwaysOpen')} checked={d.alwaysOpen} onChange={(v) => setD({ ...d, alwaysOpen: v })} />
      </div>
      <fieldset className="adm-fieldset">
        <legend>{t('adm.cal.week')}</legend>
        <p className="muted">{t('adm.cal.weekHint')}</p>
        <div className="adm-grid">
          {d.week.map((s, i) => (
            <Field key={i} label={t(`adm.cal.wd${i}`)} error={local[i] ?? errAt(errs, `week.${i}`)}>
              {(p) => <input {...p} value={s} placeholder={t('adm.cal.dayOff')} onChange={(e) => setD({ ...d, week: d.week.map((x, j) => (j === i ? e.target.value : x)) })} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('common.save')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}

function Days({ cal }: { cal: CalendarWithDays }) {
  const t = useT();
  const [d, setD] = useState({ day: '', kind: 'holiday', name: '' });
  const add = useSave(() => put(`/api/v1/calendars/${cal.id}/days/${d.day}`, { kind: d.kind, name: d.name }), [calKey(cal.id)], () => setD({ day: '', kind: 'holiday', name: '' }));
  const remove = useSave((day: string) => del(`/api/v1/calendars/${cal.id}/days/${day}`), [calKey(cal.id)]);
  const errs = fieldErrors(add.error);
  return (
    <section className="adm-sub" aria-label={t('adm.cal.days')}>
      <h4>{t('adm.cal.days')}</h4>
      {cal.days.length === 0 ? <p className="muted">{t('adm.cal.noDays')}</p> : (
        <table className="adm-table" aria-label={t('adm.cal.days')}>
          <thead><tr><th>{t('adm.cal.day')}</th><th>{t('adm.cal.kind')}</th><th>{t('adm.cal.dayName')}</th><th>{t('adm.cal.source')}</th><th /></tr></thead>
          <tbody>
            {cal.days.map((x) => (
              <tr key={x.day}>
                <td>{x.day}</td><td>{t(`adm.cal.kind.${x.kind}`)}</td><td>{x.name}</td><td>{t(`adm.cal.src.${x.source}`)}</td>
                <td><ConfirmButton label={t('common.delete')} confirmText={t('adm.cal.deleteDay', { day: x.day })} onConfirm={() => remove.mutate(x.day)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="adm-inline" onSubmit={(e) => { e.preventDefault(); add.mutate(undefined); }} aria-label={t('adm.cal.addDay')}>
        <Field label={t('adm.cal.day')} error={errs.day}>{(p) => <input {...p} type="date" value={d.day} onChange={(e) => setD({ ...d, day: e.target.value })} required />}</Field>
        <Field label={t('adm.cal.kind')} error={errs.kind}>{(p) => (
          <select {...p} value={d.kind} onChange={(e) => setD({ ...d, kind: e.target.value })}>
            {['holiday', 'workday', 'short'].map((k) => <option key={k} value={k}>{t(`adm.cal.kind.${k}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('adm.cal.dayName')} error={errs.name}>{(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />}</Field>
        <button type="submit" disabled={add.isPending}>{t('adm.cal.addDay')}</button>
        <FormStatus m={add} />
      </form>
    </section>
  );
}

function IcalImport({ cal }: { cal: CalendarWithDays }) {
  const t = useT();
  const [url, setUrl] = useState(cal.icalUrl ?? '');
  const [ics, setIcs] = useState('');
  const [fileName, setFileName] = useState('');
  const [result, setResult] = useState<IcalResult | null>(null);
  const imp = useSave(() => post<IcalResult>(`/api/v1/calendars/${cal.id}/ical`, ics ? { ics } : { url }), [calKey(cal.id)], (r) => setResult(r));
  const errs = fieldErrors(imp.error);
  return (
    <section className="adm-sub" aria-label={t('adm.cal.ical')}>
      <h4>{t('adm.cal.ical')}</h4>
      <p className="muted">{t('adm.cal.icalHint')}</p>
      <form onSubmit={(e) => { e.preventDefault(); imp.mutate(undefined); }} aria-label={t('adm.cal.ical')}>
        <div className="adm-grid">
          <Field label={t('adm.cal.icalFile')} hint={fileName || undefined}>{(p) => (
            <input {...p} type="file" accept=".ics,text/calendar" onChange={(e) => {
              const f = e.target.files?.[0];
              setFileName(f?.name ?? '');
              if (f) void f.text().then(setIcs); else setIcs('');
            }} />
          )}</Field>
          <Field label={t('adm.cal.icalUrl')} error={errs.url}>{(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} disabled={!!ics} />}</Field>
        </div>
        {errs.ics && <span className="error">{errs.ics}</span>}
        <div className="adm-actions">
          <button type="submit" className="primary" disabled={imp.isPending || (!ics && !url)}>{t('adm.cal.import')}</button>
          <FormStatus m={imp} savedText={result ? t('adm.cal.imported', { imported: result.imported, removed: result.removed, skipped: result.skipped, ignored: result.ignoredEvents }) : undefined} />
        </div>
      </form>
    </section>
  );
}

function Assignments() {
  const t = useT();
  const calendars = useCalendars();
  const groups = useGroups();
  const orgs = useQuery({ queryKey: ['admin', 'orgs'], queryFn: () => get<Page<Organization>>('/api/v1/organizations?limit=200') });
  const [d, setD] = useState({ kind: 'group', id: '', calendarId: '' });
  const save = useSave(() => put('/api/v1/calendars/assignments', { kind: d.kind, id: d.id, calendarId: d.calendarId || null }), [K.groups, ['admin', 'orgs']]);
  const errs = fieldErrors(save.error);
  const current = d.kind === 'group' ? groups.data?.items.find((g) => g.id === d.id)?.calendarId
    : d.kind === 'organization' ? orgs.data?.items.find((o) => o.id === d.id)?.calendarId : undefined;
  const calName = (id: string | null | undefined) => (id ? calendars.data?.items.find((c) => c.id === id)?.name ?? id : t('adm.cal.inherit'));
  return (
    <section className="card adm-form" aria-label={t('adm.cal.assign')}>
      <h3>{t('adm.cal.assign')}</h3>
      <p className="muted">{t('adm.cal.assignHint')}</p>
      <form className="adm-inline" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }}>
        <Field label={t('adm.cal.assignKind')} error={errs.kind}>{(p) => (
          <select {...p} value={d.kind} onChange={(e) => setD({ ...d, kind: e.target.value, id: '' })}>
            {['group', 'organization', 'customer'].map((k) => <option key={k} value={k}>{t(`adm.cal.assignKind.${k}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t(`adm.cal.assignKind.${d.kind}`)} error={errs.id} hint={current !== undefined ? t('adm.cal.now', { name: calName(current) }) : undefined}>{(p) => d.kind === 'customer'
          ? <input {...p} value={d.id} inputMode="numeric" placeholder={t('adm.cal.customerId')} onChange={(e) => setD({ ...d, id: e.target.value })} required />
          : (
            <select {...p} value={d.id} onChange={(e) => setD({ ...d, id: e.target.value })} required>
              <option value="">—</option>
              {(d.kind === 'group' ? groups.data?.items : orgs.data?.items)?.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          )}</Field>
        <Field label={t('adm.cal.calendar')} error={errs.calendarId}>{(p) => (
          <select {...p} value={d.calendarId} onChange={(e) => setD({ ...d, calendarId: e.target.value })}>
            <option value="">{t('adm.cal.inherit')}</option>
            {calendars.data?.items.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        )}</Field>
        <button type="submit" className="primary" disabled={save.isPending || !d.id}>{t('adm.cal.assignSave')}</button>
        <FormStatus m={save} />
      </form>
    </section>
  );
}
