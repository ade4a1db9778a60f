// The ticket list: `/` shows the first view (all tickets when there is none), `/views/$viewId` a view.
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { useLang, useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { useViews } from '../shell/queries.ts';
import { viewName, type View } from '../shell/types.ts';
import { BulkBar, BulkSummary, type BulkResult } from './BulkBar.tsx';
import { FiltersBar } from './FiltersBar.tsx';
import { useNames } from './lookups.ts';
import { TicketTable } from './TicketTable.tsx';
import { barFromSearch, barIsEmpty, barToSearch, EMPTY_BAR, effective, type Bar } from './types.ts';
import { useTicketList } from './useTicketList.ts';
import './list.css';

export default function ListPage() {
  const t = useT();
  const { viewId } = useParams({ strict: false });
  const views = useViews();
  if (views.isPending) return <p className="loading" role="status">{t('common.loading')}</p>;
  if (views.isError) {
    return <main className="page"><p role="alert" className="error">{t('list.error', { message: views.error.message })}</p>
      <button type="button" onClick={() => void views.refetch()}>{t('common.retry')}</button></main>;
  }
  const view = viewId ? views.data.find((v) => v.id === viewId) : views.data[0];
  if (viewId && !view) return <main className="page"><h1>{t('list.viewMissing')}</h1></main>;
  return <List key={view?.id ?? 'all'} view={view ?? null} />;
}

function List({ view }: { view: View | null }) {
  const t = useT();
  const { lang } = useLang();
  const { me } = useSession();
  const canSelect = can.write(me);
  // the bar's choices live in the URL: a filtered list can be reloaded, bookmarked and sent to a colleague
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const bar = useMemo(() => barFromSearch(search), [search]);
  const navigate = useNavigate();
  const setBar = (b: Bar) => void navigate({ to: '.', search: barToSearch(b), replace: true });
  const { filters, sort } = effective(view, bar);
  const source = { viewId: view?.id ?? null, plain: barIsEmpty(bar), filters, sort };
  const sourceKey = JSON.stringify(source);
  const list = useTicketList(source);
  const names = useNames();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [bulk, setBulk] = useState<BulkResult | null>(null);
  useEffect(() => setSelected(new Set()), [sourceKey]);
  const chosen = useMemo(() => list.items.filter((x) => selected.has(x.id)), [list.items, selected]);
  const title = view ? viewName(view, lang) : t('shell.allTickets');
  const n = list.items.length;

  return (
    <main className="list-page">
      <div className="list-top">
        <h1>{title}</h1>
        <p role="status" className="muted list-status-line">
          {list.isSuccess && n > 0 && t(list.hasNextPage ? 'list.loadedMore' : 'list.loaded', { n })}
        </p>
      </div>
      <FiltersBar bar={bar} setBar={setBar} users={names.users} groups={names.groups} filters={filters} sort={sort} />
      {canSelect && chosen.length > 0 && (
        <BulkBar tickets={chosen} users={names.users} groups={names.groups}
          onDone={(ok, r) => {
            setSelected(new Set([...selected].filter((id) => !ok.has(id))));
            setBulk(r);
          }} />
      )}
      <p role="status" aria-live="polite" className="list-bulk-result">{bulk && <BulkSummary r={bulk} />}</p>
      {list.isError ? (
        <div className="list-state" role="alert">
          <p className="error">{t('list.error', { message: list.error.message })}</p>
          <button type="button" onClick={() => void list.refetch()}>{t('common.retry')}</button>
        </div>
      ) : list.isPending ? (
        <p className="loading" role="status">{t('common.loading')}</p>
      ) : n === 0 ? (
        <div className="list-state">
          <p>{barIsEmpty(bar) ? t('list.empty') : t('list.emptyFiltered')}</p>
          {!barIsEmpty(bar) && <button type="button" onClick={() => setBar(EMPTY_BAR)}>{t('list.filter.reset')}</button>}
        </div>
      ) : (
        <TicketTable items={list.items} hasMore={!!list.hasNextPage} loadMore={list.fetchNextPage} loadingMore={list.isFetchingNextPage}
          canSelect={canSelect} selected={selected} setSelected={setSelected} activeId={activeId} setActiveId={setActiveId}
          userName={names.userName} groupName={names.groupName} />
      )}
    </main>
  );
}
