// Profile (/me), for every agent: name, language, time zone, password, personal API tokens,
// notification preferences, sign out everywhere.
import './messages.ts';
import './admin.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, csrfToken, get, patch, post, put } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import type { Lang } from '../../common/messages.ts';
import { useSession } from '../../common/session.tsx';
import { Tokens } from './Tokens.tsx';
import type { NotificationPrefs, User } from './types.ts';
import { ConfirmButton, Field, fieldErrors, FormStatus, QueryState, TimeZoneInput, useSave } from './ui.tsx';

export default function ProfilePage() {
  const t = useT();
  const { me } = useSession();
  const user = useQuery({ queryKey: ['me', 'user', me.id], queryFn: () => get<User>(`/api/v1/users/${me.id}`) });
  return (
    <main className="page adm adm-profile">
      <h1>{t('adm.me.title')}</h1>
      <p className="muted">{me.email}</p>
      <div className="adm-stack">
        <QueryState q={user} />
        {user.data && <ProfileForm user={user.data} />}
        <PasswordForm />
        <Tokens />
        <Prefs />
        <SignOutEverywhere />
      </div>
    </main>
  );
}

function ProfileForm({ user }: { user: User }) {
  const t = useT();
  const { setLang } = useLang();
  const [d, setD] = useState({ name: user.name, locale: user.locale as Lang, timeZone: user.timeZone });
  const save = useSave(() => patch<User>('/api/v1/users/me', d), [['me', 'user', user.id]], (u) => setLang(u.locale));
  const errs = fieldErrors(save.error);
  return (
    <form className="card adm-form" aria-labelledby="me-profile" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }}>
      <h2 id="me-profile">{t('adm.me.profile')}</h2>
      <div className="adm-grid">
        <Field label={t('adm.me.name')} error={errs.name}>{(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required />}</Field>
        <Field label={t('adm.me.language')} error={errs.locale}>{(p) => (
          <select {...p} value={d.locale} onChange={(e) => setD({ ...d, locale: e.target.value as Lang })}>
            <option value="ru" lang="ru">Русский</option><option value="en" lang="en">English</option>
          </select>
        )}</Field>
        <Field label={t('adm.me.timeZone')} error={errs.timeZone}>{(p) => <TimeZoneInput {...p} value={d.timeZone} onChange={(v) => setD({ ...d, timeZone: v })} />}</Field>
      </div>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('common.save')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}

/** POST /auth/password without the app's 401 handler: a wrong current password answers 401, which is not an expired session. */
async function changePassword(body: { currentPassword: string; newPassword: string }) {
  const res = await fetch('/api/v1/auth/password', {
    method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() ?? '' },
  });
  const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
  if (!res.ok) throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? res.statusText, p);
}

function PasswordForm() {
  const t = useT();
  const [d, setD] = useState({ current: '', next: '', repeat: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useSave(() => changePassword({ currentPassword: d.current, newPassword: d.next }), [], () => setD({ current: '', next: '', repeat: '' }));
  const api = fieldErrors(save.error);
  const wrong = save.error instanceof ApiError && save.error.code === 'invalid_credentials';
  const submit = () => {
    const e: Record<string, string> = {};
    if (d.next.length < 12) e.next = t('adm.me.pwTooShort');
    else if (d.next !== d.repeat) e.repeat = t('adm.me.pwMismatch');
    setLocal(e);
    if (!Object.keys(e).length) save.mutate(undefined);
  };
  return (
    <form className="card adm-form" aria-labelledby="me-password" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h2 id="me-password">{t('adm.me.password')}</h2>
      <input type="text" name="username" autoComplete="username" hidden readOnly />
      <div className="adm-grid">
        <Field label={t('adm.me.pwCurrent')} error={wrong ? t('adm.me.pwWrong') : api.currentPassword}>{(p) => <input {...p} type="password" autoComplete="current-password" value={d.current} onChange={(e) => setD({ ...d, current: e.target.value })} required />}</Field>
        <Field label={t('adm.me.pwNew')} hint={t('adm.me.pwHint')} error={local.next ?? api.newPassword}>{(p) => <input {...p} type="password" autoComplete="new-password" value={d.next} onChange={(e) => setD({ ...d, next: e.target.value })} required />}</Field>
        <Field label={t('adm.me.pwRepeat')} error={local.repeat}>{(p) => <input {...p} type="password" autoComplete="new-password" value={d.repeat} onChange={(e) => setD({ ...d, repeat: e.target.value })} required />}</Field>
      </div>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('adm.me.pwChange')}</button>
        <FormStatus m={save} savedText={t('adm.me.pwChanged')} />
      </div>
    </form>
  );
}

function Prefs() {
  const t = useT();
  const q = useQuery({ queryKey: ['me', 'prefs'], queryFn: () => get<NotificationPrefs>('/api/v1/notifications/preferences') });
  return (
    <section className="card adm-form" aria-labelledby="me-prefs">
      <h2 id="me-prefs">{t('adm.me.prefs')}</h2>
      <QueryState q={q} />
      {q.data && <PrefsTable data={q.data} />}
    </section>
  );
}

function PrefsTable({ data }: { data: NotificationPrefs }) {
  const t = useT();
  const [v, setV] = useState(data);
  const save = useSave(() => put<NotificationPrefs>('/api/v1/notifications/preferences', v), [['me', 'prefs']]);
  const kinds = Object.keys(v) as (keyof NotificationPrefs)[];
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(undefined); }}>
      <table className="adm-table">
        <thead><tr><th>{t('adm.me.prefKind')}</th><th>{t('adm.me.prefInApp')}</th><th>{t('adm.me.prefEmail')}</th></tr></thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k}>
              <th scope="row">{t(`adm.me.kind.${k}`)}</th>
              {(['inApp', 'email'] as const).map((ch) => (
                <td key={ch}>
                  <input type="checkbox" checked={v[k][ch]} aria-label={`${t(`adm.me.kind.${k}`)}: ${t(ch === 'inApp' ? 'adm.me.prefInApp' : 'adm.me.prefEmail')}`}
                    onChange={(e) => setV({ ...v, [k]: { ...v[k], [ch]: e.target.checked } })} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="adm-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t('common.save')}</button>
        <FormStatus m={save} />
      </div>
    </form>
  );
}

function SignOutEverywhere() {
  const t = useT();
  const out = useSave(() => post('/api/v1/auth/logout-all'), [], () => location.assign('/'));
  return (
    <section className="card adm-form" aria-labelledby="me-sessions">
      <h2 id="me-sessions">{t('adm.me.sessions')}</h2>
      <p className="muted">{t('adm.me.sessionsHint')}</p>
      <div className="adm-actions">
        <ConfirmButton label={t('adm.me.logoutAll')} confirmText={t('adm.me.logoutAllConfirm')} onConfirm={() => out.mutate(undefined)} busy={out.isPending} />
        <FormStatus m={out} />
      </div>
    </section>
  );
}
