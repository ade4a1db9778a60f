// The profile page (/me) in a real browser: language, password, API tokens, notification
// preferences, signing out everywhere.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

describe('profile page', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('switching the language to English saves users.locale and turns the UI English', () => w.step('profile-lang', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/me');
    await page.getByRole('heading', { name: 'Мой профиль' }).waitFor();
    const form = page.getByRole('form', { name: 'Имя, язык и часовой пояс' });
    await form.getByLabel('Язык').selectOption('en');
    await form.getByLabel('Часовой пояс').fill('Europe/Samara');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    const u = await w.deps.db.selectFrom('users').select(['locale', 'time_zone']).where('id', '=', userId).executeTakeFirstOrThrow();
    assert.deepEqual(u, { locale: 'en', time_zone: 'Europe/Samara' });
    assert.deepEqual(errors, []);
  }));

  test('changing the password: errors shown; afterwards the old password no longer signs in', () => w.step('profile-password', async () => {
    const { page, email } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/me');
    const form = page.getByRole('form', { name: 'Password' });
    const fresh = 'a brand new passphrase';
    // too short: refused before it is sent
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill('short');
    await form.getByLabel('New password again').fill('short');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('At least 12 characters are needed').waitFor();
    // wrong current password: the API's 401 is shown at the field, the session stays
    await form.getByLabel('Current password').fill('not my password at all');
    await form.getByLabel('New password', { exact: true }).fill(fresh);
    await form.getByLabel('New password again').fill(fresh);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('The current password is wrong').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no "session expired" sign-in');
    // right one
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    assert.equal((await w.anon().login(email, PASSWORD)).status, 401);
    assert.equal((await w.anon().login(email, fresh)).status, 200);
    // this browser got the new session: the app keeps working after a reload
    await page.reload();
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    assert.equal(await page.locator('input[name=password]').count(), 0);
    assert.deepEqual(errors, []);
  }));

  test('an API token is shown once, works as Bearer, and stops working when revoked', () => w.step('profile-token', async () => {
    const { page, email } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/me');
    const tokens = page.getByRole('region', { name: 'API tokens' });
    const form = tokens.getByRole('form', { name: 'Create token' });
    await form.getByLabel('Name').fill('CI script');
    await form.getByRole('checkbox', { name: 'write' }).check();
    await form.getByRole('button', { name: 'Create token' }).click();
    const secret = (await tokens.getByLabel('Token', { exact: true }).innerText()).trim();
    assert.ok(secret.length > 20, secret);
    const me = (token: string) => fetch(`${w.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    const ok = await me(secret);
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).email, email);
    const row = await w.deps.db.selectFrom('api_tokens').selectAll().where('name', '=', 'CI script').executeTakeFirstOrThrow();
    assert.deepEqual([...row.scopes].sort(), ['read', 'write']);
    // shown once: gone after a reload, only its prefix is listed
    await page.reload();
    const list = page.getByRole('region', { name: 'API tokens' });
    await list.getByRole('cell', { name: 'CI script', exact: true }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0);
    await list.getByRole('button', { name: 'Revoke' }).click();
    await list.getByRole('button', { name: 'Yes, confirm' }).click();
    await list.getByRole('cell', { name: 'revoked', exact: true }).waitFor();
    assert.equal((await me(secret)).status, 401);
    assert.deepEqual(errors, []);
  }));

  test('notification preferences save; signing out everywhere ends every session', () => w.step('profile-prefs-logout', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/me');
    const prefs = page.getByRole('region', { name: 'Notifications' });
    await prefs.getByRole('checkbox', { name: 'SLA breached: By e-mail' }).uncheck();
    await prefs.getByRole('button', { name: 'Save' }).click();
    await prefs.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const pref = await w.deps.db.selectFrom('notification_prefs').selectAll().where('user_id', '=', userId).where('kind', '=', 'sla_breach').executeTakeFirstOrThrow();
    assert.equal(pref.email, false);

    const other = await w.createUser('agent'); // someone else's session must survive
    const otherClient = w.anon();
    await otherClient.login(other.email);
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await sessions.getByRole('button', { name: 'Sign out everywhere' }).click();
    await sessions.getByRole('button', { name: 'Yes, confirm' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const left = await w.deps.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
    assert.equal(left.length, 0);
    assert.equal((await otherClient.get('/api/v1/auth/me')).status, 200);
    assert.deepEqual(errors, []);
  }));
});
