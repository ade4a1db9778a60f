// Bulk actions on the selected tickets: POST /tickets/bulk (up to 100 a request, each ticket with its
// version; answered per ticket), then a summary.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';
import { Field } from './Field.tsx';
import { useSession } from '../../common/session.tsx';
import { viewCountsKey } from '../shell/queries.ts';
import type { Group, User } from './lookups.ts';
import { PRIORITIES, STATUSES, type Ticket } from './types.ts';
import { listKey } from './useTicketList.ts';

type Action = 'assign' | 'status' | 'priority' | 'group' | 'tag';
const ACTIONS: Action[] = ['assign', 'status', 'priority', 'group', 'tag'];
const TAG = /^[\p{L}\p{N}_:.-]{1,50}$/u;
export type BulkResult = { done: number; conflicts: string[]; failed: string[] };
type BulkItem = { ref: string; ok: true } | { ref: string; ok: false; status: number; code: string; detail: string };

export function BulkBar({ tickets, users, groups, onDone }: { tickets: Ticket[]; users: User[]; groups: Group[]; onDone: (ok: Set<string>, r: BulkResult | null) => void }) {
  const t = useT();
  const { me } = useSession();
  const qc = useQueryClient();
  const [action, setAction] = useState<Action>('status');
  const [value, setValue] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  function body(): Record<string, unknown> | null {
    switch (action) {
      case 'assign': return { assigneeId: value === 'none' ? null : value === 'me' ? me.id : value };
      case 'status': return { status: value };
      case 'priority': return { priority: value };
      case 'group': return { groupId: value === 'none' ? null : value };
      case 'tag': return TAG.test(value.trim().toLowerCase()) ? { addTags: [value.trim().toLowerCase()] } : null;
    }
  }

  async function apply(e: FormEvent) {
    e.preventDefault();
    const b = body();
    if (!b) { setError(t('list.bulk.badTag')); return; }
    setError(null);
    const r: BulkResult = { done: 0, conflicts: [], failed: [] };
    const ok = new Set<string>();
    setProgress({ done: 0, total: tickets.length });
    for (let i = 0; i < tickets.length; i += 100) {
      const chunk = tickets.slice(i, i + 100);
      try {
        const res = await post<{ items: BulkItem[] }>('/api/v1/tickets/bulk', { items: chunk.map((x) => ({ ref: x.id, version: x.version })), set: b });
        res.items.forEach((it, k) => {
          const x = chunk[k];
          if (it.ok) { r.done++; ok.add(x.id); }
          else if (it.status === 412) r.conflicts.push(x.number);
          else r.failed.push(`${x.number} (${it.detail})`);
        });
      } catch (err) {
        for (const x of chunk) r.failed.push(`${x.number} (${err instanceof Error ? err.message : String(err)})`);
      }
      setProgress({ done: Math.min(i + 100, tickets.length), total: tickets.length });
    }
    setProgress(null);
    await Promise.all([qc.invalidateQueries({ queryKey: listKey }), qc.invalidateQueries({ queryKey: viewCountsKey })]);
    onDone(ok, r);
  }

  const choose = <option value="">{t('list.bulk.choose')}</option>;
  return (
    <div className="list-bulk" role="region" aria-label={t('list.bulk')}>
      <form onSubmit={apply}>
        <strong>{t('list.selected', { n: tickets.length })}</strong>
        <Field label={t('list.bulk.action')}>{(id) => (
          <select id={id} value={action} onChange={(e) => { setAction(e.target.value as Action); setValue(''); }}>
            {ACTIONS.map((a) => <option key={a} value={a}>{t(`list.bulk.${a}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('list.bulk.value')}>{(id) => (action === 'tag' ? (
          <input id={id} type="text" value={value} onChange={(e) => setValue(e.target.value)} required size={12} />
        ) : (
          <select id={id} value={value} onChange={(e) => setValue(e.target.value)} required>
            {choose}
            {action === 'assign' && <><option value="me">{t('list.me')}</option><option value="none">{t('list.unassigned')}</option>
              {users.filter((u) => u.role !== 'light_agent').map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}</>}
            {action === 'status' && STATUSES.filter((s) => s !== 'closed').map((s) => <option key={s} value={s}>{t(`list.status.${s}`)}</option>)}
            {action === 'priority' && PRIORITIES.map((s) => <option key={s} value={s}>{t(`list.priority.${s}`)}</option>)}
            {action === 'group' && <><option value="none">{t('list.noGroup')}</option>
              {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}</>}
          </select>
        ))}</Field>
        <button type="submit" className="primary" disabled={!!progress || !value}>{t('list.bulk.apply')}</button>
        <button type="button" onClick={() => onDone(new Set(tickets.map((x) => x.id)), null)}>{t('list.clearSelection')}</button>
      </form>
      {(progress || error) && (
        <p className="list-bulk-progress">
          {progress && t('list.bulk.working', { done: progress.done, total: progress.total })}
          {error && <span className="error">{error}</span>}
        </p>
      )}
    </div>
  );
}

/** The summary of the last bulk run (in the page's live region). */
export function BulkSummary({ r }: { r: BulkResult }) {
  const t = useT();
  return (
    <>
      <span>{t('list.bulk.done', { n: r.done })}</span>
      {r.conflicts.length > 0 && <span className="error"> {t('list.bulk.conflicts', { list: r.conflicts.join(', ') })}</span>}
      {r.failed.length > 0 && <span className="error"> {t('list.bulk.failed', { list: r.failed.join('; ') })}</span>}
    </>
  );
}
