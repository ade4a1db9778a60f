// Normal mails through the real pool (worker threads): charsets, quotes, signatures, HTML, DSN, loop headers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail, ParseResult } from '../types.ts';
import { createParsePool, type ParsePool } from './parse-pool.ts';
import * as S from './samples.ts';

let pool: ParsePool;
before(() => {
  pool = createParsePool(2);
});
after(() => pool.close());

const CRLF = '\r\n';
async function parsed(raw: Buffer | string): Promise<ParsedMail> {
  const r = await pool.parse(typeof raw === 'string' ? Buffer.from(raw) : raw);
  assert.ok(r.ok, `not parsed: ${JSON.stringify(r)}`);
  return r.mail;
}
const plain = (body: Buffer, contentType: string, extra = '') =>
  Buffer.concat([Buffer.from(`From: a@x.test${CRLF}To: support@example.test${CRLF}Subject: t${CRLF}${extra}${contentType ? `Content-Type: ${contentType}${CRLF}` : ''}${CRLF}`), body, Buffer.from(CRLF)]);
const RU = 'Здравствуйте! Не могу оплатить заказ, карта отклонена.';

describe('charsets', () => {
  test('KOI8-R and Windows-1251 declared, 8bit and base64 and quoted-printable', async () => {
    assert.equal((await parsed(plain(S.koi8(RU), 'text/plain; charset=koi8-r'))).text, RU);
    assert.equal((await parsed(plain(S.cp1251(RU), 'text/plain; charset=windows-1251'))).text, RU);
    assert.equal((await parsed(plain(Buffer.from(S.cp1251(RU).toString('base64')), 'text/plain; charset="Windows-1251"', `Content-Transfer-Encoding: base64${CRLF}`))).text, RU);
    const qp = [...S.koi8(RU)].map((c) => (c > 0x7e || c === 0x3d ? `=${c.toString(16).toUpperCase()}` : String.fromCharCode(c))).join('');
    const m = await parsed(plain(Buffer.from(qp), 'text/plain; charset=KOI8-R', `Content-Transfer-Encoding: quoted-printable${CRLF}`));
    assert.equal(m.text, RU);
    assert.deepEqual(m.charsetWarnings, []);
  });

  test('declared utf-8 but windows-1251 bytes: detected, with a warning', async () => {
    const m = await parsed(plain(S.cp1251(RU), 'text/plain; charset=utf-8'));
    assert.equal(m.text, RU);
    assert.deepEqual(m.charsetWarnings, ['declared utf-8 but invalid; decoded as windows-1251']);
  });

  test('no charset with 8-bit KOI8-R and with 8-bit Windows-1251: detected', async () => {
    const k = await parsed(plain(S.koi8(RU), 'text/plain'));
    assert.equal(k.text, RU);
    assert.deepEqual(k.charsetWarnings, ['no charset; decoded as koi8-r']);
    const w = await parsed(plain(S.cp1251(RU), ''));
    assert.equal(w.text, RU);
    assert.deepEqual(w.charsetWarnings, ['no charset; decoded as windows-1251']);
  });

  test('8-bit Windows-1251 headers and an unknown charset', async () => {
    const raw = Buffer.concat([Buffer.from('From: '), S.cp1251('Иван Петров'), Buffer.from(` <Ivan@X.test>${CRLF}Subject: `), S.cp1251('Вопрос по оплате'), Buffer.from(`${CRLF}Content-Type: text/plain; charset=x-unknown-42${CRLF}${CRLF}`), S.cp1251(RU)]);
    const m = await parsed(raw);
    assert.equal(m.subject, 'Вопрос по оплате');
    assert.deepEqual(m.from, { address: 'ivan@x.test', name: 'Иван Петров' });
    assert.equal(m.text, RU);
    assert.deepEqual(m.charsetWarnings, ['8-bit headers are not utf-8; decoded as windows-1251', 'unknown charset x-unknown-42; decoded as windows-1251']);
  });

  test('valid utf-8 without charset needs no warning', async () => {
    const m = await parsed(plain(Buffer.from(RU), 'text/plain'));
    assert.equal(m.text, RU);
    assert.deepEqual(m.charsetWarnings, []);
  });
});

describe('quoted history and signatures', () => {
  const cases: [string, Buffer, string, RegExp][] = [
    ['Gmail', S.GMAIL, 'Thanks, it works now!', /^On Mon, 30 Nov 2026 at 18:00, Support Team/],
    ['Outlook', S.OUTLOOK, 'Hello, the invoice is attached.\n\nBest regards,\nAnna', /^_+\nFrom: Support/],
    ['Apple Mail', S.APPLE, 'Still cannot log in.\n\nSent from my iPhone', /^> On 30 Nov 2026, at 18:00/],
    ['Thunderbird (signature)', S.THUNDERBIRD, 'Спасибо, доступ появился.', /^-- \nИван Петров/],
    ['Yandex', S.YANDEX, 'Добрый день! Деньги пришли.', /^01\.12\.2026, 10:00, "Служба поддержки"/],
    ['Mail.ru', S.MAILRU, 'Курьер так и не приехал.', /^Понедельник, 30 ноября 2026/],
    ['Gmail (ru) пишет:', S.RU_GMAIL_TEXT, 'Счёт оплачен.', /^1 декабря 2026 г\., в 10:00/],
    ['our marker', S.MARKER_ONLY, 'Ответ клиента.', /^##- Пишите ответ выше этой строки -##\nСтарое письмо$/],
    ['-----Original Message-----', S.ORIGINAL_MESSAGE, 'New text here.', /^-----Original Message-----/],
    ['forward inside a reply', S.FORWARD_IN_REPLY, 'Посмотрите, пожалуйста.', /^-------- Пересылаемое сообщение/],
    ['bottom-posted > lines', S.BOTTOM_POSTED, 'Checked: nothing there.', /^> Could you check the logs\?\n> Thanks$/],
  ];
  for (const [name, raw, visible, quoted] of cases) {
    test(name, async () => {
      const m = await parsed(raw);
      assert.equal(m.visibleText, visible);
      assert.match(m.quotedText, quoted);
      assert.ok(m.text.length > m.visibleText.length);
      assert.match(m.html, /<div data-slovo-quoted="1">/);
      const [shown] = m.html.split('<div data-slovo-quoted="1">');
      assert.doesNotMatch(shown, /wrote:|пишет:|Please try again|Мы оформили|Курьер будет|Old text|Please send the invoice|Please reset/);
    });
  }

  test('a signature the HTML marks is folded even without a "-- " line (Outlook on the web, Gmail, iOS Mail)', async () => {
    const owa = await parsed(S.OWA_SIGNATURE);
    assert.equal(owa.visibleText, 'Добрый день!\n\nСчёт получили, оплатим завтра.');
    assert.match(owa.quotedText, /^С уважением,\nАнна Смирнова\nГлавный бухгалтер/);
    const gmail = await parsed(S.GMAIL_SIGNATURE);
    assert.equal(gmail.visibleText, 'The export still fails with error 500.');
    assert.equal(gmail.quotedText, 'Boris Kim\nCTO, Example Ltd');
    const ios = await parsed(S.IOS_SIGNATURE);
    assert.equal(ios.visibleText, 'Where is my parcel?');
    assert.equal(ios.quotedText, 'Sent from my iPhone');
    // written below the signature: everything stays visible
    const below = await parsed(S.SIGNATURE_NOT_LAST);
    assert.match(below.visibleText, /Boris Kim\n\nP\.S\. One more thing/);
    assert.equal(below.quotedText, '');
  });

  test('a fresh forward keeps the forwarded mail visible', async () => {
    const m = await parsed(S.FORWARD_FRESH);
    assert.match(m.visibleText, /Ваш заказ отменён/);
    assert.equal(m.quotedText, '');
  });

  test('HTML folding per client: the quote container is wrapped', async () => {
    const gmail = await parsed(S.GMAIL);
    assert.match(gmail.html, /<div data-slovo-quoted="1"><div><div dir="ltr">On Mon, 30 Nov 2026/);
    const outlook = await parsed(S.OUTLOOK);
    assert.match(outlook.html, /<div data-slovo-quoted="1"><div><\/div><hr[^>]*\/><div dir="ltr"><font[^>]*><b>From:<\/b>/);
    assert.match(outlook.html, /Please send the invoice\.<\/div><\/div>$/);
    const apple = await parsed(S.APPLE);
    assert.match(apple.html.split('data-slovo-quoted')[1], /Please reset your password/);
    const tb = await parsed(S.THUNDERBIRD);
    assert.match(tb.html, /<div data-slovo-quoted="1"><div>01\.12\.2026 09:00, Служба поддержки пишет:/);
  });
});

describe('HTML for display', () => {
  const html = [
    '<html><head><style>p{background:url(https://evil.test/s.png)}</style><script>steal()</script></head><body onload="x()">',
    '<p style="color:red;background-image:url(https://evil.test/t.png)" onclick="x()">Hi</p>',
    '<img src="https://cdn.example.com/logo.png" alt="Logo" width="120"><img src="http://plain.test/p.gif"><img src="cid:part1.ABC@mail.test" alt="inline">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="d"><a href="javascript:alert(1)">js</a><a href="https://example.com/x">link</a>',
    '<iframe src="https://evil.test"></iframe><form action="https://evil.test"><input name="p"><button>go</button></form><object data="x"></object>',
    '</body></html>',
  ].join('');

  test('sanitized; remote images blocked; cid kept; links hardened', async () => {
    const m = await parsed(plain(Buffer.from(html), 'text/html; charset=utf-8'));
    for (const bad of [/<script/i, /steal\(\)/, /onload|onclick/i, /url\(/i, /javascript:/i, /<iframe|<form|<input|<button|<object|<style/i, /data:image/, /\ssrc="https?:/]) assert.doesNotMatch(m.html, bad);
    assert.match(m.html, /<p style="color:red">Hi<\/p>/);
    assert.match(m.html, /<img alt="Logo" data-remote-src="https:\/\/cdn\.example\.com\/logo\.png" width="120" \/>/);
    assert.match(m.html, /<img alt="" data-remote-src="http:\/\/plain\.test\/p\.gif" \/>/);
    assert.match(m.html, /<img alt="inline" src="cid:part1\.ABC@mail\.test" \/>/);
    assert.match(m.html, /<a href="https:\/\/example\.com\/x" rel="noopener noreferrer nofollow" target="_blank">link<\/a>/);
    assert.match(m.html, /<a rel="noopener noreferrer nofollow" target="_blank">js<\/a>/);
    assert.match(m.text, /^Hi\n/); // text from the html
    assert.doesNotMatch(m.text, /steal|evil/);
  });

  test('no HTML part: HTML built from the text, escaped', async () => {
    const m = await parsed(plain(Buffer.from('Hello <b>not bold</b>\n\nsecond'), 'text/plain; charset=utf-8'));
    assert.equal(m.html, '<p>Hello &lt;b&gt;not bold&lt;/b&gt;</p><p>second</p>');
    assert.equal(m.text, 'Hello <b>not bold</b>\n\nsecond');
  });
});

describe('headers, DSN, loops, attachments', () => {
  test('addresses lower case, ids without <>, date, delivered-to and loop headers', async () => {
    const m = await parsed(S.AUTO_REPLY);
    assert.deepEqual(m.from, { address: 'ivan.petrov@example.ru', name: 'Ivan Petrov' });
    assert.deepEqual(m.to, [{ address: 'support@example.test', name: 'Support' }]);
    assert.equal(m.messageId, 'CAF=reply-1@mail.gmail.com');
    assert.equal(m.date, '2026-12-01T07:00:00.000Z');
    assert.deepEqual(m.deliveredTo, ['support@example.test', 'help@example.test']);
    assert.deepEqual(m.loop, {
      autoSubmitted: 'auto-replied', precedence: 'bulk', xAutoreply: 'yes', listId: 'Support list <support.list.example.test>',
      listUnsubscribe: '<mailto:leave@list.test>', returnPath: '<bounce+123@example.ru>', xSlovoLoop: 'example.test', xSlovoProbe: 'probe-token-1',
    });
    const g = await parsed(S.GMAIL);
    assert.deepEqual(g.inReplyTo, ['t123.m456@example.test']);
    assert.deepEqual(g.references, ['t123@example.test', 't123.m456@example.test']);
    assert.equal(g.loop.autoSubmitted, null);
    assert.equal(g.dsn.isDsn, false);
  });

  test('DSN: Postfix with message/rfc822, Exchange with text/rfc822-headers', async () => {
    const p = await parsed(S.POSTFIX_DSN);
    assert.deepEqual(p.dsn, { isDsn: true, action: 'failed', status: '5.1.1', originalMessageId: 't42.m99.abcdef@example.test' });
    assert.equal(p.loop.returnPath, '<>');
    const e = await parsed(S.EXCHANGE_DSN_HEADERS);
    assert.deepEqual(e.dsn, { isDsn: true, action: 'delayed', status: '4.4.7', originalMessageId: 't7.m8@example.test' });
  });

  test('attachments: one blob per content, names and types cleaned, cid and inline', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const pdf = Buffer.from('%PDF-1.4 fake');
    const part = (h: string, data: Buffer) => `--m${CRLF}${h}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${data.toString('base64')}${CRLF}`;
    const raw = `From: a@x.test${CRLF}Subject: files${CRLF}Content-Type: multipart/mixed; boundary="m"${CRLF}${CRLF}` +
      `--m${CRLF}Content-Type: text/html; charset=utf-8${CRLF}${CRLF}<p>see <img src="cid:img1@x"></p>${CRLF}` +
      part(`Content-Type: image/png; name="logo.png"${CRLF}Content-ID: <img1@x>${CRLF}Content-Disposition: inline; filename="logo.png"`, png) +
      part(`Content-Type: Application/PDF; name="a.pdf"${CRLF}Content-Disposition: attachment; filename="../../etc/\\"report\\".pdf"`, pdf) +
      part(`Content-Type: bogus type!!${CRLF}Content-Disposition: attachment; filename="copy.pdf"`, pdf) + `--m--${CRLF}`;
    const r = await pool.parse(Buffer.from(raw));
    assert.ok(r.ok);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.deepEqual(r.mail.attachments, [
      { sha256: sha(png), size: png.length, filename: 'logo.png', contentType: 'image/png', contentId: 'img1@x', inline: true },
      { sha256: sha(pdf), size: pdf.length, filename: 'report.pdf', contentType: 'application/pdf', contentId: null, inline: false },
      { sha256: sha(pdf), size: pdf.length, filename: 'copy.pdf', contentType: 'application/octet-stream', contentId: null, inline: false },
    ]);
    assert.deepEqual(r.blobs.map((b) => b.sha256), [sha(png), sha(pdf)]);
    assert.ok(Buffer.isBuffer(r.blobs[1].data) && r.blobs[1].data.equals(pdf));
    assert.match(r.mail.html, /src="cid:img1@x"/);
  });
});

describe('limits and the pool', () => {
  test('time budget: a slow parse is cut off, the pool goes on', async () => {
    const big = `From: a@x.test${CRLF}Content-Type: text/html${CRLF}${CRLF}${'<div><b>x</b> '.repeat(300_000)}`;
    const t = performance.now();
    const r = await pool.parse(Buffer.from(big), { timeMs: 50 });
    assert.deepEqual(r.ok ? 'ok' : r.code, 'parse_timeout');
    assert.ok(performance.now() - t < 1000);
    assert.equal((await parsed(S.GMAIL)).visibleText, 'Thanks, it works now!');
  });

  test('out of memory in a worker is a quarantine reason, not a crash', async () => {
    const small = createParsePool(1, { heapMb: 64 }) // boots in ~40 MB; the mail needs hundreds;
    try {
      const big = `From: a@x.test${CRLF}Content-Type: text/html${CRLF}${CRLF}${'<p>x</p>'.repeat(2_000_000)}`;
      const r: ParseResult = await small.parse(Buffer.from(big), { timeMs: 20_000 });
      assert.equal(r.ok, false);
      assert.deepEqual(r.ok ? null : [r.code, r.reason], ['parse_failed', 'the parser ran out of memory']);
      const again = await small.parse(Buffer.from(`From: a@x.test${CRLF}${CRLF}still here`));
      assert.ok(again.ok && again.mail.text === 'still here');
    } finally {
      await small.close();
    }
  });

  test('limits: raw size, header block in a part, parts, depth', async () => {
    const code = async (raw: string, limits: object) => {
      const r = await pool.parse(Buffer.from(raw), limits);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(await code('From: a@x.test\r\n\r\n' + 'x'.repeat(2000), { maxBytes: 1000 }), 'too_large');
    const partHeader = `From: a@x.test${CRLF}Content-Type: multipart/mixed; boundary=b${CRLF}${CRLF}--b${CRLF}X-Pad: ${'p'.repeat(3000)}${CRLF}${CRLF}x${CRLF}--b--${CRLF}`;
    assert.equal(await code(partHeader, { maxHeaderBytes: 2000 }), 'header_too_large');
    assert.equal(await code(partHeader, {}), 'ok');
    const three = `From: a@x.test${CRLF}Content-Type: multipart/mixed; boundary=b${CRLF}${CRLF}` + `--b${CRLF}${CRLF}x${CRLF}`.repeat(3) + `--b--${CRLF}`;
    assert.equal(await code(three, { maxParts: 3 }), 'too_many_parts');
    assert.equal(await code(three, { maxParts: 4 }), 'ok');
    assert.equal(await code(three, { maxDepth: 0 }), 'too_deep');
  });

  test('the worker loads under `node bin/slovo.js` style startup (tsx registered by API, no --import)', async () => {
    const script = `import { register } from 'tsx/esm/api'; register();
      const { createParsePool } = await import(${JSON.stringify(new URL('./parse-pool.ts', import.meta.url).href)});
      const r = await createParsePool(1).parse(Buffer.from('From: A@B.test\\r\\nSubject: hi\\r\\n\\r\\nbody'));
      console.log(JSON.stringify(r.ok ? r.mail.from : r));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../..', import.meta.url).pathname });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, out);
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { address: 'a@b.test', name: '' });
  });
});

test('raw 8-bit utf-8 subject ending in "Р" (bytes D0 A0) and a latin-1 one survive', async () => {
  const a = await parsed(`From: a@x.test${CRLF}Subject: Ваш ПАРТНЁР${CRLF}${CRLF}x`);
  assert.equal(a.subject, 'Ваш ПАРТНЁР');
  const b = await parsed(Buffer.from(`From: a@x.test${CRLF}Subject: caf\u00e9 d\u00e9j\u00e0${CRLF}${CRLF}na\u00efve r\u00e9sum\u00e9`, 'latin1'));
  assert.equal(b.subject, 'café déjà');
  assert.equal(b.text, 'naïve résumé');
  assert.deepEqual(b.charsetWarnings, ['8-bit headers are not utf-8; decoded as windows-1252', 'no charset; decoded as windows-1252']);
});

test('Outlook in Russian, and an attribution line sharing its block with the new text', async () => {
  const ru = await parsed(`From: a@x.test${CRLF}Subject: RE: Счёт${CRLF}In-Reply-To: <q@x>${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}` +
    ['Добрый день, счёт во вложении.', '', 'От: Служба поддержки <support@example.test>', 'Отправлено: 30 ноября 2026 г. 18:00', 'Кому: a@x.test', 'Тема: Счёт', '', 'Пришлите счёт.'].join(CRLF));
  assert.equal(ru.visibleText, 'Добрый день, счёт во вложении.');
  assert.match(ru.quotedText, /^От: Служба поддержки/);
  const html = '<div>Спасибо!<br>Понедельник, 30 ноября 2026, 18:00 +03:00 от Служба &lt;<a href="mailto:s@x.test">s@x.test</a>&gt;:<br>&nbsp;<blockquote>старое</blockquote></div>';
  const m = await parsed(`From: a@x.test${CRLF}Subject: Re: x${CRLF}Content-Type: text/html; charset=utf-8${CRLF}${CRLF}${html}`);
  assert.match(m.html, /^<div>Спасибо!<br \/><div data-slovo-quoted="1">Понедельник/);
  assert.equal(m.visibleText, 'Спасибо!');
  assert.match(m.quotedText, /Понедельник[\s\S]*старое/);
});

test('interleaved answers keep their quotes; a trailing quote block after them is folded', async () => {
  const m = await parsed(`From: a@x.test${CRLF}Subject: Re: q${CRLF}Content-Type: text/plain${CRLF}${CRLF}` +
    ['> Which browser?', 'Firefox.', '', '> Which version?', '128.', '', 'On Mon, 30 Nov 2026 at 18:00, Support <s@x.test> wrote:', '> Which browser?', '> Which version?'].join(CRLF));
  assert.equal(m.visibleText, '> Which browser?\nFirefox.\n\n> Which version?\n128.');
  assert.match(m.quotedText, /^On Mon, 30 Nov 2026/);
});
