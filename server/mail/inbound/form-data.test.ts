// The byte-exact form reader: what a provider puts in a field is what comes out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundaryOf, parseForm, parseMultipart, parseUrlencoded } from './form-data.ts';

test('multipart: CRLF or LF framing, preamble, quoted names, binary values, empty values, first value wins', () => {
  const bin = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x41]); // NUL, 0xff, CRLF and "--A" inside a value
  for (const nl of ['\r\n', '\n']) {
    const body = Buffer.concat([
      Buffer.from(`preamble${nl}--B${nl}Content-Disposition: form-data; name="a"${nl}${nl}`), bin, Buffer.from(nl),
      Buffer.from(`--B${nl}Content-Disposition: form-data; name="say \\"hi\\""; filename="x.eml"${nl}Content-Type: message/rfc822${nl}${nl}v${nl}`),
      Buffer.from(`--B${nl}Content-Disposition: form-data; name="empty"${nl}${nl}${nl}`),
      Buffer.from(`--B${nl}Content-Disposition: form-data; name="a"${nl}${nl}second${nl}--B--${nl}`),
    ]);
    const f = parseMultipart(body, 'B');
    assert.ok(f, nl === '\n' ? 'LF' : 'CRLF');
    assert.ok(f.get('a')!.data.equals(bin));
    assert.equal(f.get('say "hi"')!.data.toString(), 'v');
    assert.equal(f.get('say "hi"')!.filename, 'x.eml');
    assert.equal(f.get('say "hi"')!.contentType, 'message/rfc822');
    assert.equal(f.get('empty')!.data.length, 0);
  }
});

test('multipart: a body without its closing delimiter or without any delimiter is refused', () => {
  assert.equal(parseMultipart(Buffer.from('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'B'), null);
  assert.equal(parseMultipart(Buffer.from('nothing here'), 'B'), null);
  assert.equal(parseForm(Buffer.from('x'), 'multipart/form-data'), null, 'no boundary');
  assert.equal(parseForm(Buffer.from('x'), 'application/json'), null);
  assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), 'a b');
});

test('urlencoded: percent bytes are bytes (8-bit mail survives), + is a space', () => {
  const f = parseUrlencoded(Buffer.from('body-mime=Subject%3A+%F0%D2%C9%0D%0A&x=1&x=2&flag'));
  assert.ok(f.get('body-mime')!.data.equals(Buffer.from([...Buffer.from('Subject: '), 0xf0, 0xd2, 0xc9, 0x0d, 0x0a])));
  assert.equal(f.get('x')!.data.toString(), '1');
  assert.equal(f.get('flag')!.data.length, 0);
});
