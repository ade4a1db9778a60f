// The shell in a real browser: sign-in, CSP without violations, deep links, language switch,
// session expiry handled over the page, shortcuts and their help, sidebar by role, phone layout.
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

describe('web shell', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('pages carry a strict CSP and the API stays problem+json', async () => {
    const r = await fetch(`${w.base}/tickets/123`);
    assert.equal(r.status, 200);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(await r.text(), /<div id="root">/);
    const api = await fetch(`${w.base}/api/v1/nope`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /problem\+json/);
    const asset = await fetch(`${w.base}/assets/missing.js`);
    assert.equal(asset.status, 404);
    const portal = await fetch(`${w.base}/portal/tickets/5`);
    assert.match(await portal.text(), /src\/portal|assets\/portal/);
  });

  test('the served app is a production build (development React prints warnings and is slower)', async () => {
    const html = await (await fetch(`${w.base}/`)).text();
    const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    assert.ok(files.length >= 2, html);
    for (const f of files) {
      const js = await (await fetch(`${w.base}${f}`)).text();
      assert.doesNotMatch(js, /Encountered two children with the same key/, `${f} is a development build`);
    }
  });

  test('assets go compressed to browsers that accept it, plain to others, the same bytes either way', async () => {
    const html = await (await fetch(`${w.base}/`)).text();
    const src = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(src, html);
    const get = (enc: string) => new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get(`${w.base}${src}`, { headers: { 'accept-encoding': enc } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    const plain = await get('identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.headers['content-type'] ?? '', /javascript/);
    const br = await get('br, gzip');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(br.headers['vary'] ?? '', /accept-encoding/i);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(br.headers['x-content-type-options'], 'nosniff');
    assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} vs ${plain.body.length}`);
    assert.ok(zlib.brotliDecompressSync(br.body).equals(plain.body));
    const gz = await get('gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(zlib.gunzipSync(gz.body).equals(plain.body));
  });

  test('wrong password is refused with a message; right one signs in', () => w.step('login', async () => {
    const u = await w.createUser('agent');
    const page = await (await w.context({ lang: 'en' })).newPage();
    const errors = watchErrors(page);
    await page.goto('/');
    await page.getByLabel('E-mail').fill(u.email);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar').waitFor();
    assert.deepEqual(errors, []);
  }));

  test('language switch turns the UI to English and back', () => w.step('lang', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    await page.getByRole('button', { name: 'Выйти' }).waitFor();
    await page.getByRole('button', { name: 'Язык' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  }));

  test('an expired session shows the sign-in over the page, and signing in again continues', () => w.step('expiry', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'en' });
    await w.deps.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    // any API call now gets 401: the app asks to sign in again without leaving the page
    await page.evaluate(() => fetch('/api/v1/auth/me')); // warm: the app's own calls below
    await page.goto('/search');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }));
  test('`?` opens the shortcuts help and Escape closes it, in both languages', () => w.step('help', async () => {
    for (const [lang, title, key, view] of [['ru', 'Горячие клавиши', 'Следующая заявка в списке', 'Нерешённые'], ['en', 'Keyboard shortcuts', 'Next ticket in the list', 'Unsolved']] as const) {
      const { page } = await w.signIn('agent', { lang });
      const errors = watchErrors(page);
      await page.getByRole('heading', { name: view }).waitFor();
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor();
      await dialog.getByText(key).waitFor();
      assert.ok(await dialog.locator('kbd', { hasText: /^j$/ }).count());
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      // typing `?` in a text field is just typing
      const box = page.getByRole('searchbox').first();
      await box.fill('');
      await box.press('?');
      assert.equal(await page.getByRole('dialog').count(), 0);
      assert.equal(await box.inputValue(), '?');
      assert.deepEqual(errors, []);
    }
  }));

  test('`/` focuses search, `g n` opens notifications, `g i` the list; the bell shows unread', () => w.step('keys', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    for (let i = 0; i < 2; i++) {
      await w.deps.db.insertInto('notifications').values({ user_id: userId, kind: 'mention', ticket_id: null, data: JSON.stringify({}), dedupe_key: `shell-${i}`, created_at: new Date() }).execute();
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Нерешённые' }).waitFor();
    const bell = page.getByRole('link', { name: 'Уведомления: 2 непрочитанных' });
    await bell.waitFor();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Поиск по заявкам');
    await page.keyboard.type('тариф');
    await page.keyboard.press('Enter');
    await page.waitForURL((x) => x.pathname === '/search' && x.searchParams.get('q') === 'тариф');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('g');
    await page.keyboard.press('n');
    await page.waitForURL((x) => x.pathname === '/notifications');
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await page.waitForURL((x) => x.pathname === '/');
    await bell.click();
    await page.waitForURL((x) => x.pathname === '/notifications');
  }));

  test('the sidebar lists views with counts and only the sections the role may open', () => w.step('sidebar', async () => {
    const api = await w.as('agent');
    await makeTicket(api, { subject: 'Для счётчика' });
    const open = Number((await w.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).where('status', 'not in', ['solved', 'closed']).executeTakeFirstOrThrow()).n);
    const expect = { agent: [false, false], lead: [true, false], admin: [true, true], light_agent: [false, false] } as const;
    for (const role of ['agent', 'lead', 'admin', 'light_agent'] as const) {
      const { page } = await w.signIn(role, { lang: 'en' });
      const nav = page.getByRole('navigation', { name: 'Sections' });
      await nav.getByRole('link', { name: /^Unsolved/ }).filter({ hasText: `${open} ticket` }).waitFor();
      await nav.getByRole('link', { name: 'Search' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Lead' }).count(), expect[role][0] ? 1 : 0, role);
      assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), expect[role][1] ? 1 : 0, role);
      await page.getByRole('link', { name: /^My profile/ }).click();
      await page.waitForURL((x) => x.pathname === '/me');
    }
  }));

  test('on a phone the sidebar is behind the menu button', () => w.step('phone', async () => {
    const u = await w.createUser('agent');
    const page = await (await w.context({ lang: 'ru', phone: true })).newPage();
    await page.goto('/');
    await page.getByLabel('Эл. почта').fill(u.email);
    await page.getByLabel('Пароль').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Войти' }).click();
    const menu = page.getByRole('button', { name: 'Меню' });
    await menu.waitFor();
    const nav = page.getByRole('navigation', { name: 'Разделы' });
    assert.equal(await nav.isVisible(), false);
    // the list's filters fold behind a button too
    const filters = page.getByRole('button', { name: 'Фильтры' });
    await filters.waitFor();
    assert.equal(await page.getByLabel('Статус', { exact: true }).isVisible(), false);
    await filters.click();
    await page.getByLabel('Статус', { exact: true }).waitFor();
    assert.equal(await filters.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the list fits the phone');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    await nav.waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Поиск' }).click();
    await page.waitForURL((x) => x.pathname === '/search');
    await nav.waitFor({ state: 'hidden' });
    // nothing wider than the screen
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  }));
});
