// Charset repair for mail bodies and headers: broken utf-8, missing or unknown charsets, 8-bit Cyrillic.
import { isUtf8 } from 'node:buffer';

const UTF8_LIKE = new Set(['', 'utf8', 'usascii', 'ascii', 'ansix3.41968', 'us']);
const norm = (c: string | null) => (c ?? '').toLowerCase().replace(/[^a-z0-9.]/g, '');

/** True when the declared charset means "utf-8 or plain ascii" (or nothing was declared). */
export const utf8Like = (charset: string | null) => UTF8_LIKE.has(norm(charset));

/** True when TextDecoder (full ICU) knows the label. */
export function knownCharset(charset: string): boolean {
  try {
    new TextDecoder(charset.trim());
    return true;
  } catch {
    return false;
  }
}

export const hasHighBytes = (b: Buffer) => {
  for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return true;
  return false;
};

export const validUtf8 = (b: Buffer) => isUtf8(b);

/**
 * Guess the single-byte charset of 8-bit text that is not utf-8.
 * Cyrillic words are runs of high bytes, accented Latin letters sit between ASCII letters.
 * In windows-1251 the lower-case letters are 0xE0-0xFF, in KOI8-R 0xC0-0xDF; running text is mostly lower case.
 */
export function guessSingleByte(b: Buffer): 'windows-1251' | 'koi8-r' | 'windows-1252' {
  const ascii = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  let lo = 0, hi = 0, runs = 0, latin = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) continue;
    if (c >= 0xe0) hi++;
    else if (c >= 0xc0) lo++;
    if (b[i - 1] >= 0x80 || b[i + 1] >= 0x80) runs++;
    else if (ascii(b[i - 1]) || ascii(b[i + 1])) latin++;
  }
  if (latin > runs) return 'windows-1252';
  return hi >= lo ? 'windows-1251' : 'koi8-r';
}

export const decodeAs = (b: Buffer, charset: string) => new TextDecoder(charset).decode(b);

/** Quoted-printable to bytes, lenient about garbage (bad escapes stay as they are). */
export function decodeQp(b: Buffer): Buffer {
  const s = b.toString('latin1').replace(/=[ \t]*\r?\n/g, '').replace(/=([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(s, 'latin1');
}

export function decodeTransfer(body: Buffer, cte: string): Buffer {
  if (cte === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (cte === 'quoted-printable') return decodeQp(body);
  return body;
}
