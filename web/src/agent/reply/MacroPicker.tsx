// Macros: pick one, apply it on the ticket (its actions run on the server) and put its rendered
// body (variables resolved) into the draft for editing.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { ApplyMacroResult, Macro } from '../../../../api/macros.ts';
import { get, post } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';

type M = z.infer<typeof Macro>;
type Applied = z.infer<typeof ApplyMacroResult>;

type Props = { id: string; ticketRef: string; ticketVersion: number; onBody: (html: string) => void; onTicketChanged: () => void; onError: (e: unknown) => void };

export function MacroPicker({ id, ticketRef, ticketVersion, onBody, onTicketChanged, onError }: Props) {
  const t = useT();
  const qc = useQueryClient();
  const [sel, setSel] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const macros = useQuery({ queryKey: ['reply', 'macros'], queryFn: () => get<{ items: M[] }>('/api/v1/macros?limit=200'), staleTime: 60_000 });
  const items = macros.data?.items ?? [];
  if (!macros.isLoading && !items.length) return null;

  const apply = async () => {
    const m = items.find((x) => x.id === sel);
    if (!m) return;
    setBusy(true);
    setNote(null);
    try {
      const r = await post<Applied>(`/api/v1/tickets/${encodeURIComponent(ticketRef)}/macros/${m.id}/apply`, { version: ticketVersion, send: false });
      if (r.body) onBody(r.body);
      const parts = [t('reply.macroApplied', { name: m.name })];
      if (r.unknownVariables.length) parts.push(t('reply.macroUnknown', { list: r.unknownVariables.join(', ') }));
      setNote(parts.join('. '));
      setSel('');
      // the macro may have changed the ticket (status, tags, assignee): let the page refetch it
      void qc.invalidateQueries({ predicate: (q) => JSON.stringify(q.queryKey).includes(ticketRef) });
      onTicketChanged();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="reply-macros">
      <label htmlFor={id} className="visually-hidden">{t('reply.macro')}</label>
      <select id={id} value={sel} onChange={(e) => setSel(e.target.value)} disabled={busy}>
        <option value="">{t('reply.macroNone')}</option>
        {items.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
      </select>
      <button type="button" onClick={apply} disabled={!sel || busy}>{t('reply.macroApply')}</button>
      {note && <span className="muted" role="status">{note}</span>}
    </div>
  );
}
