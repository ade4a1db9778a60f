// @mentions in internal notes: typing "@" plus a name offers agents (GET /api/v1/users?q=);
// picking one writes "@Name" into the note (rich editor or plain textarea) and reports the agent,
// whose id goes with the note as `mentions` while "@Name" is still in the text.
import { forwardRef, useEffect, useImperativeHandle, useState, type KeyboardEvent, type RefObject } from 'react';
import type { z } from 'zod';
import type { User } from '../../../../api/people.ts';
import { get, qs } from '../../common/api.ts';
import { useT } from '../../common/i18n.tsx';

type Agent = z.infer<typeof User>;
export type Mention = { id: string; name: string };
export type MentionsHandle = { check: () => void; close: () => void; onKeyDown: (e: KeyboardEvent) => boolean };
/** where the "@query" is: a text node of the rich editor, or a range of the textarea's value */
type At = { node: Text | null; start: number; end: number; query: string };

const AT = /(?:^|[\s\u00a0(])@([\p{L}\p{N}._-]{0,40})$/u;

type Props = {
  id: string;
  editor: RefObject<HTMLDivElement | null>;
  area?: RefObject<HTMLTextAreaElement | null>;
  plain?: boolean;
  onInserted: () => void;
  onPicked?: (m: Mention) => void;
};

/** The mentions still written in the text ("@Name"), each once. */
export function mentionsIn(text: string, picked: Mention[]): string[] {
  const flat = text.replace(/\u00a0/g, ' ');
  return [...new Set(picked.filter((m) => flat.includes(`@${m.name}`)).map((m) => m.id))];
}

export const Mentions = forwardRef<MentionsHandle, Props>(function Mentions({ id, editor, area, plain, onInserted, onPicked }, ref) {
  const t = useT();
  const [at, setAt] = useState<At | null>(null);
  const [items, setItems] = useState<Agent[] | null>(null);
  const [active, setActive] = useState(0);
  const input = () => (plain ? area?.current : editor.current) ?? null;

  const query = at?.query ?? null;
  useEffect(() => {
    if (query === null) { setItems(null); return; }
    let live = true;
    const timer = setTimeout(() => {
      get<{ items: Agent[] }>(`/api/v1/users${qs({ q: query || undefined, active: 'true', limit: 8 })}`)
        .then((r) => { if (live) { setItems(r.items); setActive(0); } })
        .catch(() => { if (live) setItems([]); });
    }, 150);
    return () => { live = false; clearTimeout(timer); };
  }, [query]);

  useEffect(() => {
    const el = plain ? area?.current : editor.current;
    if (!el) return;
    const open = !!at && items !== null;
    if (open) el.setAttribute('aria-controls', id);
    else el.removeAttribute('aria-controls');
    if (open && items.length) el.setAttribute('aria-activedescendant', `${id}-${active}`);
    else el.removeAttribute('aria-activedescendant');
  }, [at, items, active, id, editor, area, plain]);

  const pick = (a: Agent) => {
    if (!at) return;
    const { node, start, end } = at;
    const text = `@${a.name}\u00a0`;
    const ta = area?.current;
    if (plain && ta) {
      ta.setRangeText(`@${a.name} `, start, end, 'end');
      ta.focus();
    } else if (node) {
      node.replaceData(start, end - start, text);
      const r = document.createRange();
      r.setStart(node, start + text.length);
      r.collapse(true);
      const sel = document.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(r);
    }
    setAt(null);
    onPicked?.({ id: a.id, name: a.name });
    onInserted();
  };

  useImperativeHandle(ref, () => ({
    check: () => {
      const ta = area?.current;
      if (plain) {
        if (!ta || ta.selectionStart !== ta.selectionEnd) { setAt(null); return; }
        const m = AT.exec(ta.value.slice(0, ta.selectionStart));
        if (!m) { setAt(null); return; }
        setAt({ node: null, start: ta.selectionStart - m[1]!.length - 1, end: ta.selectionStart, query: m[1]! });
        return;
      }
      const sel = document.getSelection();
      const n = sel?.anchorNode;
      if (!sel || !sel.isCollapsed || !n || n.nodeType !== Node.TEXT_NODE || !editor.current?.contains(n)) { setAt(null); return; }
      const before = (n.textContent ?? '').slice(0, sel.anchorOffset);
      const m = AT.exec(before);
      if (!m) { setAt(null); return; }
      setAt({ node: n as Text, start: sel.anchorOffset - m[1]!.length - 1, end: sel.anchorOffset, query: m[1]! });
    },
    close: () => setAt(null),
    onKeyDown: (e) => {
      if (!at || !items?.length) {
        if (at && e.key === 'Escape') { setAt(null); return true; }
        return false;
      }
      if (e.key === 'ArrowDown') setActive((i) => (i + 1) % items.length);
      else if (e.key === 'ArrowUp') setActive((i) => (i - 1 + items.length) % items.length);
      else if (e.key === 'Enter' || e.key === 'Tab') pick(items[active]!);
      else if (e.key === 'Escape') setAt(null);
      else return false;
      e.preventDefault();
      return true;
    },
  }));

  if (!at || items === null || !input()) return null;
  return (
    <ul id={id} className="reply-mentions" role="listbox" aria-label={t('reply.mentions')}>
      {items.length === 0 && <li className="muted" role="presentation">{t('reply.noAgents')}</li>}
      {items.map((a, i) => (
        <li key={a.id} id={`${id}-${i}`} role="option" aria-selected={i === active} className={i === active ? 'is-active' : undefined}
          onMouseDown={(e) => { e.preventDefault(); pick(a); }}>
          {a.name} <span className="muted">{a.email}</span>
        </li>
      ))}
    </ul>
  );
});
