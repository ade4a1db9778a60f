// Folding quoted history and signatures: what the sender wrote now versus what was there before.
// Plain text: cut at attribution lines, "Original Message" separators, Outlook header blocks, ">" blocks,
// the "-- " signature delimiter and our own reply marker. HTML: wrap the quote containers of the common
// clients (Gmail, Outlook, Apple Mail, Thunderbird, Yandex, Mail.ru) in <div data-slovo-quoted="1">.
import render from 'dom-serializer';
import { Element, type ChildNode, type ParentNode } from 'domhandler';
import { findOne, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';

const MARKER = /##-[^#\n]{3,80}-##/;
const ORIGINAL = /^\s*-{2,}\s*(original message|исходное сообщение|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}\s*$/i;
const FORWARD = /^\s*(-{2,}\s*(forwarded message|пересылаемое сообщение|перенаправленное сообщение|переслано пользователем)\s*-{2,}|begin forwarded message:)\s*$/i;
const OUTLOOK_FROM = /^\s*\*?(from|от|von|de)\s*:\*?\s+\S/i;
const OUTLOOK_NEXT = /^\s*\*?(sent|date|отправлено|дата|gesendet|envoyé|enviado)\s*:/i;
const SEPARATOR = /^\s*(_{5,}|-{5,})\s*$/;
const SIGNATURE = /^--\s?$/;
const WROTE = /\b(wrote|writes|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$|(пишет|написал|написала|написал\(а\))\s*:\s*$/i;
const EMAIL_COLON = /<?[^\s<>"]+@[^\s<>"]+>?\s*:\s*$/; // Yandex, Mail.ru, Gmail (ru): "..., Иван <a@b>:"
const TIME = /\b\d{1,2}:\d{2}\b/;
const STARTS_LIKE_ATTRIBUTION = /^\s*(on|le|am|el|il|op)\s|^\s*\d|^\s*(пн|вт|ср|чт|пт|сб|вс|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)\b/i;

/** "On Mon, 1 Dec 2026 at 10:00, X <a@b> wrote:" and the like, in one line. */
export function isAttribution(line: string): boolean {
  const l = line.trim();
  if (!l.endsWith(':') || l.length > 400) return false;
  if (WROTE.test(l)) return /\d|@/.test(l);
  return TIME.test(l) && EMAIL_COLON.test(l);
}

const isQuote = (l: string) => /^\s*>/.test(l);
const blank = (l: string) => !l.trim();

/** The index where the folded part starts, or lines.length. */
function cutIndex(lines: string[], isReply: boolean): number {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (FORWARD.test(l)) return isReply ? i : lines.length; // a fresh forward: the forwarded mail is the content
    if (MARKER.test(l) || ORIGINAL.test(l) || SIGNATURE.test(l)) return i;
    if (isAttribution(l)) return i;
    // Gmail and others wrap a long attribution over two or three lines.
    if (STARTS_LIKE_ATTRIBUTION.test(l) && !isQuote(l)) {
      for (let k = 1; k <= 2 && i + k < lines.length; k++) {
        if (blank(lines[i + k])) break;
        if (isAttribution(lines.slice(i, i + k + 1).join(' '))) return i;
      }
    }
    if (OUTLOOK_FROM.test(l) && lines.slice(i + 1, i + 5).some((n) => OUTLOOK_NEXT.test(n))) return i;
  }
  return lines.length;
}

export function foldText(text: string, isReply: boolean): { visible: string; quoted: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = cutIndex(lines, isReply);
  // A ">" block right before the cut (or at the end) belongs to the folded part.
  let j = cut;
  while (j > 0 && (blank(lines[j - 1]) || isQuote(lines[j - 1]))) j--;
  if (lines.slice(j, cut).some(isQuote)) cut = j;
  // The separator line above an Outlook block or a quote.
  let k = cut;
  while (k > 0 && blank(lines[k - 1])) k--;
  if (k > 0 && SEPARATOR.test(lines[k - 1])) cut = k - 1;
  // A bottom-posted reply: the ">" block above the new text is history too. Interleaved answers
  // (quote, answer, quote, answer) keep their quotes: the answers make no sense without them.
  const head = lines.slice(0, cut);
  let blocks = 0;
  for (let i = 0; i < head.length; i++) if (isQuote(head[i]) && (i === 0 || !isQuote(head[i - 1]))) blocks++;
  const quotedHead = blocks === 1 ? head.filter(isQuote) : [];
  const visible = head.filter((l) => blocks !== 1 || !isQuote(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const quoted = [...quotedHead, ...(quotedHead.length && cut < lines.length ? [''] : []), ...lines.slice(cut)].join('\n').trim();
  if (!visible) return { visible: text.trim(), quoted: '' }; // nothing new: show it all rather than nothing
  return { visible, quoted };
}

// --- HTML ---

const cls = (e: Element) => ` ${e.attribs.class ?? ''} `.toLowerCase();
const id = (e: Element) => (e.attribs.id ?? '').toLowerCase();

function quoteStart(e: Element): boolean {
  const c = cls(e);
  if (/ (gmail_quote|gmail_quote_container|moz-cite-prefix|yahoo_quoted|outlookmessageheader) /.test(c)) return true;
  if (/(^|_)divrplyfwdmsg$/.test(id(e)) || id(e) === 'appendonsend') return true;
  if (e.name === 'blockquote' && ((e.attribs.type ?? '').toLowerCase() === 'cite' || attributionStart(e))) return true;
  return e.children.some((n) => n.type === 'text' && MARKER.test(n.data));
}

const prevElement = (n: ChildNode): Element | null => {
  let p = n.prev;
  while (p && !(p instanceof Element)) {
    if (p.type === 'text' && p.data.trim()) return null;
    p = p.prev;
  }
  return p;
};

function prevAttribution(e: Element): Element | null {
  const p = prevElement(e);
  if (!p) return null;
  const t = textContent(p).replace(/\s+/g, ' ').trim();
  return t && isAttribution(t) ? p : null;
}

const INLINE = new Set(['a', 'b', 'strong', 'i', 'em', 'u', 'span', 'font', 'small', 'big', 'tt', 'code', 'sub', 'sup', 'abbr', 'cite', 'q', 'mark']);

/** Where the attribution line of a blockquote starts: the element before it, or the inline line before it. */
function attributionStart(e: Element): ChildNode | null {
  const prev = prevAttribution(e);
  if (prev) return prev;
  // Mail.ru: "Понедельник, ... от X &lt;<a>a@b</a>&gt;:<br>&nbsp;<blockquote>": the inline nodes after the last <br>.
  let n = e.prev;
  while (n && !textContent(n).trim() && !(n instanceof Element && !INLINE.has(n.name) && n.name !== 'br')) n = n.prev;
  const line: ChildNode[] = [];
  for (; n && line.length < 20; n = n.prev) {
    if (n instanceof Element && !INLINE.has(n.name)) break;
    line.unshift(n);
  }
  const text = line.map((x) => textContent(x)).join('').replace(/\s+/g, ' ').trim();
  return line.length && isAttribution(text) ? line[0] : null;
}

const blankNode = (n: ChildNode) => !textContent(n).trim() && !(n instanceof Element && (n.name === 'img' || findOne((e) => e.name === 'img', n.children, true)));
const TOP = new Set(['body', 'html']);

/** Wraps the first quote container and everything after it in a data-slovo-quoted div. */
export function foldHtml(html: string): string {
  const doc = parseDocument(html);
  const start = findOne(quoteStart, doc.children, true);
  if (!start || !start.parent) return html;
  let first: ChildNode = start;
  if (start.name === 'blockquote') first = attributionStart(start) ?? start;
  // Outlook: <div id="appendonsend"></div><hr> before divRplyFwdMsg.
  for (let p = prevElement(first); p && (p.name === 'hr' || (id(p) === 'appendonsend')); p = prevElement(p)) first = p;
  // Climb while nothing visible precedes us inside the parent, so later siblings of the parent fold too.
  for (;;) {
    const parent = first.parent;
    if (!(parent instanceof Element) || TOP.has(parent.name)) break;
    const before = parent.children.slice(0, parent.children.indexOf(first));
    if (!before.every(blankNode)) break;
    first = parent;
  }
  const parent = first.parent as ParentNode;
  const from = parent.children.indexOf(first);
  const moved = parent.children.slice(from);
  const wrap = new Element('div', { 'data-slovo-quoted': '1' }, moved);
  for (const n of moved) n.parent = wrap;
  for (let i = 0; i < moved.length; i++) {
    moved[i].prev = moved[i - 1] ?? null;
    moved[i].next = moved[i + 1] ?? null;
  }
  parent.children.splice(from, moved.length, wrap);
  wrap.parent = parent;
  wrap.prev = parent.children[from - 1] ?? null;
  if (wrap.prev) wrap.prev.next = wrap;
  wrap.next = null;
  return render(doc);
}

// --- signatures the HTML marks (Gmail, Thunderbird, Outlook on the web, Apple Mail) ---

function isSignature(e: Element): boolean {
  const c = cls(e);
  if (/ (gmail_signature|x_gmail_signature|moz-signature) /.test(c)) return true;
  return /^(x_)?signature$|^applemailsignature$/.test(id(e));
}

/** The HTML of the first signature container the sender's client marked, if any. */
export function htmlSignature(html: string): string | null {
  const doc = parseDocument(html);
  const sig = findOne(isSignature, doc.children, true);
  return sig ? render(sig) : null;
}

const squash = (s: string) => s.replace(/^\s*--\s*$/gm, '').replace(/\s+/g, ' ').trim();

/** The marked signature's text ends the visible text: it is folded (moved to the front of the quoted part),
 *  unless nothing would be left. Outlook and Apple Mail put no "-- " line before it, in text or HTML. */
export function foldSignature(folded: { visible: string; quoted: string }, signature: string): { visible: string; quoted: string } {
  const want = squash(signature);
  if (!want || want.length > 2000) return folded;
  const lines = folded.visible.split('\n');
  for (let i = lines.length - 1, len = 0; i > 0 && len <= want.length + 8; i--) {
    len += lines[i].length + 1;
    if (squash(lines.slice(i).join('\n')) !== want) continue;
    const visible = lines.slice(0, i).join('\n').trim();
    if (!visible) return folded;
    return { visible, quoted: [lines.slice(i).join('\n').trim(), folded.quoted].filter(Boolean).join('\n\n') };
  }
  return folded;
}

/** Splits display HTML into the text before the data-slovo-quoted div and the text inside it. */
export function splitQuotedHtml(html: string, toText: (html: string) => string): { visible: string; quoted: string } {
  const doc = parseDocument(html);
  const q = findOne((e) => e.attribs['data-slovo-quoted'] === '1', doc.children, true);
  if (!q || !q.parent) return { visible: toText(html), quoted: '' };
  const quoted = toText(render(q));
  const siblings = (q.parent as ParentNode).children;
  siblings.splice(siblings.indexOf(q), 1);
  return { visible: toText(render(doc)), quoted };
}
