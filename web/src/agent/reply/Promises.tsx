// Promises the coach found in the draft, for the agent to confirm before sending: due time and
// owner editable, or dropped. Confirmed ones go with the reply (AddMessageBody.promises).
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CoachPromise } from '../../../../api/analysis.ts';
import type { User } from '../../../../api/people.ts';
import { get } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { promiseKey, type PromiseEdit, type PromiseKind } from './draft.ts';

export type FoundPromise = z.infer<typeof CoachPromise>;
type Agent = z.infer<typeof User>;
export type PromiseRow = { key: string; text: string; edit: PromiseEdit; dueLocal: string; kind: PromiseKind };

const KINDS: PromiseKind[] = ['fix', 'callback', 'update', 'info', 'other'];

/** ISO time → the value of an <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export const fromLocalInput = (v: string): string | null => {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

export const isPast = (v: string) => { const iso = fromLocalInput(v); return !!iso && new Date(iso).getTime() <= Date.now(); };

/** A first guess at the kind from the words of the promise (the agent can change it). */
function guessKind(text: string): PromiseKind {
  const s = text.toLowerCase();
  if (/перезвон|позвон|call/.test(s)) return 'callback';
  if (/исправ|почин|устран|fix|resolve|repair/.test(s)) return 'fix';
  if (/сообщ|напиш|отпиш|информир|update|let you know|write/.test(s)) return 'update';
  if (/пришл|отправ|send/.test(s)) return 'info';
  return 'other';
}

export function promiseRows(found: FoundPromise[], edits: Record<string, PromiseEdit>): PromiseRow[] {
  const seen = new Set<string>();
  const rows: PromiseRow[] = [];
  for (const f of found) {
    const key = promiseKey(f.text);
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = edits[key] ?? {};
    rows.push({ key, text: f.text, edit, dueLocal: edit.dueLocal ?? toLocalInput(f.due), kind: edit.kind ?? guessKind(f.text) });
  }
  return rows;
}

type Props = { rows: PromiseRow[]; meId: string; onEdit: (key: string, patch: PromiseEdit) => void };

export function Promises({ rows, meId, onEdit }: Props) {
  const t = useT();
  const agents = useQuery({
    queryKey: ['reply', 'agents'],
    queryFn: () => get<{ items: Agent[] }>('/api/v1/users?role=agent,lead,admin&active=true&limit=200'),
    staleTime: 5 * 60_000,
    enabled: rows.length > 0,
  });
  const live = rows.filter((r) => !r.edit.dropped);
  const dropped = rows.length - live.length;
  if (!rows.length) return null;
  return (
    <section className="reply-promises" aria-label={t('reply.promise.title')}>
      <h4>{t('reply.promise.title')}</h4>
      <p className="muted">{t('reply.promise.hint')}</p>
      <ul>
        {live.map((r) => (
          <li key={r.key} className="reply-promise" data-confirmed={!!r.edit.confirmed}>
            <label className="reply-promise-confirm">
              <input type="checkbox" checked={!!r.edit.confirmed} onChange={(e) => onEdit(r.key, { confirmed: e.target.checked })}
                aria-label={t('reply.promise.confirm', { text: r.text })} />
              <span>{r.text}</span>
            </label>
            <div className="reply-promise-fields">
              <label>{t('reply.promise.due')}
                <input type="datetime-local" value={r.dueLocal} onChange={(e) => onEdit(r.key, { dueLocal: e.target.value })} />
              </label>
              <label>{t('reply.promise.owner')}
                <select value={r.edit.ownerId ?? meId} onChange={(e) => onEdit(r.key, { ownerId: e.target.value })}>
                  {!agents.data?.items.some((a) => a.id === meId) && <option value={meId}>—</option>}
                  {agents.data?.items.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
                </select>
              </label>
              <label>{t('reply.promise.kind')}
                <select value={r.kind} onChange={(e) => onEdit(r.key, { kind: e.target.value as PromiseKind })}>
                  {KINDS.map((k) => <option key={k} value={k}>{t(`reply.promise.kind.${k}`)}</option>)}
                </select>
              </label>
              <button type="button" onClick={() => onEdit(r.key, { dropped: true, confirmed: false })} aria-label={t('reply.promise.dropLabel', { text: r.text })}>
                {t('reply.promise.drop')}
              </button>
            </div>
            {!r.dueLocal && <p className="reply-promise-nodue">{t('reply.promise.noDue')}</p>}
            {isPast(r.dueLocal) && <p className="reply-promise-nodue">{t('reply.promise.past')}</p>}
          </li>
        ))}
      </ul>
      {dropped > 0 && (
        <button type="button" className="reply-linkish" onClick={() => rows.filter((r) => r.edit.dropped).forEach((r) => onEdit(r.key, { dropped: false }))}>
          {t('reply.promise.restore', { n: dropped })}
        </button>
      )}
    </section>
  );
}
