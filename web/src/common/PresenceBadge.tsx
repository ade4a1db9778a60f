// "Анна просматривает" / "Борис пишет ответ": the other agents on a ticket (collision detection).
// Use with usePresence: <PresenceBadge present={usePresence(ref, 'viewing')} />
import './live.messages.ts';
import './live.css';
import { useT } from './i18n.tsx';
import type { Present } from './live.ts';

export function PresenceBadge({ present, exceptUserId }: { present: Present[]; exceptUserId?: string }) {
  const t = useT();
  const list = present.filter((p) => p.userId !== exceptUserId);
  return (
    <div className="live-presence" role="status" aria-live="polite" aria-label={t('live.presence.label')}>
      {list.map((p) => (
        <span key={p.userId} className={`live-presence-item ${p.state === 'replying' ? 'live-replying' : 'live-viewing'}`}>
          {t(`live.presence.${p.state}`, { name: p.name })}
        </span>
      ))}
    </div>
  );
}
