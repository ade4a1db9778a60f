// The draft editor: contentEditable with a small toolbar (bold, italic, list, link), or a plain
// textarea. Uncontrolled (React never rewrites the text while typing, so the caret stays put);
// the parent gets every change and drives it through the handle. Flagged phrases are shown with
// the CSS Custom Highlight API (no DOM changes), @mentions through <Mentions>.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useT } from '../../common/i18n.tsx';
import { escapeHtml, htmlToText, isBlank, phraseRanges, safeHref, sanitizeHtml } from './html.ts';
import { Mentions, type Mention, type MentionsHandle } from './Mentions.tsx';

export type EditorHandle = {
  /** Replace the whole content (restore, clear, mode switch). */
  setContent: (content: string) => void;
  /** Insert HTML at the caret (or at the end when the caret is elsewhere). */
  insertHtml: (html: string) => void;
  focus: () => void;
};

type Props = {
  id: string;
  plain: boolean;
  note: boolean;
  label: string;
  placeholder: string;
  initial: string;
  phrases: { text: string; start: number }[];
  onChange: (content: string) => void;
  onSubmit: () => void;
  onFocusChange: (focused: boolean) => void;
  /** an agent picked from the @mention list (notes) */
  onMention?: (m: Mention) => void;
};

const HIGHLIGHT = 'reply-flag';

export const Editor = forwardRef<EditorHandle, Props>(function Editor(p, ref) {
  const t = useT();
  const div = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const saved = useRef<Range | null>(null);
  const mentions = useRef<MentionsHandle>(null);
  const [blank, setBlank] = useState(() => (p.plain ? !p.initial.trim() : isBlank(p.initial)));
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkUrl, setLinkUrl] = useState('https://');
  const [linkErr, setLinkErr] = useState(false);
  const [pressed, setPressed] = useState({ bold: false, italic: false, list: false });

  const emit = useCallback(() => {
    const v = p.plain ? area.current?.value ?? '' : div.current?.innerHTML ?? '';
    setBlank(p.plain ? !v.trim() : isBlank(v));
    p.onChange(p.plain ? v : isBlank(v) ? '' : v);
  }, [p]);

  // first content (a restored draft) once per mode; later changes come from typing or the handle
  useLayoutEffect(() => {
    if (p.plain) { if (area.current) area.current.value = p.initial; }
    else if (div.current) div.current.innerHTML = sanitizeHtml(p.initial);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.plain]);

  const inEditor = (r: Range | null) => !!r && !!div.current && div.current.contains(r.commonAncestorContainer);
  const currentRange = () => {
    const sel = document.getSelection();
    return sel && sel.rangeCount ? sel.getRangeAt(0) : null;
  };

  useImperativeHandle(ref, () => ({
    setContent: (c) => {
      if (p.plain) { if (area.current) area.current.value = c; }
      else if (div.current) div.current.innerHTML = sanitizeHtml(c);
      setBlank(p.plain ? !c.trim() : isBlank(c));
    },
    insertHtml: (html) => {
      if (p.plain) {
        const a = area.current;
        if (!a) return;
        const text = htmlToText(html);
        a.setRangeText(text, a.selectionStart, a.selectionEnd, 'end');
      } else {
        const el = div.current;
        if (!el) return;
        el.focus();
        const r = currentRange();
        if (!inEditor(r)) {
          const end = document.createRange();
          end.selectNodeContents(el);
          end.collapse(false);
          document.getSelection()?.removeAllRanges();
          document.getSelection()?.addRange(end);
        }
        document.execCommand('insertHTML', false, sanitizeHtml(html));
      }
      emit();
    },
    focus: () => (p.plain ? area.current : div.current)?.focus(),
  }), [p.plain, emit]);

  // flagged phrases: highlighted in place, recomputed when the flags or the text change
  useEffect(() => {
    const reg = typeof CSS !== 'undefined' ? CSS.highlights : undefined;
    if (!reg || typeof Highlight === 'undefined') return;
    if (p.plain || !div.current || !p.phrases.length) { reg.delete(HIGHLIGHT); return; }
    reg.set(HIGHLIGHT, new Highlight(...phraseRanges(div.current, p.phrases)));
    return () => { reg.delete(HIGHLIGHT); };
  });

  const refreshPressed = useCallback(() => {
    if (p.plain || !inEditor(currentRange())) return;
    setPressed({ bold: document.queryCommandState('bold'), italic: document.queryCommandState('italic'), list: document.queryCommandState('insertUnorderedList') });
  }, [p.plain]);
  useEffect(() => {
    document.addEventListener('selectionchange', refreshPressed);
    return () => document.removeEventListener('selectionchange', refreshPressed);
  }, [refreshPressed]);

  const exec = (cmd: string) => {
    div.current?.focus();
    document.execCommand(cmd);
    emit();
    refreshPressed();
  };

  const openLink = () => {
    const r = currentRange();
    saved.current = inEditor(r) ? r!.cloneRange() : null;
    setLinkUrl('https://');
    setLinkErr(false);
    setLinkOpen(true);
  };
  const applyLink = () => {
    const href = safeHref(linkUrl);
    if (!href || href === 'https://') { setLinkErr(true); return; }
    const el = div.current!;
    el.focus();
    const sel = document.getSelection();
    if (saved.current && sel) { sel.removeAllRanges(); sel.addRange(saved.current); }
    if (!saved.current || saved.current.collapsed) document.execCommand('insertHTML', false, `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`);
    else document.execCommand('createLink', false, href);
    setLinkOpen(false);
    emit();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mentions.current?.onKeyDown(e)) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); p.onSubmit(); }
  };
  const onPaste = (e: React.ClipboardEvent) => {
    if (p.plain) return;
    e.preventDefault();
    const html = e.clipboardData.getData('text/html');
    const text = e.clipboardData.getData('text/plain');
    document.execCommand('insertHTML', false, html ? sanitizeHtml(html) : escapeHtml(text).replace(/\r?\n/g, '<br>'));
    emit();
  };
  const onInput = () => {
    emit();
    if (p.note) mentions.current?.check();
  };

  return (
    <div className="reply-editor">
      {!p.plain && (
        <div className="reply-toolbar" role="toolbar" aria-label={t('reply.toolbar')}>
          <button type="button" aria-pressed={pressed.bold} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('bold')} title={t('reply.bold')} aria-label={t('reply.bold')}><b>B</b></button>
          <button type="button" aria-pressed={pressed.italic} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('italic')} title={t('reply.italic')} aria-label={t('reply.italic')}><i>I</i></button>
          <button type="button" aria-pressed={pressed.list} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('insertUnorderedList')} title={t('reply.list')} aria-label={t('reply.list')}>•≡</button>
          <button type="button" aria-expanded={linkOpen} onMouseDown={(e) => e.preventDefault()} onClick={openLink} title={t('reply.link')} aria-label={t('reply.link')}>
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              <path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1" /><path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1" />
            </svg>
          </button>
        </div>
      )}
      {linkOpen && (
        <div className="reply-link" role="group" aria-label={t('reply.link')}>
          <label>{t('reply.linkUrl')}
            <input type="url" value={linkUrl} autoFocus onChange={(e) => { setLinkUrl(e.target.value); setLinkErr(false); }}
              onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); applyLink(); } if (e.key === 'Escape') setLinkOpen(false); }} />
          </label>
          <button type="button" onClick={applyLink}>{t('reply.linkApply')}</button>
          <button type="button" onClick={() => { setLinkOpen(false); div.current?.focus(); }}>{t('reply.linkCancel')}</button>
          {linkErr && <span className="error" role="alert">{t('reply.linkBad')}</span>}
        </div>
      )}
      {p.plain ? (
        <textarea id={p.id} ref={area} className="reply-input reply-plain" aria-label={p.label} placeholder={p.placeholder}
          aria-haspopup={p.note ? 'listbox' : undefined}
          onInput={onInput} onKeyDown={onKeyDown} onKeyUp={(e) => { if (p.note && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) mentions.current?.check(); }}
          onFocus={() => p.onFocusChange(true)} onBlur={() => { p.onFocusChange(false); mentions.current?.close(); }} rows={6} />
      ) : (
        <div id={p.id} ref={div} className={`reply-input reply-rich${blank ? ' is-blank' : ''}`} contentEditable suppressContentEditableWarning
          role="textbox" aria-multiline="true" aria-label={p.label} data-placeholder={p.placeholder}
          aria-haspopup={p.note ? 'listbox' : undefined}
          onInput={onInput} onKeyDown={onKeyDown} onPaste={onPaste} onKeyUp={refreshPressed}
          onFocus={() => p.onFocusChange(true)} onBlur={() => { p.onFocusChange(false); mentions.current?.close(); }} />
      )}
      {p.note && <Mentions ref={mentions} id={`${p.id}-mentions`} editor={div} area={area} plain={p.plain} onInserted={emit} onPicked={p.onMention} />}
    </div>
  );
});
