// The public conversation: plain text bodies (never HTML injected), attachments as downloads.
import { formatDateTime, useLang, useT } from '../common/i18n.tsx';
import type { Attachment, Message } from './types.ts';

export function sizeText(n: number, lang: string) {
  const unit = lang === 'ru' ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB'];
  if (n < 1024) return `${n} ${unit[0]}`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} ${unit[1]}`;
  return `${(n / 1024 / 1024).toFixed(1)} ${unit[2]}`;
}

export function AttachmentList({ items }: { items: Attachment[] }) {
  const t = useT();
  const { lang } = useLang();
  if (!items.length) return null;
  return (
    <ul className="portal-files" aria-label={t('portal.ticket.attachments')}>
      {items.map((a) => (
        <li key={a.id}>
          <a href={`/api/v1/attachments/${encodeURIComponent(a.id)}`} download={a.filename}>{a.filename}</a>
          <span className="muted"> ({sizeText(a.size, lang)})</span>
        </li>
      ))}
    </ul>
  );
}

/** requester: whose request it is; a colleague's (shared) request names them instead of "you". */
export function Conversation({ items, requester }: { items: Message[]; requester?: { name: string; mine: boolean } }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <ol className="portal-messages">
      {items.map((m) => {
        const who = m.author.type === 'customer' ? (requester && !requester.mine ? m.author.name ?? requester.name : t('portal.ticket.you'))
          : m.author.type === 'system' ? t('portal.ticket.system')
          : m.author.name ? `${m.author.name} · ${t('portal.ticket.support')}` : t('portal.ticket.support');
        return (
          <li key={m.id} className={`card portal-message portal-message-${m.author.type}`}>
            <div className="portal-message-head">
              <strong>{who}</strong>
              <time className="muted" dateTime={m.createdAt}>{formatDateTime(m.createdAt, lang)}</time>
            </div>
            <div className="portal-message-body">{m.bodyText}</div>
            <AttachmentList items={m.attachments} />
          </li>
        );
      })}
    </ol>
  );
}
