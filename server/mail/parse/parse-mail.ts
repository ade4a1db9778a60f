// One mail from raw bytes to ParsedMail. Runs inside a parse worker (parse.worker.ts); the pool adds
// the time budget and the memory cap. Order: structural pre-scan (limits) → charset repair of the raw
// bytes → mailparser → our own fields (ids, loop headers, DSN, folding, sanitizing, attachments).
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { cleanContentType, cleanFilename } from '../../modules/attachments/attachments.service.ts';
import { htmlToText, textToHtml } from '../../modules/tickets/html.ts';
import type { Address, ParsedAttachment, ParsedMail, ParseLimits, ParseResult } from '../types.ts';
import { decodeAs, decodeTransfer, guessSingleByte, hasHighBytes, knownCharset, utf8Like, validUtf8 } from './charset.ts';
import { foldHtml, foldSignature, foldText, htmlSignature, splitQuotedHtml } from './quotes.ts';
import { sanitizeMailHtml } from './sanitize.ts';
import { header, param, parseHeaderBlock, scanMail, type Header, type ScanPart } from './scan.ts';

const MAX_ID = 500; // longer Message-IDs are forged; they would not fit an index either
const noNul = (s: string) => s.replace(/\u0000/g, ''); // PostgreSQL text and jsonb refuse NUL
const clean = (s: string, max = 1000) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim().slice(0, max);

export function msgIds(v: string | null): string[] {
  if (!v) return [];
  const bracketed = [...v.matchAll(/<([^<>]*)>/g)].map((m) => m[1]);
  const list = bracketed.length ? bracketed : v.split(/[\s,]+/);
  return list.map((s) => s.replace(/[\s\u0000-\u001f\u007f]/g, '')).filter((s) => s && s.length <= MAX_ID);
}

function addresses(a: AddressObject | AddressObject[] | undefined): Address[] {
  const flat = (list: EmailAddress[]): EmailAddress[] => list.flatMap((v) => (v.group ? flat(v.group) : [v]));
  return flat((Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value))
    .map((v) => ({ address: clean(v.address ?? '', 320).toLowerCase(), name: clean(v.name ?? '', 200) }))
    .filter((v) => /^[^\s@<>]+@[^\s@<>]+$/.test(v.address));
}

function parseDate(v: string | null): string | null {
  if (!v) return null;
  const t = Date.parse(v.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** RFC 2047 encoded words (UTF-8, base64), split on character boundaries. */
function encodeWords(value: string): string {
  const words: string[] = [];
  let cur = '';
  for (const ch of value) {
    if (Buffer.byteLength(cur + ch) > 45) {
      words.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur) words.push(cur);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

type Patch = { start: number; end: number; data: Buffer };

/** Rewrites header blocks that are not utf-8 and text parts whose charset is missing, wrong or unknown. */
function repair(raw: Buffer, parts: ScanPart[], warnings: string[]): Buffer {
  const patches: Patch[] = [];
  for (const p of parts) {
    const block = raw.subarray(p.headerStart, p.headerEnd);
    let text: string | null = null;
    let enc: 'latin1' | 'utf8' = 'latin1';
    if (hasHighBytes(block) && !validUtf8(block)) {
      const cs = guessSingleByte(block);
      text = decodeAs(block, cs);
      enc = 'utf8';
      warnings.push(`8-bit headers are not utf-8; decoded as ${cs}`);
    }
    if (p === parts[0] && hasHighBytes(block)) {
      // mailparser trims a trailing U+00A0 off raw 8-bit header bytes, which breaks a subject ending in "Р" (D0 A0).
      const s = text ?? block.toString('utf8');
      const re = /^subject[ \t]*:(.*(?:\r?\n[ \t].*)*)/im;
      const m = re.exec(s);
      if (m && /[^\x00-\x7f]/.test(m[1]) && !m[1].includes('=?')) {
        const value = m[1].replace(/\r?\n(?=[ \t])/g, '').replace(/\r$/, '').trim();
        text = s.replace(re, () => `Subject: ${encodeWords(value)}${m[0].endsWith('\r') ? '\r' : ''}`);
        enc = 'utf8';
      }
    }
    const textual = !p.container && !p.attachment && (p.type === 'text/plain' || p.type === 'text/html');
    if (textual) {
      const fixed = bodyCharset(raw, p, warnings);
      if (fixed) {
        const value = `${(p.contentType || 'text/plain').replace(/;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/gi, '')}; charset=${fixed}`.replace(/[\r\n]/g, ' ');
        const s = text ?? block.toString('latin1');
        const re = /^content-type[ \t]*:[^\n]*(\n|$)(?:[ \t][^\n]*(\n|$))*/im;
        text = re.test(s) ? s.replace(re, () => `Content-Type: ${value}\r\n`) : `Content-Type: ${value}\r\n${s}`;
      }
    }
    if (text != null) patches.push({ start: p.headerStart, end: p.headerEnd, data: Buffer.from(text, enc) });
  }
  if (!patches.length) return raw;
  const out: Buffer[] = [];
  let pos = 0;
  for (const pt of patches.sort((a, b) => a.start - b.start)) {
    out.push(raw.subarray(pos, pt.start), pt.data);
    pos = pt.end;
  }
  out.push(raw.subarray(pos));
  return Buffer.concat(out);
}

/** The charset to declare instead, or null when the declared one is fine. */
function bodyCharset(raw: Buffer, p: ScanPart, warnings: string[]): string | null {
  const declared = p.charset;
  const body = decodeTransfer(raw.subarray(p.bodyStart, p.bodyEnd), p.cte);
  if (!hasHighBytes(body)) {
    if (declared && !utf8Like(declared) && !knownCharset(declared)) {
      warnings.push(`unknown charset ${clean(declared, 40)}; decoded as utf-8`);
      return 'utf-8';
    }
    return null;
  }
  if (declared && !utf8Like(declared) && knownCharset(declared)) return null;
  const valid = validUtf8(body);
  const cs = valid ? 'utf-8' : guessSingleByte(body);
  const what = !declared ? 'no charset' : utf8Like(declared) ? `declared ${clean(declared, 40)} but invalid` : `unknown charset ${clean(declared, 40)}`;
  if (valid && (!declared || utf8Like(declared))) return null; // utf-8 (or no charset) and valid: nothing to do
  warnings.push(`${what}; decoded as ${cs}`);
  return cs;
}

function dsnOf(raw: Buffer, parts: ScanPart[]): ParsedMail['dsn'] {
  // only the mail itself being a report: a customer forwarding a bounce as an attachment is a person asking
  const top = parts[0];
  const report = top && top.type === 'multipart/report' && /^delivery-status$/i.test(param(top.contentType, 'report-type') ?? '');
  if (!report) return { isDsn: false, action: null, status: null, originalMessageId: null };
  const status = parts.find((p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status');
  const fields = status ? decodeTransfer(raw.subarray(status.bodyStart, status.bodyEnd), status.cte).toString('utf8') : '';
  const field = (name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.+)$`, 'im').exec(fields)?.[1].trim() ?? null;
  let original = msgIds(field('Original-Message-ID'))[0] ?? null;
  if (!original) {
    const idx = parts.findIndex((p) => p.type === 'message/rfc822' || p.type === 'message/global' || p.type === 'text/rfc822-headers' || p.type === 'message/rfc822-headers');
    const p = parts[idx];
    let hs: Header[] = [];
    if (p?.container) hs = parts[idx + 1]?.headers ?? [];
    else if (p) {
      const body = decodeTransfer(raw.subarray(p.bodyStart, p.bodyEnd), p.cte);
      hs = parseHeaderBlock(body, 0, Math.min(body.length, 256 * 1024));
    }
    original = msgIds(header(hs, 'message-id'))[0] ?? null;
  }
  return { isDsn: true, action: field('Action')?.toLowerCase().slice(0, 40) ?? null, status: field('Status')?.match(/\d\.\d{1,3}\.\d{1,3}/)?.[0] ?? null, originalMessageId: original };
}

export async function parseMail(input: Buffer, limits: ParseLimits): Promise<ParseResult> {
  const t0 = performance.now();
  const scan = scanMail(input, limits);
  if (!scan.ok) return scan;
  const top = scan.parts[0].headers;
  const warnings: string[] = [];
  const raw = repair(input, scan.parts, warnings);

  let m;
  try {
    m = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, keepCidLinks: true });
  } catch (e) {
    return { ok: false, code: 'parse_failed', reason: clean(String((e as Error)?.message ?? e), 300) };
  }
  for (const a of m.attachments) {
    if (a.size > limits.maxAttachmentBytes) return { ok: false, code: 'attachment_too_large', reason: `an attachment of ${a.size} bytes, over ${limits.maxAttachmentBytes}` };
  }

  const h = (name: string) => {
    const v = header(top, name);
    return v == null ? null : clean(v);
  };
  const subject = clean(m.subject ?? '');
  const inReplyTo = msgIds(header(top, 'in-reply-to'));
  const references = msgIds(header(top, 'references')).slice(-100);
  const isReply = inReplyTo.length > 0 || references.length > 0 || /^\s*(re|aw|sv|ответ)\s*(\[\d+\])?\s*:/i.test(subject);

  const rawHtml = typeof m.html === 'string' ? m.html : '';
  const textPart = (m.text ?? '').replace(/\r\n?/g, '\n');
  let html: string, text: string, visible: string, quoted: string;
  if (rawHtml) {
    html = sanitizeMailHtml(foldHtml(rawHtml));
    text = textPart.trim() ? textPart.trim() : htmlToText(html);
    if (textPart.trim()) ({ visible, quoted } = foldText(textPart, isReply));
    else {
      const split = splitQuotedHtml(html, htmlToText);
      const f = foldText(split.visible, isReply);
      visible = f.visible;
      quoted = [f.quoted, split.quoted].filter(Boolean).join('\n\n');
      if (!visible.trim()) ({ visible, quoted } = { visible: text, quoted: '' });
    }
    const sig = htmlSignature(rawHtml);
    if (sig) ({ visible, quoted } = foldSignature({ visible, quoted }, htmlToText(sig)));
  } else {
    text = textPart.trim();
    ({ visible, quoted } = foldText(textPart, isReply));
    html = textToHtml(visible) + (quoted ? `<div data-slovo-quoted="1">${textToHtml(quoted)}</div>` : '');
  }

  const blobs = new Map<string, Buffer>();
  const htmlLower = m.attachments.some((a) => a.cid || a.contentId) ? rawHtml.toLowerCase() : '';
  const attachments: ParsedAttachment[] = m.attachments.map((a) => {
    const sha256 = createHash('sha256').update(a.content).digest('hex');
    blobs.set(sha256, a.content);
    const cid = clean(a.cid ?? a.contentId ?? '', MAX_ID).replace(/^<|>$/g, '') || null;
    return {
      sha256, size: a.content.length, filename: cleanFilename(a.filename ?? ''), contentType: cleanContentType(a.contentType ?? ''),
      contentId: cid, inline: !!cid && htmlLower.includes(`cid:${cid.toLowerCase()}`),
    };
  });

  const deliveredTo = [...new Set(top.filter((x) => x.name === 'delivered-to' || x.name === 'x-original-to')
    .map((x) => clean(x.value, 320).replace(/^<|>$/g, '').toLowerCase()).filter((v) => v.includes('@')))];

  const mail: ParsedMail = {
    messageId: msgIds(header(top, 'message-id'))[0] ?? null,
    inReplyTo, references,
    from: addresses(m.from)[0] ?? null,
    replyTo: addresses(m.replyTo)[0] ?? null,
    sender: addresses(m.headers.get('sender') as AddressObject | undefined)[0] ?? null,
    to: addresses(m.to), cc: addresses(m.cc),
    deliveredTo, subject, date: parseDate(header(top, 'date')),
    html: noNul(html), text: noNul(text), visibleText: noNul(visible).trim(), quotedText: noNul(quoted).trim(), attachments,
    loop: {
      autoSubmitted: h('auto-submitted'), precedence: h('precedence'),
      xAutoreply: h('x-autoreply') ?? h('x-autorespond'), // X-Auto-Response-Suppress asks us not to answer; it is no auto-reply
      listId: h('list-id'), listUnsubscribe: h('list-unsubscribe'), returnPath: h('return-path'),
      xSlovoLoop: h('x-slovo-loop'), xSlovoProbe: h('x-slovo-probe'),
    },
    dsn: dsnOf(input, scan.parts),
    charsetWarnings: [...new Set(warnings)],
    parseMs: 0,
  };
  mail.parseMs = Math.round((performance.now() - t0) * 10) / 10;
  return { ok: true, mail, blobs: [...blobs].map(([sha256, data]) => ({ sha256, data })) };
}
