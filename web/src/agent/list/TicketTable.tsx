// The virtualized ticket grid: only the rows in sight (plus a few) are in the DOM, pages load as
// the user scrolls, j/k/Enter/x work, and a refetch keeps the row at the top of the view in place.
import { Link, useNavigate } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type MouseEvent } from 'react';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { ignoreKey } from '../shell/keys.ts';
import { badges, type Ticket } from './types.ts';

export const ROW_H = 40;

type Props = {
  items: Ticket[];
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  canSelect: boolean;
  selected: Set<string>;
  setSelected: (s: Set<string>) => void;
  activeId: string | null;
  setActiveId: (id: string | null) => void;
  userName: Map<string, string>;
  groupName: Map<string, string>;
};

export function TicketTable(p: Props) {
  const t = useT();
  const { lang } = useLang();
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const lastClicked = useRef<number | null>(null);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const { items } = p;
  const v = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  const virtual = v.getVirtualItems();

  // more pages as the end comes near
  const lastIndex = virtual.length ? virtual[virtual.length - 1].index : -1;
  useEffect(() => {
    if (p.hasMore && !p.loadingMore && lastIndex >= items.length - 30) p.loadMore();
  }, [lastIndex, items.length, p.hasMore, p.loadingMore, p.loadMore]);

  // keep the first visible ticket where it was when rows are inserted above it
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const a = anchor.current;
    if (!el || !a || el.scrollTop === 0) return;
    const i = items.findIndex((x) => x.id === a.id);
    if (i < 0) return;
    const want = i * ROW_H + a.offset;
    if (Math.abs(el.scrollTop - want) > 1) el.scrollTop = want;
  }, [items]);
  const onScroll = () => {
    const el = scrollRef.current!;
    const i = Math.floor(el.scrollTop / ROW_H);
    anchor.current = items[i] ? { id: items[i].id, offset: el.scrollTop - i * ROW_H } : null;
  };

  const o = useRef(p);
  o.current = p;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoreKey(e)) return;
      const { items: list, activeId, setActiveId, selected, setSelected, canSelect } = o.current;
      if (!list.length) return;
      const cur = activeId ? list.findIndex((x) => x.id === activeId) : -1;
      const move = (i: number) => {
        const n = Math.max(0, Math.min(list.length - 1, i));
        setActiveId(list[n].id);
        v.scrollToIndex(n, { align: 'auto' });
      };
      const target = e.target as HTMLElement;
      const free = target === document.body || (gridRef.current?.contains(target) && !/^(A|BUTTON|INPUT)$/.test(target.tagName));
      if (e.key === 'j' || (e.key === 'ArrowDown' && free)) { e.preventDefault(); move(cur + 1); }
      else if (e.key === 'k' || (e.key === 'ArrowUp' && free)) { e.preventDefault(); move(cur < 0 ? 0 : cur - 1); }
      else if ((e.key === 'Enter' || e.key === 'o') && free && cur >= 0) {
        e.preventDefault();
        void navigate({ to: '/tickets/$ref', params: { ref: list[cur].number } });
      } else if (e.key === 'x' && canSelect && cur >= 0) {
        e.preventDefault();
        const s = new Set(selected);
        if (s.has(list[cur].id)) s.delete(list[cur].id); else s.add(list[cur].id);
        lastClicked.current = cur;
        setSelected(s);
      } else if (e.key === 'A' && canSelect) {
        e.preventDefault();
        setSelected(new Set(list.map((x) => x.id)));
      } else if (e.key === 'Escape' && selected.size) {
        setSelected(new Set());
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate, v]);

  function toggle(i: number, e: MouseEvent) {
    const s = new Set(p.selected);
    const id = items[i].id;
    if (e.shiftKey && lastClicked.current !== null) {
      const [a, b] = [Math.min(lastClicked.current, i), Math.max(lastClicked.current, i)];
      for (let k = a; k <= b; k++) s.add(items[k].id);
    } else if (s.has(id)) s.delete(id);
    else s.add(id);
    lastClicked.current = i;
    p.setActiveId(id);
    p.setSelected(s);
  }

  const allSelected = items.length > 0 && items.every((x) => p.selected.has(x.id));
  const cols = p.canSelect ? 'list-grid with-select' : 'list-grid';
  const active = p.activeId ? items.findIndex((x) => x.id === p.activeId) : -1;
  return (
    <div ref={gridRef} role="grid" className="list-table" aria-label={t('list.table')} aria-rowcount={p.hasMore ? -1 : items.length + 1}
      aria-multiselectable={p.canSelect || undefined} aria-activedescendant={active >= 0 ? `list-row-${items[active].id}` : undefined} tabIndex={0}>
      <div role="rowgroup" className="list-head">
        <div role="row" aria-rowindex={1} className={cols}>
          {p.canSelect && (
            <div role="columnheader" className="list-check">
              <input type="checkbox" aria-label={t('list.selectAll')} checked={allSelected}
                onChange={() => p.setSelected(allSelected ? new Set() : new Set(items.map((x) => x.id)))} />
            </div>
          )}
          {(['number', 'subject', 'requester', 'status', 'priority', 'score', 'assignee', 'group', 'updated', 'badges'] as const).map((c) => (
            <div role="columnheader" key={c} className={`list-c-${c}`}>{t(`list.col.${c}`)}</div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="list-scroll" onScroll={onScroll} role="rowgroup">
        <div className="list-inner" style={{ height: v.getTotalSize() }}>
          {virtual.map((r) => {
            const x = items[r.index];
            const sel = p.selected.has(x.id);
            return (
              <div key={x.id} id={`list-row-${x.id}`} role="row" aria-rowindex={r.index + 2} aria-selected={p.canSelect ? sel : undefined}
                className={`${cols} list-row${r.index === active ? ' active' : ''}${sel ? ' selected' : ''}`}
                style={{ transform: `translateY(${r.start}px)` }}
                onClick={(e) => {
                  if (e.shiftKey && p.canSelect && !(e.target as HTMLElement).closest('a,input')) toggle(r.index, e);
                  else p.setActiveId(x.id);
                }}>
                {p.canSelect && (
                  <div role="gridcell" className="list-check">
                    <input type="checkbox" aria-label={t('list.select', { number: x.number })} checked={sel} onChange={() => {}}
                      onClick={(e) => toggle(r.index, e)} />
                  </div>
                )}
                <div role="gridcell" className="list-c-number">{x.number}</div>
                <div role="gridcell" className="list-c-subject">
                  <Link to="/tickets/$ref" params={{ ref: x.number }} tabIndex={r.index === active ? 0 : -1}>{x.subject}</Link>
                </div>
                <div role="gridcell" className="list-c-requester">{x.requester.name}</div>
                <div role="gridcell" className="list-c-status"><span className={`list-status s-${x.status}`}>{t(`list.status.${x.status}`)}</span></div>
                <div role="gridcell" className={`list-c-priority p-${x.priority}`}>{t(`list.priority.${x.priority}`)}</div>
                <div role="gridcell" className="list-c-score">{x.priorityScore}</div>
                <div role="gridcell" className="list-c-assignee">{x.assigneeId ? (p.userName.get(x.assigneeId) ?? '…') : <span className="muted">{t('list.unassigned')}</span>}</div>
                <div role="gridcell" className="list-c-group">{x.groupId ? (p.groupName.get(x.groupId) ?? '…') : ''}</div>
                <div role="gridcell" className="list-c-updated" title={formatDateTime(x.updatedAt, lang)}>{formatRelative(x.updatedAt, lang)}</div>
                <div role="gridcell" className="list-c-badges" title={badges(x).map((b) => t(`list.badge.${b.kind}`)).join(', ')}>
                  {badges(x).map((b) => (
                    <span key={b.kind} className={`badge ${b.tone}`} title={b.title}>{t(`list.badge.${b.kind}`)}</span>
                  ))}
                </div>
              </div>
            );
          })}
        </div>
        {p.loadingMore && <p className="list-more muted">{t('list.loadingMore')}</p>}
      </div>
    </div>
  );
}
