// The customer portal in a real browser: the ticket page (public conversation only, promises
// with due times, status in plain words), replying, opening a request, phone width, languages.
// Also the pure status-line function.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findOrCreateCustomer } from '../../server/modules/people/customer-lookup.ts';
import { makeTicket } from '../../server/test/harness.ts';
import { formatDue, statusLine } from '../src/portal/status.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const TZ = 'Europe/Moscow';

describe('status in plain words', () => {
  // Tue 8 Dec 2026 12:00 Moscow; "now" is the Monday before
  const due = '2026-12-08T09:00:00Z';
  const now = Date.parse('2026-12-07T09:00:00Z');
  const open = { dueAt: due, state: 'open' as const };
  const line2 = { status: 'open' as const, waitingOn: 'support' as const, line: 2 };

  test('second line with an open promise: who we wait for and the next update time', () => {
    assert.equal(statusLine(line2, [open], 'en', now, TZ), 'Waiting for our second line, next update by Tue 12:00');
    assert.equal(statusLine(line2, [open], 'ru', now, TZ), 'Ждём ответа нашей второй линии, следующее обновление — до вт 12:00');
  });

  test('the earliest open promise counts; kept, cancelled and renegotiated ones do not', () => {
    const later = { dueAt: '2026-12-09T09:00:00Z', state: 'open' as const };
    const kept = { dueAt: '2026-12-07T10:00:00Z', state: 'kept' as const };
    const moved = { dueAt: '2026-12-07T11:00:00Z', state: 'renegotiated' as const };
    assert.equal(statusLine(line2, [later, kept, moved, open], 'en', now, TZ), 'Waiting for our second line, next update by Tue 12:00');
    assert.equal(statusLine(line2, [kept, moved], 'en', now, TZ), 'Waiting for our second line');
  });

  test('an overdue open promise is admitted, not hidden', () => {
    const late = Date.parse('2026-12-08T10:00:00Z');
    assert.equal(statusLine(line2, [open], 'en', late, TZ), 'Waiting for our second line. We promised an update by Tue 12:00 and we are late — sorry');
    assert.match(statusLine(line2, [open], 'ru', late, TZ), /^Ждём ответа нашей второй линии\. Мы обещали обновление до вт 12:00 и опаздываем/);
  });

  test('first line, third party, waiting for the customer, solved, closed', () => {
    const t = (over: object) => ({ ...line2, ...over });
    assert.equal(statusLine(t({ line: 1 }), [], 'en', now, TZ), 'Waiting for our support team');
    assert.equal(statusLine(t({ line: 3 }), [], 'ru', now, TZ), 'Ждём ответа нашей третьей линии');
    assert.equal(statusLine(t({ line: 4 }), [], 'en', now, TZ), 'Waiting for our specialists (line 4)');
    assert.equal(statusLine(t({ waitingOn: 'third_party' }), [open], 'en', now, TZ), 'Waiting for an answer from our partner, next update by Tue 12:00');
    // waiting for the customer: our promises are not the point
    assert.match(statusLine(t({ status: 'awaiting_reply', waitingOn: 'customer' }), [open], 'en', now, TZ), /^Waiting for your reply/);
    assert.match(statusLine(t({ status: 'solved', waitingOn: 'none' }), [open], 'ru', now, TZ), /^Запрос решён/);
    assert.match(statusLine(t({ status: 'closed', waitingOn: 'none' }), [], 'en', now, TZ), /^Closed/);
  });

  test('a due time beyond the coming week carries its date', () => {
    assert.equal(formatDue('2026-12-22T09:00:00Z', 'en', now, TZ), 'Tue 22 Dec, 12:00');
    assert.equal(formatDue(due, 'ru', now, TZ), 'вт 12:00');
  });
});

let seq = 0;

/** A customer signed in through the form and a real mailed link; the page is on their list. */
async function signInCustomer(w: WebCtx, opts: { lang?: 'ru' | 'en'; phone?: boolean; name?: string } = {}) {
  const lang = opts.lang ?? 'en';
  const email = `portal${++seq}@clients.test`;
  const c = await findOrCreateCustomer(w.deps.db, email, { name: opts.name ?? `Customer ${seq}` });
  const page = await (await w.context({ lang, phone: opts.phone })).newPage();
  const errors = watchErrors(page);
  await page.goto('/portal/');
  await page.getByLabel(lang === 'en' ? 'E-mail' : 'Эл. почта').fill(email);
  await page.getByRole('button', { name: lang === 'en' ? 'Send me a link' : 'Получить ссылку' }).click();
  await page.getByRole('status').filter({ hasText: lang === 'en' ? 'Check your mail' : 'Проверьте почту' }).waitFor();
  const mail = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).where('kind', '=', 'magic_link')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  await page.goto(`/portal/login?token=${/token=([\w-]+)/.exec(mail.body_text)![1]}`);
  await page.getByRole('heading', { name: lang === 'en' ? 'My requests' : 'Мои запросы' }).waitFor();
  return { page, customerId: c.id, email, errors };
}

async function noHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `page is ${width}px wide on a 375px phone`);
}

const medium = (iso: string, lang: 'ru' | 'en') =>
  new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: TZ }).format(new Date(iso));

describe('portal ticket page', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('public conversation only, the promise with its due time, the status in plain words; the reply lands on the ticket', () => w.step('portal-ticket', async () => {
    const { page, customerId, errors } = await signInCustomer(w);
    const agent = await w.as('agent');
    const t = await makeTicket(agent, { subject: 'VPN drops every hour', requester: { id: customerId }, message: { body: 'The VPN disconnects.' } });
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/messages`, { body: 'We are looking into the VPN logs.' })).status, 201);
    assert.equal((await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'INTERNAL: customer is on the legacy plan' })).status, 201);
    const dueAt = new Date(Date.now() + 2 * 86_400_000).toISOString().replace(/\d\d:\d\d\.\d+Z$/, '00:00.000Z');
    const p = await agent.post(`/api/v1/tickets/${t.id}/promises`, { text: 'We will send you the root cause', dueAt, kind: 'update' });
    assert.equal(p.status, 201, p.raw);
    await w.deps.db.updateTable('tickets').set({ level: 2 }).where('id', '=', t.id).execute();

    await page.reload();
    await page.getByRole('link', { name: new RegExp(t.number) }).click();
    await page.getByRole('heading', { name: /VPN drops every hour/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/portal/tickets/${t.number}`);
    await page.getByText('We are looking into the VPN logs.').waitFor();
    await page.getByText('The VPN disconnects.').waitFor();
    assert.equal(await page.getByText('INTERNAL: customer is on the legacy plan').count(), 0);
    assert.doesNotMatch(await page.content(), /legacy plan/);

    const promises = page.getByRole('region', { name: 'What we promised' });
    await promises.getByText('We will send you the root cause').waitFor();
    await promises.getByText(`by ${medium(dueAt, 'en')}`).waitFor();
    await promises.getByText('pending').waitFor();
    const now = page.getByRole('region', { name: 'Now' });
    await now.getByText(`Waiting for our second line, next update by ${formatDue(dueAt, 'en', Date.now(), TZ)}`).waitFor();

    // reply through the form
    await page.getByLabel('Your message').fill('It dropped again at 14:05.\nSecond line here.');
    await page.getByLabel('Files').setInputFiles([
      { name: 'vpn-log.txt', mimeType: 'text/plain', buffer: Buffer.from('14:05 tunnel down') },
      { name: 'oops.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
    ]);
    await page.getByRole('button', { name: 'Remove oops.txt' }).click();
    await page.getByRole('button', { name: 'Remove vpn-log.txt' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Remove oops.txt' }).count(), 0);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Your message has been sent.' }).waitFor();
    await page.locator('.portal-message-customer').filter({ hasText: 'It dropped again at 14:05.' }).waitFor();
    const rows = await w.deps.db.selectFrom('messages').select(['body_text', 'author_type', 'author_customer_id', 'kind', 'channel'])
      .where('ticket_id', '=', t.id).where('author_type', '=', 'customer').orderBy('id').execute();
    assert.equal(rows.length, 2);
    assert.deepEqual({ ...rows[1], body_text: rows[1].body_text.trim() },
      { body_text: 'It dropped again at 14:05.\nSecond line here.', author_type: 'customer', author_customer_id: customerId, kind: 'reply', channel: 'portal' });
    assert.equal(await page.getByLabel('Your message').inputValue(), '');
    // the file went with the message; the other one did not; the customer can download it
    const files = await w.deps.db.selectFrom('attachments').select(['filename', 'message_id', 'ticket_id']).where('uploaded_by_customer_id', '=', customerId).orderBy('filename', 'desc').execute();
    const sent = (await w.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).where('author_type', '=', 'customer').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    assert.deepEqual(files, [{ filename: 'vpn-log.txt', message_id: sent, ticket_id: t.id }, { filename: 'oops.txt', message_id: null, ticket_id: null }]);
    const link = page.locator('.portal-message-customer').filter({ hasText: 'It dropped again' }).getByRole('link', { name: 'vpn-log.txt' });
    const href = await link.getAttribute('href');
    assert.equal(await page.evaluate((u) => fetch(u!).then((r) => r.text()), href), '14:05 tunnel down');

    // a kept promise reads as kept
    await agent.post(`/api/v1/promises/${p.body.id}/keep`, {});
    await page.reload();
    await page.getByRole('region', { name: 'What we promised' }).getByText('kept', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Now' }).getByText('Waiting for our second line', { exact: true }).waitFor();
    assert.deepEqual(errors, []);
  }));

  test('a new request through the form is stored as the customer\'s and opens its page', () => w.step('portal-new', async () => {
    const { page, customerId, errors } = await signInCustomer(w);
    await page.getByRole('link', { name: 'New request' }).first().click();
    await page.getByRole('heading', { name: 'New request' }).waitFor();
    await page.getByLabel('Subject').fill('Cannot export the report');
    await page.getByLabel('Describe what happened').fill('Export gives error 500 since Monday.');
    await page.getByLabel('Files').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: Buffer.from('fake png') });
    await page.getByRole('button', { name: 'Remove screenshot.png' }).waitFor();
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { name: /Cannot export the report/ }).waitFor();
    const row = await w.deps.db.selectFrom('tickets').select(['id', 'number', 'subject', 'channel', 'requester_id']).where('requester_id', '=', customerId).executeTakeFirstOrThrow();
    assert.deepEqual([row.subject, row.channel], ['Cannot export the report', 'portal']);
    assert.match(new URL(page.url()).pathname, new RegExp(`^/portal/tickets/[A-Z]+-${row.number}$`));
    const msg = await w.deps.db.selectFrom('messages').select(['body_text', 'author_customer_id']).where('ticket_id', '=', row.id).executeTakeFirstOrThrow();
    assert.deepEqual([msg.body_text.trim(), msg.author_customer_id], ['Export gives error 500 since Monday.', customerId]);
    await page.getByText('Export gives error 500 since Monday.').waitFor();
    await page.getByRole('link', { name: 'screenshot.png' }).waitFor();
    const att = await w.deps.db.selectFrom('attachments').select(['message_id', 'content_type']).where('ticket_id', '=', row.id).execute();
    assert.deepEqual(att.map((a) => a.content_type), ['image/png']);
    await page.getByRole('region', { name: 'Now' }).getByText('Waiting for our support team').waitFor();
    // back on the list it is there, in progress
    await page.getByRole('link', { name: '← All requests' }).click();
    await page.locator('.portal-ticket-row').filter({ hasText: 'Cannot export the report' }).getByText('In progress').waitFor();
    assert.deepEqual(errors, []);
  }));

  test('hostile text in subjects and bodies stays text', () => w.step('portal-xss', async () => {
    const { page, customerId, errors } = await signInCustomer(w);
    const agent = await w.as('agent');
    const evil = '<img src=x onerror="window.__pwned=1">"><script>window.__pwned=2</script>';
    const t = await makeTicket(agent, { subject: `Subject ${evil}`, requester: { id: customerId }, message: { body: `Body ${evil}` } });
    const up = await agent.req('POST', `/api/v1/attachments?filename=${encodeURIComponent('<svg onload=window.__pwned=5>.txt')}`, { raw: 'x', headers: { 'content-type': 'text/plain' } });
    assert.equal(up.status, 201, up.raw);
    const r = await agent.post(`/api/v1/tickets/${t.id}/messages`, {
      body: `<b onmouseover="window.__pwned=3">bold</b><script>window.__pwned=4</script>`, format: 'html', attachmentIds: [up.body.id],
    });
    assert.equal(r.status, 201, r.raw);
    await page.goto(`/portal/tickets/${t.number}`);
    await page.getByText(`Body ${evil}`).waitFor();
    await page.getByRole('heading', { name: /Subject <img/ }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.getByRole('link', { name: '<svg onload=window.__pwned=5>.txt' }).waitFor();
    assert.equal(await page.locator('main img, main script, main b, main svg').count(), 0);
    assert.deepEqual(errors, []);
  }));

  test('on a 375 px phone, in Russian: nothing scrolls sideways; the language switches to English', () => w.step('portal-phone', async () => {
    const { page, customerId, errors } = await signInCustomer(w, { lang: 'ru', phone: true, name: 'Константин Константинопольский-Длиннофамильный' });
    const agent = await w.as('agent');
    const long = 'Оченьдлинноеслово'.repeat(8);
    const t = await makeTicket(agent, { subject: `Не работает выгрузка ${long}`, requester: { id: customerId }, message: { body: `Ссылка https://example.com/${long}/${long}` } });
    await agent.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Перезвоним и расскажем, что нашли', dueAt: new Date(Date.now() + 3_600_000).toISOString(), kind: 'callback' });
    await page.reload();
    await page.getByRole('heading', { name: 'Мои запросы' }).waitFor();
    await page.locator('.portal-ticket-row').first().waitFor();
    await noHorizontalScroll(page);
    await page.getByRole('link', { name: new RegExp(t.number) }).click();
    await page.getByRole('region', { name: 'Что мы обещали' }).getByText('Перезвоним и расскажем, что нашли').waitFor();
    await page.getByRole('region', { name: 'Сейчас' }).getByText(/^Ждём ответа нашей поддержки, следующее обновление — до /).waitFor();
    await page.getByRole('region', { name: 'Что мы обещали' }).getByText('ждёт выполнения').waitFor();
    await noHorizontalScroll(page);
    await page.getByRole('link', { name: 'Новый запрос' }).first().click();
    await page.getByLabel('Тема').waitFor();
    await noHorizontalScroll(page);

    // the switch: the whole UI turns English (the choice is kept in localStorage) and back
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'New request' }).waitFor();
    await page.getByLabel('Describe what happened').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.evaluate(() => localStorage.getItem('slovo.lang')), 'en');
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByLabel('Опишите, что случилось').waitFor();
    assert.deepEqual(errors, []);
  }));

  test('an ended session asks to sign in again and keeps the reply being written; signing out forgets it', () => w.step('portal-expiry', async () => {
    const { page, customerId, email, errors } = await signInCustomer(w);
    const agent = await w.as('agent');
    const t = await makeTicket(agent, { subject: 'Draft ticket', requester: { id: customerId } });
    await page.goto(`/portal/tickets/${t.number}`);
    await page.getByLabel('Your message').fill('A long answer I do not want to lose');
    await w.deps.db.deleteFrom('sessions').where('customer_id', '=', customerId).execute();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your session has ended' }).waitFor();
    // a new link, through the form shown
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'Check your mail' }).waitFor();
    const mail = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).where('kind', '=', 'magic_link')
      .orderBy('id', 'desc').executeTakeFirstOrThrow();
    await page.goto(`/portal/login?token=${/token=([\w-]+)/.exec(mail.body_text)![1]}`);
    await page.getByRole('heading', { name: 'My requests' }).waitFor();
    await page.getByRole('link', { name: new RegExp(t.number) }).click();
    assert.equal(await page.getByLabel('Your message').inputValue(), 'A long answer I do not want to lose');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Your message has been sent.' }).waitFor();
    const stored = await w.deps.db.selectFrom('messages').select('body_text').where('ticket_id', '=', t.id).where('author_type', '=', 'customer').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(stored.body_text.trim(), 'A long answer I do not want to lose');
    assert.equal(await page.getByLabel('Your message').inputValue(), '');

    await page.getByLabel('Your message').fill('Another draft');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to support' }).waitFor();
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('draft'))), []);
    assert.deepEqual(errors, []);
  }));

  test('keyboard only: sign in, open a request and reply', () => w.step('portal-keyboard', async () => {
    const { page, customerId } = await signInCustomer(w);
    const agent = await w.as('agent');
    const t = await makeTicket(agent, { subject: 'Keyboard ticket', requester: { id: customerId } });
    await page.reload();
    await page.getByRole('link', { name: new RegExp(t.number) }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Keyboard ticket/ }).waitFor();
    // focus moved to the page heading
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    await page.getByLabel('Your message').focus();
    await page.keyboard.type('Typed with the keyboard');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type), 'file');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Your message has been sent.' }).waitFor();
    const n = await w.deps.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).where('body_text', 'like', '%Typed with the keyboard%').execute();
    assert.equal(n.length, 1);
  }));
});
