// Global search `/search?q=`: full-text hits with highlighted snippets, keyset "show more".
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { SearchHit as SearchHitSchema } from '../../../../api/search.ts';
import { get, qs } from '../../common/api.ts';
import { formatDateTime, formatRelative, useLang, useT } from '../../common/i18n.tsx';
import { Snippet } from './snippet.tsx';
import './search.css';

type Hit = z.infer<typeof SearchHitSchema>;
type Sort = 'updated' | 'relevance';

export default function SearchPage() {
  const t = useT();
  const { lang } = useLang();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const q = search.q === undefined || search.q === null ? '' : String(search.q).trim();
  const sort: Sort = search.sort === 'relevance' ? 'relevance' : 'updated';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const go = (nq: string, ns: Sort) => void navigate({ to: '/search', search: (ns === 'updated' ? { q: nq } : { q: nq, sort: ns }) as never });

  const res = useInfiniteQuery({
    queryKey: ['search', q, sort],
    queryFn: ({ pageParam, signal }) => get<{ items: Hit[]; nextCursor: string | null }>(`/api/v1/search${qs({ q, sort, limit: 25, cursor: pageParam })}`, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.length > 0,
  });
  const hits = res.data?.pages.flatMap((p) => p.items) ?? [];

  function submit(e: FormEvent) {
    e.preventDefault();
    if (draft.trim()) go(draft.trim(), sort);
  }
  return (
    <main className="page search-page">
      <h1>{q ? t('search.results', { q }) : t('search.title')}</h1>
      <form role="search" className="search-form" onSubmit={submit}>
        <label>{t('shell.search')}
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={500} autoFocus={!q} />
        </label>
        <label>{t('search.sort')}
          <select value={sort} onChange={(e) => q && go(q, e.target.value as Sort)}>
            <option value="updated">{t('search.sort.updated')}</option>
            <option value="relevance">{t('search.sort.relevance')}</option>
          </select>
        </label>
        <button type="submit" className="primary">{t('search.title')}</button>
      </form>
      <p role="status" className="muted">
        {!q ? t('search.prompt') : res.isSuccess ? (hits.length ? t('search.found', { n: hits.length }) : t('search.none', { q })) : ''}
      </p>
      {res.isError && <p role="alert" className="error">{t('search.error', { message: res.error.message })}</p>}
      {res.isPending && q && <p className="loading">{t('common.loading')}</p>}
      <ol className="search-hits">
        {hits.map((h) => (
          <li key={h.ticket.id} className="search-hit">
            <div className="search-hit-head">
              <span className="search-number">{h.ticket.number}</span>
              <Link to="/tickets/$ref" params={{ ref: h.ticket.number }} className="search-subject">{h.ticket.subject}</Link>
              <span className={`list-status s-${h.ticket.status}`}>{t(`list.status.${h.ticket.status}`)}</span>
            </div>
            <p className="search-snippet"><Snippet html={h.snippet} /></p>
            <p className="search-meta muted">
              {h.ticket.requester.name} · <span title={formatDateTime(h.ticket.updatedAt, lang)}>{formatRelative(h.ticket.updatedAt, lang)}</span>
            </p>
          </li>
        ))}
      </ol>
      {res.hasNextPage && (
        <button type="button" onClick={() => void res.fetchNextPage()} disabled={res.isFetchingNextPage}>
          {res.isFetchingNextPage ? t('common.loading') : t('search.loadMore')}
        </button>
      )}
    </main>
  );
}
