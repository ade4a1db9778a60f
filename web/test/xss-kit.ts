// Hostile content for the XSS browser tests (XSS cheat-sheet class) and the checks that it stayed
// text: no script ran, no dialog, no CSP violation, and no markup of it reached any frame's DOM.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export const P = {
  img: '<img src=x onerror=window.__xss=1>',
  script: '<script>window.__xss=1</script>',
  svg: '"><svg onload=window.__xss=1>',
  js: '<a href="javascript:window.__xss=1">click</a>',
  iframe: '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  css: '<div style="background:url(javascript:window.__xss=1);width:expression(window.__xss=1)">css</div>',
  details: '<details open ontoggle=window.__xss=1>',
  meta: '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  object: '<object data="javascript:window.__xss=1"></object>',
  mxss: '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  template: "{{constructor.constructor('window.__xss=1')()}}",
};
export const ALL = Object.values(P).join(' ');

/** A MIME mail: multipart/mixed (text + hostile HTML alternative, an attachment with a hostile name). */
export function hostileMail(o: { from: string; to: string; subject: string; html: string; text: string; filename: string; id: string }): Buffer {
  const b1 = 'mixed-b1-xss';
  const b2 = 'alt-b2-xss';
  return Buffer.from([
    `From: ${o.from}`, `To: ${o.to}`, `Subject: ${o.subject}`, 'Date: Thu, 03 Dec 2026 10:00:00 +0300',
    `Message-ID: <${o.id}@xss.test>`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b1}"`, '',
    `--${b1}`, `Content-Type: multipart/alternative; boundary="${b2}"`, '',
    `--${b2}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', o.text, '',
    `--${b2}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', o.html, '',
    `--${b2}--`, '',
    `--${b1}`, `Content-Type: text/plain; name="${o.filename.replace(/"/g, '\\"')}"`, `Content-Disposition: attachment; filename="${o.filename.replace(/"/g, '\\"')}"`,
    'Content-Transfer-Encoding: base64', '', Buffer.from('<script>window.__xss=1</script>').toString('base64'), '',
    `--${b1}--`, '',
  ].join('\r\n'));
}

export const HOSTILE_HTML = `<html><head><script>window.__xss=1</script><style>body{background:url("javascript:window.__xss=1")}</style>
<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1"><base href="javascript:window.__xss=1//"></head>
<body onload="window.__xss=1"><p>Безопасный абзац письма: пароль не подходит.</p>
<img src=x onerror=window.__xss=1><svg><script>window.__xss=1</script></svg><svg onload=window.__xss=1></svg>
<a href="javascript:window.__xss=1">ссылка</a> <a href="  JaVaScRiPt:window.__xss=1">ссылка2</a> <a href="java&#x09;script:window.__xss=1">ссылка3</a>
<iframe srcdoc="<script>parent.__xss=1</script>"></iframe><iframe src="javascript:window.__xss=1"></iframe>
<form action="javascript:window.__xss=1"><button formaction="javascript:window.__xss=1">go</button><input autofocus onfocus=window.__xss=1></form>
<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1></style></mglyph></table></mtext></math>
<div style="width:expression(window.__xss=1);background-image:url(javascript:window.__xss=1)">css</div>
<object data="javascript:window.__xss=1"></object><embed src="javascript:window.__xss=1">
<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">x</p></noscript>
<details open ontoggle=window.__xss=1><summary>s</summary></details><video><source onerror=window.__xss=1></video>
<p>Конец письма.</p></body></html>`;

/** Runs in a frame: markup that could only come from injected content. */
const SCAN = `(() => {
  const bad = [];
  const danger = /^(javascript|vbscript|data:text\\/html)/;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      for (const a of Array.from(el.attributes)) {
        const n = a.name.toLowerCase();
        const v = a.value.toLowerCase().replace(/[\\s\\u0000-\\u001f]+/g, '');
        if (n.startsWith('on')) bad.push(tag + '[' + n + ']');
        if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'content'].includes(n) && (danger.test(v) || v.includes('url=javascript'))) bad.push(tag + '[' + n + '=' + v.slice(0, 40) + ']');
        if (n === 'style' && /expression\\(|javascript:|xss/.test(v)) bad.push(tag + '[style=' + v.slice(0, 40) + ']');
      }
      if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/assets/')) bad.push('script: ' + (el.getAttribute('src') || el.textContent.slice(0, 40)));
      if (['object', 'embed', 'frame', 'frameset', 'applet'].includes(tag) || (tag === 'base' && el.hasAttribute('href'))) bad.push(tag);
      if (tag === 'meta' && el.hasAttribute('http-equiv') && /refresh/i.test(el.getAttribute('http-equiv'))) bad.push('meta refresh');
      if (tag === 'style' && /xss|javascript/i.test(el.textContent)) bad.push('style: ' + el.textContent.slice(0, 40));
      if (tag === 'iframe') {
        const sb = el.getAttribute('sandbox');
        if (sb === null || /allow-scripts/.test(sb)) bad.push('iframe without a script-free sandbox: ' + (el.getAttribute('src') || 'srcdoc'));
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return bad;
})()`;

/** Page observers: dialogs opened. (Errors and CSP violations: watchErrors.) */
export function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  return dialogs;
}

/** Waits until the text shows in some frame of the page (the content really rendered). */
export async function shows(page: Page, text: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    for (const f of page.frames()) {
      if (await f.getByText(text, { exact: false }).count().catch(() => 0)) return;
      // or the value of a form field (tags in an editable field)
      if (await f.evaluate((s) => [...document.querySelectorAll('input, textarea')].some((e) => (e as HTMLInputElement).value.includes(s)), text).catch(() => false)) return;
    }
    if (Date.now() > until) throw new Error(`"${text}" not shown on ${page.url()}`);
    await page.waitForTimeout(200);
  }
}

/** No script of the content ran, no dialog, no error or CSP violation, no injected markup in any frame. */
export async function assertInert(page: Page, errors: string[], dialogs: string[], where: string): Promise<void> {
  // a moment for late handlers (onerror of a failed image, meta refresh, autofocus)
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
  assert.equal(await page.evaluate('window.__xss'), undefined, `${where}: injected script ran`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
  const found: string[] = [];
  for (const f of page.frames()) {
    const r = (await f.evaluate(SCAN).catch((e: Error) => [`(frame ${f.url()} not scanned: ${e.message})`])) as string[];
    found.push(...r.map((x) => `${f === page.mainFrame() ? 'page' : `frame ${f.url().slice(0, 40)}`}: ${x}`));
  }
  assert.deepEqual(found.filter((x) => !x.includes('not scanned')), [], `${where}: injected markup in the DOM`);
  // a sanitized relative <img src=x> in the sandboxed mail frame (opaque origin) is refused by the
  // server's Cross-Origin-Resource-Policy: a blocked load, not a script
  const real = errors.filter((e) => !/Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE/.test(e));
  assert.deepEqual(real, [], `${where}: page errors or CSP violations`);
  assert.match(new URL(page.url()).protocol, /^http/, `${where}: navigated away`);
}
