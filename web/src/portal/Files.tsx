// Files picked for a reply or a new request: each uploads at once; the ids go with the message.
import { useId, useState } from 'react';
import { ApiError, csrfToken } from '../common/api.ts';
import { useLang, useT } from '../common/i18n.tsx';
import { sizeText } from './Conversation.tsx';
import { errorText } from './hooks.ts';
import type { Attachment } from './types.ts';

const MAX_MB = 25;

async function uploadFile(file: File): Promise<Attachment> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' };
  const csrf = csrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/v1/portal/attachments?filename=${encodeURIComponent(file.name)}`, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  const data = await res.json().catch(() => null) as (Attachment & { code?: string; detail?: string }) | null;
  if (!res.ok) throw new ApiError(res.status, data?.code ?? `http_${res.status}`, data?.detail ?? res.statusText, data);
  return data as Attachment;
}

export type FilesState = { items: Attachment[]; busy: number };

export function useFiles() {
  const [state, setState] = useState<FilesState>({ items: [], busy: 0 });
  return { state, setState, ids: state.items.map((a) => a.id), reset: () => setState({ items: [], busy: 0 }) };
}

export function FilePicker({ files }: { files: ReturnType<typeof useFiles> }) {
  const t = useT();
  const { lang } = useLang();
  const id = useId();
  const [errors, setErrors] = useState<string[]>([]);
  const { state, setState } = files;

  async function pick(list: FileList | null) {
    if (!list?.length) return;
    const picked = Array.from(list);
    setErrors([]);
    setState((s) => ({ ...s, busy: s.busy + picked.length }));
    await Promise.all(picked.map(async (f) => {
      try {
        const a = await uploadFile(f);
        setState((s) => ({ items: [...s.items, a], busy: s.busy - 1 }));
      } catch (e) {
        setErrors((x) => [...x, t('portal.files.failed', { name: f.name, message: errorText(e) })]);
        setState((s) => ({ ...s, busy: s.busy - 1 }));
      }
    }));
  }

  return (
    <div className="portal-filepick">
      <label htmlFor={id}>{t('portal.files.label')}</label>
      <input
        id={id} type="file" multiple aria-describedby={`${id}-hint`}
        onChange={(e) => { void pick(e.target.files); e.target.value = ''; }}
      />
      <span id={`${id}-hint`} className="muted">{t('portal.files.hint', { mb: MAX_MB })}</span>
      <div aria-live="polite">
        {state.busy > 0 && <p className="muted" role="status">{t('common.loading')}</p>}
        {errors.map((e, i) => <p key={i} className="error" role="alert">{e}</p>)}
      </div>
      {state.items.length > 0 && (
        <ul>
          {state.items.map((a) => (
            <li key={a.id}>
              <span>{a.filename} <span className="muted">({sizeText(a.size, lang)})</span></span>
              <button type="button" onClick={() => setState((s) => ({ ...s, items: s.items.filter((x) => x.id !== a.id) }))}>
                {t('portal.files.remove', { name: a.filename })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
