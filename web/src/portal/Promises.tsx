// What we promised on the request and what became of each promise, shown honestly.
import { formatDateTime, useLang, useT } from '../common/i18n.tsx';
import type { Promise_ } from './types.ts';

const CLASS: Record<Promise_['state'], string> = {
  open: 'badge', kept: 'badge ok', broken: 'badge danger', renegotiated: 'badge warn', cancelled: 'badge',
};

export function Promises({ items, now = Date.now() }: { items: Promise_[]; now?: number }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <section className="card portal-promises" aria-labelledby="portal-promises-title">
      <h2 id="portal-promises-title">{t('portal.promises.title')}</h2>
      {items.length === 0 ? <p className="muted">{t('portal.promises.none')}</p> : (
        <ul>
          {items.map((p, i) => {
            const late = p.state === 'open' && Date.parse(p.dueAt) < now;
            return (
              <li key={i} className={`portal-promise portal-promise-${p.state}`}>
                <span className="portal-promise-text">{p.text}</span>
                <span className="portal-promise-meta">
                  <time dateTime={p.dueAt}>{t('portal.promises.due', { due: formatDateTime(p.dueAt, lang) })}</time>
                  {' · '}
                  <span className={late ? 'badge danger' : CLASS[p.state]}>{late ? t('portal.promise.openLate') : t(`portal.promise.${p.state}`)}</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
