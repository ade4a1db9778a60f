// A message body: plain text by default (with the analyzer's evidence highlighted), or the
// e-mail HTML inside a sandboxed iframe (no scripts, no same-origin). Message HTML never enters
// the app document. Remote images stay blocked until the agent asks for them.
import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../../common/i18n.tsx';
import type { MessageT } from './types.ts';

type Range = { start: number; end: number; codes: string[] };

/** Evidence ranges merged where they overlap, clamped to the text. */
export function evidenceRanges(m: MessageT): Range[] {
  const len = m.bodyText.length;
  const raw: Range[] = [];
  for (const d of m.analysis?.details ?? []) {
    for (const e of d.evidence) {
      const start = Math.max(0, Math.min(len, e.start));
      const end = Math.max(start, Math.min(len, e.end));
      if (end > start) raw.push({ start, end, codes: [d.code] });
    }
  }
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Range[] = [];
  for (const r of raw) {
    const last = out[out.length - 1];
    if (last && r.start < last.end) {
      last.end = Math.max(last.end, r.end);
      for (const c of r.codes) if (!last.codes.includes(c)) last.codes.push(c);
    } else out.push({ ...r, codes: [...r.codes] });
  }
  return out;
}

function Highlighted({ text, ranges, label }: { text: string; ranges: Range[]; label: (c: string) => string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  ranges.forEach((r, i) => {
    if (r.start > at) parts.push(text.slice(at, r.start));
    const title = r.codes.map(label).join(', ');
    parts.push(<mark key={i} className="tk-evidence" title={title} data-signal={r.codes.join(' ')}>{text.slice(r.start, r.end)}</mark>);
    at = r.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <div className="tk-text">{parts}</div>;
}

const REMOTE = /\sdata-remote-src=/g;

/** The iframe document: the stored (sanitized) HTML, a base target, nothing executable. */
function srcdoc(html: string, images: boolean): string {
  const body = images ? html.replace(REMOTE, ' src=') : html;
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>${body}</body></html>`;
}

export function MessageBody({ m }: { m: MessageT }) {
  const t = useT();
  const [html, setHtml] = useState(false);
  const [images, setImages] = useState(false);
  const [tall, setTall] = useState(false);
  const ranges = useMemo(() => evidenceRanges(m), [m]);
  // plain text replies are stored as <p>/<br> only: nothing more to see in the HTML view
  const rich = /<(?!\/?(p|br)\b)[a-z]/i.test(m.bodyHtml) || (!m.bodyText && !!m.bodyHtml);
  const hasRemote = /\sdata-remote-src=/.test(m.bodyHtml);
  const doc = useMemo(() => (html ? srcdoc(m.bodyHtml, images) : ''), [html, images, m.bodyHtml]);
  const text = m.bodyText || (m.bodyHtml ? t('ticket.msg.htmlOnly') : '');
  return (
    <div className="tk-body">
      {html ? (
        <iframe
          className={tall ? 'tk-frame tall' : 'tk-frame'}
          sandbox=""
          referrerPolicy="no-referrer"
          title={t('ticket.msg.htmlTitle')}
          srcDoc={doc}
        />
      ) : (
        <Highlighted text={text} ranges={ranges} label={(c) => t(`ticket.signal.${c}`)} />
      )}
      {rich && (
        <div className="tk-body-tools">
          <button type="button" className="tk-link" aria-pressed={html} onClick={() => setHtml(!html)}>
            {html ? t('ticket.msg.textView') : t('ticket.msg.htmlView')}
          </button>
          {html && (
            <button type="button" className="tk-link" onClick={() => setTall(!tall)}>{tall ? t('ticket.msg.shrink') : t('ticket.msg.expand')}</button>
          )}
          {html && hasRemote && !images && (
            <button type="button" className="tk-link" onClick={() => setImages(true)}>{t('ticket.msg.showImages')}</button>
          )}
        </div>
      )}
    </div>
  );
}
