// Beside the reply box: the coach's flags with the phrases it quotes and a concrete suggestion
// each (the server's, asked in the agent's UI language), then the promises it found, for confirmation.
import type { ReactNode } from 'react';
import { useLang, useT } from '../../common/i18n.tsx';
import type { CoachResult } from './useCoach.ts';

type Props = {
  enabled: boolean;
  result: CoachResult | null;
  pending: boolean;
  failed: boolean;
  children?: ReactNode;
};

export function CoachPanel({ enabled, result, pending, failed, children }: Props) {
  const t = useT();
  const { lang } = useLang();
  const flags = result?.flags ?? [];
  // the server writes the hints in the language the box asked for (useCoach sends the UI language)
  const hint = (code: string) => result?.suggestions.find((x) => x.code === code)?.text ?? null;
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
                {hint(code) && <span className="reply-flag-hint">{hint(code)}</span>}
              </li>
            );
          })}
        </ul>
      )}
      {children}
    </aside>
  );
}
