// Parser pool (stub: in-process; the parse work replaces it with worker threads and limits).
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { htmlToText, sanitize, textToHtml } from '../../modules/tickets/html.ts';
import { DEFAULT_PARSE_LIMITS, type Address, type ParseLimits, type ParseResult } from '../types.ts';

export type ParsePool = { parse(raw: Buffer, limits?: Partial<ParseLimits>): Promise<ParseResult>; close(): Promise<void> };

const addrs = (a: AddressObject | AddressObject[] | undefined): Address[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).filter((v) => v.address).map((v) => ({ address: v.address!.toLowerCase(), name: v.name ?? '' }));
const ids = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.replace(/[<>]/g, '')).filter(Boolean);

export function createParsePool(_size = 1): ParsePool {
  return {
    async parse(raw, limits) {
      const l = { ...DEFAULT_PARSE_LIMITS, ...limits };
      if (raw.length > l.maxBytes) return { ok: false, code: 'too_large', reason: `over ${l.maxBytes} bytes` };
      const t0 = performance.now();
      try {
        const m = await simpleParser(raw);
        const h = (k: string) => { const v = m.headers.get(k); return v == null ? null : typeof v === 'string' ? v : JSON.stringify(v); };
        const blobs = m.attachments.map((a) => ({ sha256: createHash('sha256').update(a.content).digest('hex'), data: a.content }));
        const html = m.html ? sanitize(m.html) : textToHtml(m.text ?? '');
        const text = m.text ?? htmlToText(html);
        return {
          ok: true, blobs,
          mail: {
            messageId: m.messageId?.replace(/[<>]/g, '') ?? null, inReplyTo: ids(m.inReplyTo), references: ids(m.references),
            from: addrs(m.from)[0] ?? null, replyTo: addrs(m.replyTo)[0] ?? null, sender: null, to: addrs(m.to), cc: addrs(m.cc),
            deliveredTo: [], subject: m.subject ?? '', date: m.date?.toISOString() ?? null, html, text, visibleText: text.trim(), quotedText: '',
            attachments: m.attachments.map((a, i) => ({ sha256: blobs[i].sha256, size: a.size, filename: a.filename ?? 'file', contentType: a.contentType, contentId: a.cid ?? null, inline: a.related ?? false })),
            loop: { autoSubmitted: h('auto-submitted'), precedence: h('precedence'), xAutoreply: h('x-autoreply'), listId: h('list-id'), listUnsubscribe: h('list-unsubscribe'), returnPath: h('return-path'), xSlovoLoop: h('x-slovo-loop'), xSlovoProbe: h('x-slovo-probe') },
            dsn: { isDsn: false, action: null, status: null, originalMessageId: null }, charsetWarnings: [], parseMs: performance.now() - t0,
          },
        };
      } catch (e) {
        return { ok: false, code: 'parse_failed', reason: (e as Error).message };
      }
    },
    async close() {},
  };
}
