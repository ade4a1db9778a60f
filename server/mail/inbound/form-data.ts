// Form bodies of provider webhooks (multipart/form-data and urlencoded) read as bytes:
// a field that carries a raw mail must reach receiveRaw byte for byte, so no text decoding.
export type FormField = { data: Buffer; filename: string | null; contentType: string | null };
export type Form = Map<string, FormField>;

const MAX_FIELDS = 1000;

/** The multipart boundary of a Content-Type, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function param(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s;]+))`, 'i').exec(header);
  return m ? (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]) : null;
}

/** Parses multipart/form-data; null when the body is not a well-formed multipart body. */
export function parseMultipart(body: Buffer, boundary: string): Form | null {
  const delim = Buffer.from(`--${boundary}`);
  const form: Form = new Map();
  // the first delimiter may start the body or follow a preamble line
  let pos = body.subarray(0, delim.length).equals(delim) ? 0 : body.indexOf(Buffer.concat([Buffer.from('\n'), delim]));
  if (pos < 0) return null;
  if (pos > 0) pos += 1;
  for (let n = 0; n <= MAX_FIELDS; n++) {
    let p = pos + delim.length;
    if (body[p] === 0x2d && body[p + 1] === 0x2d) return form; // closing delimiter
    const eol = body.indexOf(0x0a, p);
    if (eol < 0) return null;
    p = eol + 1;
    // part headers end at an empty line (CRLF CRLF, or LF LF from lenient senders)
    let headEnd = -1;
    let bodyStart = -1;
    for (let i = p; i < body.length; i++) {
      if (body[i] !== 0x0a) continue;
      const line = body.subarray(p, i).toString('latin1');
      if (line === '' || line === '\r') {
        headEnd = p;
        bodyStart = i + 1;
        break;
      }
      p = i + 1;
    }
    if (bodyStart < 0) return null;
    const head = body.subarray(eol + 1, headEnd).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
    const next = body.indexOf(Buffer.concat([Buffer.from('\n'), delim]), bodyStart - 1);
    if (next < 0) return null;
    const end = next > bodyStart && body[next - 1] === 0x0d ? next - 1 : next;
    const disp = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
    const name = param(disp, 'name');
    const ctype = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? null;
    if (name !== null && !form.has(name)) form.set(name, { data: body.subarray(bodyStart, Math.max(bodyStart, end)), filename: param(disp, 'filename'), contentType: ctype });
    pos = next + 1;
  }
  return null;
}

function percentDecode(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c); // s was read as latin1: one char per byte
  }
  return Buffer.from(bytes);
}

/** Parses application/x-www-form-urlencoded into bytes per field (first value wins). */
export function parseUrlencoded(body: Buffer): Form {
  const form: Form = new Map();
  for (const pair of body.toString('latin1').split('&').slice(0, MAX_FIELDS)) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq)).toString('utf8');
    if (!form.has(name)) form.set(name, { data: percentDecode(eq < 0 ? '' : pair.slice(eq + 1)), filename: null, contentType: null });
  }
  return form;
}

/** Either form encoding by Content-Type; null when the type is neither or the body is broken. */
export function parseForm(body: Buffer, contentType: string): Form | null {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return parseUrlencoded(body);
  if (type !== 'multipart/form-data') return null;
  const b = boundaryOf(contentType);
  return b ? parseMultipart(body, b) : null;
}
