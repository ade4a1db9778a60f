// Beside the reply box: the coach's flags with the phrases it quotes and a concrete suggestion
// each (in the agent's UI language), then the promises it found, for confirmation.
import type { ReactNode } from 'react';
import { useLang, useT } from '../../shared/i18n.tsx';
import type { CoachResult } from './useCoach.ts';

type Props = {
  enabled: boolean;
  result: CoachResult | null;
  pending: boolean;
  failed: boolean;
  /** the locale the server wrote its suggestions in (the agent's profile locale) */
  serverLocale: string;
  children?: ReactNode;
};

export function CoachPanel({ enabled, result, pending, failed, serverLocale, children }: Props) {
  const t = useT();
  const { lang } = useLang();
  const flags = result?.flags ?? [];
  const hint = (code: string) => {
    const s = result?.suggestions.find((x) => x.code === code);
    // the server's hint when it speaks the UI language, else the same hint from our dictionary
    return s && serverLocale === lang ? s.text : t(`reply.hint.${code}`);
  };
  const phrases = (code: string) => result?.details.find((d) => d.code === code)?.evidence.map((e) => e.text) ?? [];

  return (
    <aside className="reply-coach" aria-label={t('reply.coach.title')}>
      <h3 className="reply-coach-title">
        {t('reply.coach.title')}
        {flags.length > 0 && <span className="badge warn">{t('reply.coach.flags', { n: flags.length })}</span>}
      </h3>
      <div aria-live="polite" className="reply-coach-status">
        {!enabled ? <p className="muted">{t('reply.coach.idle')}</p>
          : failed ? <p className="muted">{t('reply.coach.failed')}</p>
          : pending && !result ? <p className="muted">{t('reply.coach.checking')}</p>
          : result && !flags.length ? <p className="reply-coach-ok">{t('reply.coach.ok')}</p>
          : !result ? <p className="muted">{t('reply.coach.idle')}</p> : null}
      </div>
      {flags.length > 0 && (
        <ul className="reply-flags" aria-label={t('reply.coach.flags', { n: flags.length })}>
          {flags.map((code) => {
            const ph = phrases(code);
            return (
              <li key={code} className="reply-flag" data-flag={code}>
                <strong>{t(`reply.flag.${code}`)}</strong>
                {ph.length > 0 && (
                  <span className="reply-flag-phrases">{t('reply.coach.phrase', { list: ph.map((x) => (lang === 'ru' ? `«${x}»` : `“${x}”`)).join(', ') })}</span>
                )}
                <span className="reply-flag-hint">{hint(code)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {children}
    </aside>
  );
}
