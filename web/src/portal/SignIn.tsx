// Sign-in by magic link: the address is asked for, the answer never says whether we know it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, post } from '../common/api.ts';
import { useT } from '../common/i18n.tsx';
import { errorText } from './hooks.ts';

export function SignIn({ notice, autoFocus = true }: { notice?: string | null; autoFocus?: boolean }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sentRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => { if (sent) sentRef.current?.focus(); }, [sent]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/v1/portal/auth/magic-link', { email: email.trim() });
      setSent(email.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('portal.signin.tooMany') : t('portal.signin.failed', { message: errorText(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card portal-signin" aria-labelledby="portal-signin-title">
      <h1 id="portal-signin-title">{t('portal.signin.title')}</h1>
      {notice && <p className="notice" role="alert">{notice}</p>}
      {sent ? (
        <>
          <p ref={sentRef} tabIndex={-1} role="status" className="portal-sent">{t('portal.signin.sent', { email: sent })}</p>
          <button type="button" onClick={() => { setSent(null); setEmail(''); }}>{t('portal.signin.again')}</button>
        </>
      ) : (
        <form onSubmit={submit} className="portal-form">
          <p className="muted">{t('portal.signin.intro')}</p>
          <label>
            {t('portal.signin.email')}
            <input
              type="email" name="email" autoComplete="email" required value={email}
              onChange={(e) => setEmail(e.target.value)} autoFocus={autoFocus}
            />
          </label>
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit" className="primary" disabled={busy}>{busy ? t('portal.signin.sending') : t('portal.signin.submit')}</button>
        </form>
      )}
    </section>
  );
}
