// A cheap structural pre-scan of a raw mail: header blocks, MIME boundaries, nesting and part counts.
// It runs before mailparser so that hostile structure is refused early, and it keeps the byte ranges
// the charset repair and the DSN reader need. It never recurses: a stack of open boundaries.
import type { ParseLimits, QuarantineCode } from '../types.ts';

export type Header = { name: string; value: string; start: number; end: number }; // name lower case; value unfolded (latin1)

export type ScanPart = {
  depth: number;
  headerStart: number;
  headerEnd: number; // start of the blank line (or of the body when there is none)
  bodyStart: number;
  bodyEnd: number;
  headers: Header[];
  type: string; // lower case media type, default text/plain
  contentType: string; // the raw Content-Type value ('' when missing)
  charset: string | null;
  cte: string; // lower case Content-Transfer-Encoding, default 7bit
  attachment: boolean; // Content-Disposition: attachment
  parentType: string | null;
  container: boolean; // multipart, or a message/rfc822 we descended into
};

export type ScanResult = { ok: true; parts: ScanPart[] } | { ok: false; code: QuarantineCode; reason: string };

export const param = (value: string, name: string): string | null => {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]).trim() : null;
};

export const header = (hs: Header[], name: string): string | null => hs.find((h) => h.name === name)?.value ?? null;

/** Parses one header block (bytes from start to end) into unfolded fields. */
export function parseHeaderBlock(buf: Buffer, start: number, end: number): Header[] {
  const out: Header[] = [];
  let pos = start;
  while (pos < end) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0 || nl >= end) nl = end - 1;
    const line = buf.toString('latin1', pos, nl + 1).replace(/\r?\n$/, '');
    const first = buf[pos];
    if ((first === 0x20 || first === 0x09) && out.length) {
      const h = out[out.length - 1];
      h.value += ' ' + line.trim();
      h.end = nl + 1;
    } else {
      const c = line.indexOf(':');
      if (c > 0) out.push({ name: line.slice(0, c).trim().toLowerCase(), value: line.slice(c + 1).trim(), start: pos, end: nl + 1 });
    }
    pos = nl + 1;
  }
  return out;
}

const lineEndAt = (buf: Buffer, pos: number) => {
  const nl = buf.indexOf(10, pos);
  return nl < 0 ? buf.length : nl + 1;
};
const lineText = (buf: Buffer, pos: number, end: number, max = 1000) =>
  buf.toString('latin1', pos, Math.min(end, pos + max)).replace(/[\r\n]+$/, '').replace(/[ \t]+$/, '');

export function scanMail(buf: Buffer, limits: ParseLimits): ScanResult {
  if (buf.length > limits.maxBytes) return { ok: false, code: 'too_large', reason: `${buf.length} bytes, over ${limits.maxBytes}` };
  const parts: ScanPart[] = [];
  const stack: { b: string; depth: number }[] = [];
  // Which open boundary does the line at pos delimit? { index, close } or null.
  const boundaryAt = (pos: number, end: number) => {
    if (buf[pos] !== 0x2d || buf[pos + 1] !== 0x2d || !stack.length) return null;
    const t = lineText(buf, pos + 2, end);
    for (let i = stack.length - 1; i >= 0; i--) {
      const b = stack[i].b;
      if (t === b) return { index: i, close: false };
      if (t === b + '--') return { index: i, close: true };
    }
    return null;
  };

  let pos = 0;
  let depth = 0;
  let parentType: string | null = null;
  for (;;) {
    // A part (or the message itself) starts at pos with its header block.
    if (depth > limits.maxDepth) return { ok: false, code: 'too_deep', reason: `MIME nesting deeper than ${limits.maxDepth}` };
    if (parts.length >= limits.maxParts) return { ok: false, code: 'too_many_parts', reason: `more than ${limits.maxParts} parts` };
    const headerStart = pos;
    let headerEnd = pos;
    let bodyStart = pos;
    let hit: { index: number; close: boolean } | null = null;
    let hitEnd = 0;
    while (pos < buf.length) {
      const end = lineEndAt(buf, pos);
      if (end - headerStart > limits.maxHeaderBytes) return { ok: false, code: 'header_too_large', reason: `a header block over ${limits.maxHeaderBytes} bytes` };
      if (buf[pos] === 10 || (buf[pos] === 13 && buf[pos + 1] === 10)) {
        headerEnd = pos;
        bodyStart = end;
        break;
      }
      hit = boundaryAt(pos, end);
      if (hit) {
        headerEnd = bodyStart = pos;
        hitEnd = end;
        break;
      }
      pos = end;
      headerEnd = bodyStart = pos;
    }
    const headers = parseHeaderBlock(buf, headerStart, headerEnd);
    const contentType = header(headers, 'content-type') ?? '';
    const defType: string = parentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    const type: string = (/^\s*([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)/i.exec(contentType)?.[1] ?? defType).toLowerCase();
    const cte = (header(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
    const part: ScanPart = {
      depth, headerStart, headerEnd, bodyStart, bodyEnd: buf.length, headers, type, contentType,
      charset: param(contentType, 'charset'), cte, attachment: /^\s*attachment/i.test(header(headers, 'content-disposition') ?? ''), parentType, container: false,
    };
    parts.push(part);

    let leaf: ScanPart | null = part;
    if (!hit) {
      pos = bodyStart;
      const boundary = type.startsWith('multipart/') ? param(contentType, 'boundary') : null;
      if (boundary) {
        stack.push({ b: boundary.replace(/[ \t]+$/, ''), depth });
        part.container = true;
        leaf = null;
      } else if ((type === 'message/rfc822' || type === 'message/global') && !['base64', 'quoted-printable'].includes(cte)) {
        part.container = true;
        depth++;
        parentType = type;
        continue; // the nested message's headers start right here
      }
      // Body: look only at lines that start with "--".
      for (;;) {
        if (!stack.length) break;
        let at = buf[pos] === 0x2d && buf[pos + 1] === 0x2d ? pos : buf.indexOf('\n--', pos);
        if (at < 0) break;
        if (at !== pos) at += 1;
        const end = lineEndAt(buf, at);
        const h = boundaryAt(at, end);
        if (h) {
          hit = h;
          hitEnd = end;
          if (leaf) leaf.bodyEnd = at;
          break;
        }
        pos = end;
      }
      if (!hit) return sizeCheck(parts, limits);
    }
    // A boundary line: inner multiparts left open are closed implicitly (broken MIME).
    stack.length = hit.index + 1;
    pos = hitEnd;
    if (hit.close) {
      stack.pop();
      // Epilogue: skip to the next boundary of an outer multipart.
      let found = false;
      while (stack.length) {
        let at = buf[pos] === 0x2d && buf[pos + 1] === 0x2d ? pos : buf.indexOf('\n--', pos);
        if (at < 0) break;
        if (at !== pos) at += 1;
        const end = lineEndAt(buf, at);
        const h = boundaryAt(at, end);
        pos = end;
        if (!h) continue;
        stack.length = h.index + 1;
        if (h.close) {
          stack.pop();
          continue;
        }
        found = true;
        break;
      }
      if (!found) return sizeCheck(parts, limits);
    }
    depth = stack[stack.length - 1].depth + 1;
    parentType = null;
    for (let i = parts.length - 1; i >= 0 && parentType == null; i--) if (parts[i].depth === depth - 1 && parts[i].container) parentType = parts[i].type;
  }
}

function sizeCheck(parts: ScanPart[], limits: ParseLimits): ScanResult {
  for (const p of parts) {
    if (p.container) continue;
    const len = p.bodyEnd - p.bodyStart;
    const decoded = p.cte === 'base64' ? Math.floor((len * 3) / 4) : len;
    if (decoded > limits.maxAttachmentBytes) return { ok: false, code: 'attachment_too_large', reason: `a part of about ${decoded} bytes, over ${limits.maxAttachmentBytes}` };
  }
  return { ok: true, parts };
}
