// Agent sign-in form (also shown over the app when the session expires, so nothing typed is lost).
import { useState, type FormEvent } from 'react';
import { ApiError, post } from './api.ts';
import { useT } from './i18n.tsx';
import type { Me } from './session.tsx';

export function Login({ onDone, expired }: { onDone: (me: Me) => void; expired?: boolean }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await post<Me>('/api/v1/auth/login', { email, password }));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('login.locked') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="login">
      <form onSubmit={submit} className="card login-card" aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        {expired && <p role="status" className="notice">{t('session.expired')}</p>}
        <label>
          {t('login.email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
    </main>
  );
}
