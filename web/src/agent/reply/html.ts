// HTML helpers of the reply editor: a small allow-list sanitizer for what enters the editor
// (paste, restored drafts, macro bodies; the server sanitizes again), and text/range utilities.
const KEEP = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'UL', 'OL', 'LI', 'A', 'P', 'BR', 'DIV', 'SPAN', 'BLOCKQUOTE']);
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'SVG', 'MATH', 'HEAD', 'TITLE', 'META', 'LINK', 'NOSCRIPT']);

export function safeHref(href: string | null): string | null {
  if (!href) return null;
  const h = href.trim();
  return /^(https?:|mailto:)/i.test(h) ? h : null;
}

/**
 * on* attribute names inside tags renamed before parsing: they would never run (dropped below,
 * and the CSP forbids them), but Chromium reports a CSP violation as soon as it parses one.
 */
const defuse = (html: string) => html.replace(/<[^>]*>/g, (tag) => tag.replace(/([\s/"'])on([a-z-]*\s*=)/gi, '$1x-on$2'));

/** Allow-listed copy of the HTML (parsed inert: nothing runs, nothing loads). */
export function sanitizeHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${defuse(html)}</body>`, 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const copy = (from: Node, to: Node) => {
    for (const n of Array.from(from.childNodes)) {
      if (n.nodeType === Node.TEXT_NODE) to.appendChild(out.createTextNode(n.textContent ?? ''));
      else if (n.nodeType === Node.ELEMENT_NODE) {
        const el = n as Element;
        if (DROP.has(el.tagName)) continue;
        if (!KEEP.has(el.tagName)) { copy(el, to); continue; } // unwrap unknown tags, keep their text
        const c = out.createElement(el.tagName === 'SPAN' ? 'span' : el.tagName.toLowerCase());
        if (el.tagName === 'A') {
          const href = safeHref(el.getAttribute('href'));
          if (href) c.setAttribute('href', href);
        }
        to.appendChild(c);
        copy(el, c);
      }
    }
  };
  const root = out.createElement('div');
  copy(doc.body, root);
  return root.innerHTML;
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Plain text as editor HTML (lines become <br>). */
export const textToHtml = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

const BLOCKS = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'BLOCKQUOTE']);

/** Editor HTML as plain text: blocks and <br> become line breaks. */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${defuse(html)}</body>`, 'text/html');
  let out = '';
  const walk = (n: Node) => {
    for (const c of Array.from(n.childNodes)) {
      if (c.nodeType === Node.TEXT_NODE) out += c.textContent ?? '';
      else if (c.nodeType === Node.ELEMENT_NODE) {
        const tag = (c as Element).tagName;
        if (tag === 'BR') { out += '\n'; continue; }
        const block = BLOCKS.has(tag);
        if (block && out && !out.endsWith('\n')) out += '\n';
        if (tag === 'LI') out += '• ';
        walk(c);
        if (block && !out.endsWith('\n')) out += '\n';
      }
    }
  };
  walk(doc.body);
  return out.replace(/\u00a0/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
}

/** True when the editor HTML has no visible text. */
export function isBlank(html: string): boolean {
  const d = new DOMParser().parseFromString(html, 'text/html');
  return !(d.body.textContent ?? '').replace(/\u00a0/g, ' ').trim();
}

/** Text nodes under root with their start offsets in the joined text. */
function textIndex(root: Node) {
  const nodes: { node: Text; start: number }[] = [];
  let text = '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push({ node: n as Text, start: text.length });
    text += n.textContent ?? '';
  }
  return { nodes, text };
}

function pointAt(nodes: { node: Text; start: number }[], offset: number, end: boolean) {
  for (let i = 0; i < nodes.length; i++) {
    const { node, start } = nodes[i]!;
    const len = node.length;
    if (offset < start + len || (end && offset === start + len) || i === nodes.length - 1) return { node, offset: Math.min(offset - start, len) };
  }
  return null;
}

/**
 * Ranges in the editor for quoted phrases (the coach's evidence). Offsets from the server are
 * into its plain-text version of the draft; the nearest occurrence of the phrase wins.
 */
export function phraseRanges(root: Node, phrases: { text: string; start: number }[]): Range[] {
  const { nodes, text } = textIndex(root);
  const lower = text.toLowerCase();
  const ranges: Range[] = [];
  for (const p of phrases) {
    const needle = p.text.toLowerCase();
    if (!needle.trim()) continue;
    let best = -1;
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) {
      if (best < 0 || Math.abs(i - p.start) < Math.abs(best - p.start)) best = i;
    }
    if (best < 0) continue;
    const a = pointAt(nodes, best, false);
    const b = pointAt(nodes, best + needle.length, true);
    if (!a || !b) continue;
    const r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    ranges.push(r);
  }
  return ranges;
}
