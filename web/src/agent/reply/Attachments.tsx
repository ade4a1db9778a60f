// Files for the reply: picked or dropped, uploaded at once (POST /api/v1/attachments, the file
// as the body), sent by id with the message.
import { useRef, useState } from 'react';
import { api, ApiError } from '../../common/api.ts';
import { useLang, useT } from '../../common/i18n.tsx';
import type { Attachment } from './draft.ts';

export function formatSize(n: number, lang: string): string {
  const units = lang === 'ru' ? ['Б', 'КБ', 'МБ', 'ГБ'] : ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}

export function useUploads(onAdded: (a: Attachment) => void) {
  const t = useT();
  const [busy, setBusy] = useState<string[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const upload = async (files: FileList | File[]) => {
    setErrors([]);
    for (const f of Array.from(files)) {
      setBusy((b) => [...b, f.name]);
      try {
        const a = await api<Attachment>('POST', `/api/v1/attachments?filename=${encodeURIComponent(f.name)}`, { raw: f });
        onAdded(a);
      } catch (e) {
        const msg = e instanceof ApiError ? e.message : String(e);
        setErrors((x) => [...x, t('reply.uploadFailed', { name: f.name, error: msg })]);
      } finally {
        setBusy((b) => { const i = b.indexOf(f.name); return i < 0 ? b : [...b.slice(0, i), ...b.slice(i + 1)]; });
      }
    }
  };
  return { busy, errors, upload };
}

type Props = { id: string; items: Attachment[]; busy: string[]; errors: string[]; onPick: (files: FileList) => void; onRemove: (id: string) => void };

export function Attachments({ id, items, busy, errors, onPick, onRemove }: Props) {
  const t = useT();
  const { lang } = useLang();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="reply-attachments">
      <input id={id} ref={input} type="file" multiple className="visually-hidden" tabIndex={-1} aria-hidden="true"
        onChange={(e) => { if (e.target.files?.length) onPick(e.target.files); e.target.value = ''; }} />
      <button type="button" className="reply-attach" onClick={() => input.current?.click()}>
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
          <path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7" />
        </svg>
        {t('reply.attach')}
      </button>
      {(items.length > 0 || busy.length > 0) && (
        <ul aria-label={t('reply.attachments')} className="reply-files">
          {items.map((a) => (
            <li key={a.id}>
              <span className="reply-file-name">{a.filename}</span> <span className="muted">{formatSize(a.size, lang)}</span>
              <button type="button" className="reply-file-remove" onClick={() => onRemove(a.id)} aria-label={t('reply.remove', { name: a.filename })}>×</button>
            </li>
          ))}
          {busy.map((n, i) => <li key={`busy-${i}`} className="muted">{t('reply.uploading', { name: n })}</li>)}
        </ul>
      )}
      {errors.map((e, i) => <p key={i} className="error" role="alert">{e}</p>)}
    </div>
  );
}
