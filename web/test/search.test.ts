// Global search in a real browser: Russian word forms, <mark> highlights built as elements (the
// snippet is never injected as HTML), keyset "show more", both languages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

describe('web search', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('«письма» finds «письмо» with a <mark>; hostile text in a snippet stays text', () => w.step('search-forms', async () => {
    const api = await w.as('agent');
    const hit = await makeTicket(api, {
      subject: 'Проблема с доставкой',
      message: { body: 'Письмо с кодом <b>не пришло</b> <img src=x onerror="window.__xss=1"> вообще.' },
    });
    await makeTicket(api, { subject: 'Смена тарифа', message: { body: 'Хочу перейти на другой тариф.' } });
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const box = page.getByRole('searchbox', { name: 'Поиск по заявкам' }).first();
    await box.fill('письма');
    await box.press('Enter');
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === 'письма');
    await page.getByRole('heading', { name: 'Результаты по запросу «письма»' }).waitFor();
    const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Проблема с доставкой' }) });
    await item.waitFor();
    assert.equal(await page.getByRole('link', { name: 'Смена тарифа' }).count(), 0);
    await page.getByRole('status').filter({ hasText: 'Показана 1 заявка' }).waitFor();
    const mark = item.locator('.search-snippet mark');
    assert.equal((await mark.first().textContent())?.toLowerCase(), 'письмо');
    // the customer's markup is shown as text, never as elements
    const snippet = item.locator('.search-snippet');
    assert.match(await snippet.textContent() ?? '', /<b>не пришло<\/b>/);
    assert.equal(await snippet.locator('b, img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await item.getByRole('link', { name: 'Проблема с доставкой' }).click();
    await page.waitForURL(new RegExp(`/tickets/${hit.number}$`));
    assert.deepEqual(errors, []);
  }));

  test('more results load by keyset; English page', () => w.step('search-more', async () => {
    const api = await w.as('agent');
    for (let i = 0; i < 30; i++) await makeTicket(api, { subject: `Договор номер ${i}`, message: { body: 'Пришлите, пожалуйста, копию.' } });
    const { page } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/search?q=договоры');
    await page.getByRole('heading', { name: 'Results for “договоры”' }).waitFor();
    await page.getByRole('status').filter({ hasText: '25 tickets shown' }).waitFor();
    assert.equal(await page.locator('.search-hit').count(), 25);
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.getByRole('status').filter({ hasText: '30 tickets shown' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Show more' }).count(), 0);
    const subjects = await page.locator('.search-subject').allTextContents();
    assert.equal(new Set(subjects).size, 30);
    assert.equal(await page.locator('.search-snippet mark').count() >= 30, true);
    // nothing found: said so
    await page.getByLabel('Search tickets', { exact: true }).last().fill('абракадабра');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Nothing found for “абракадабра”.' }).waitFor();
    assert.deepEqual(errors, []);
  }));
});
