// The shell in a real browser: sign-in, CSP without violations, deep links, language switch,
// session expiry handled over the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
});
