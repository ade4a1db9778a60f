// The portal in a real browser: sign-in by a real magic link (requested through the form, read
// from the outbox), own tickets only, someone else's ticket is "not found", single-use links.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findOrCreateCustomer } from '../../server/modules/people/customer-lookup.ts';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

let seq = 0;

/** Asks for a link through the form and returns the token mailed to the address. */
async function requestLink(w: WebCtx, page: Page, email: string): Promise<string> {
  await page.goto('/portal/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await page.getByRole('status').filter({ hasText: 'Check your mail' }).waitFor();
  const mail = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).where('kind', '=', 'magic_link')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  return /token=([\w-]+)/.exec(mail.body_text)![1];
}

describe('portal access', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('a customer signs in by a real magic link and sees only their own tickets', () => w.step('portal-own', async () => {
    const email = `own${++seq}@clients.test`;
    const me = await findOrCreateCustomer(w.deps.db, email, { name: 'Olga Own' });
    const stranger = await findOrCreateCustomer(w.deps.db, `stranger${seq}@clients.test`, { name: 'Someone Else' });
    const agent = await w.as('agent');
    const mine = [
      await makeTicket(agent, { subject: 'Printer is on fire', requester: { id: me.id } }),
      await makeTicket(agent, { subject: 'Invoice for March', requester: { id: me.id } }),
    ];
    const theirs = await makeTicket(agent, { subject: 'Secret stranger ticket', requester: { id: stranger.id } });

    const page = await (await w.context({ lang: 'en' })).newPage();
    const errors = watchErrors(page);
    const token = await requestLink(w, page, email);
    await page.goto(`/portal/login?token=${token}`);
    await page.getByRole('heading', { name: 'My requests' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/');
    for (const t of mine) await page.getByRole('link', { name: new RegExp(t.number) }).waitFor();
    await page.getByText('Printer is on fire').waitFor();
    assert.equal(await page.getByText('Secret stranger ticket').count(), 0);
    assert.equal(await page.getByRole('link', { name: new RegExp(`${theirs.number}\\b`) }).count(), 0);
    assert.equal(await page.locator('.portal-ticket-row').count(), 2);

    // someone else's ticket by URL: "not found" on the page, 404 from the API
    await page.goto(`/portal/tickets/${theirs.number}`);
    await page.getByRole('heading', { name: 'Request not found' }).waitFor();
    assert.equal(await page.getByText('Secret stranger ticket').count(), 0);
    const statuses = await page.evaluate(async (ref) => Promise.all(
      [`/api/v1/portal/tickets/${ref}`, `/api/v1/portal/tickets/${ref}/messages`, `/api/v1/portal/tickets/${ref}/promises`]
        .map(async (u) => (await fetch(u)).status)), theirs.number);
    assert.deepEqual(statuses, [404, 404, 404]);
    // the own one opens by the same kind of URL
    await page.goto(`/portal/tickets/${mine[0].number}`);
    await page.getByRole('heading', { name: /Printer is on fire/ }).waitFor();
    assert.deepEqual(errors, []);
  }));

  test('the answer to a link request never tells whether the address is known', () => w.step('portal-unknown', async () => {
    const email = `known${++seq}@clients.test`;
    await findOrCreateCustomer(w.deps.db, email, { name: 'Known' });
    const page = await (await w.context({ lang: 'en' })).newPage();
    await requestLink(w, page, email);
    const known = await page.getByRole('status').innerText();
    await page.goto('/portal/');
    await page.getByLabel('E-mail').fill(`nobody${seq}@nowhere.test`);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    const unknown = await page.getByRole('status').filter({ hasText: 'Check your mail' }).innerText();
    assert.equal(unknown.replace(`nobody${seq}@nowhere.test`, '@'), known.replace(email, '@'));
    const none = await w.deps.db.selectFrom('outbox').select('id').where('to_address', '=', `nobody${seq}@nowhere.test`).execute();
    assert.equal(none.length, 0);
  }));

  test('a sign-in link works once: the second use is refused with a way to get a new one', () => w.step('portal-single-use', async () => {
    const email = `once${++seq}@clients.test`;
    await findOrCreateCustomer(w.deps.db, email, { name: 'Once' });
    const first = await (await w.context({ lang: 'en' })).newPage();
    const token = await requestLink(w, first, email);
    await first.goto(`/portal/login?token=${token}`);
    await first.getByRole('heading', { name: 'My requests' }).waitFor();

    const second = await (await w.context({ lang: 'en' })).newPage();
    await second.goto(`/portal/login?token=${token}`);
    await second.getByRole('alert').filter({ hasText: 'already been used or has expired' }).waitFor();
    await second.getByLabel('E-mail').waitFor();
    await second.getByRole('button', { name: 'Send me a link' }).waitFor();
    assert.equal(await second.getByRole('heading', { name: 'My requests' }).count(), 0);
    assert.equal((await second.evaluate(() => fetch('/api/v1/portal/tickets').then((r) => r.status))), 401);

    // the same in Russian
    const ru = await (await w.context({ lang: 'ru' })).newPage();
    await ru.goto(`/portal/login?token=${token}`);
    await ru.getByRole('alert').filter({ hasText: 'уже использована или устарела' }).waitFor();
    await ru.getByRole('button', { name: 'Получить ссылку' }).waitFor();
  }));

  test('signing out ends the session; a staff session is not a customer one', () => w.step('portal-signout', async () => {
    const email = `out${++seq}@clients.test`;
    await findOrCreateCustomer(w.deps.db, email, { name: 'Out' });
    const page = await (await w.context({ lang: 'en' })).newPage();
    const token = await requestLink(w, page, email);
    await page.goto(`/portal/login?token=${token}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to support' }).waitFor();
    assert.equal((await page.evaluate(() => fetch('/api/v1/portal/tickets').then((r) => r.status))), 401);

    const { page: agentPage } = await w.signIn('agent', { lang: 'en' });
    await agentPage.goto('/portal/');
    await agentPage.getByText('You are signed in as staff').waitFor();
    assert.equal(await agentPage.locator('.portal-ticket-row').count(), 0);
  }));
});
