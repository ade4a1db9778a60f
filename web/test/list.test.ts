// The ticket list in a real browser: score order, keyboard, filters, bulk actions with version
// conflicts, saved views in the sidebar, roles, virtualization with hundreds of tickets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ticketRef } from '../../server/modules/tickets/ticket-number.ts';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

/** Data rows of the list (the header row has no gridcells). */
const rows = (page: Page) => page.getByRole('grid').getByRole('row').filter({ has: page.getByRole('gridcell') });
const numbersShown = (page: Page) => rows(page).locator('.list-c-number').allTextContents();

describe('web ticket list', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('tickets made through the API are listed by priority score; j/k move, Enter opens', () => w.step('list-order', async () => {
    const api = await w.as('agent');
    for (const priority of ['low', 'urgent', 'normal', 'high']) await makeTicket(api, { subject: `Порядок ${priority}`, priority });
    const expected = await w.deps.db.selectFrom('tickets').select(['number', 'priority_score']).orderBy('priority_score', 'desc').orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
    assert.ok(expected[0].priority_score > expected[3].priority_score, 'scores differ');
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.getByRole('heading', { name: 'Нерешённые' }).waitFor();
    await rows(page).nth(3).waitFor();
    const shown = await numbersShown(page);
    assert.deepEqual(shown, expected.map((t) => ticketRef(w.config, t.number)));
    await rows(page).first().getByText('Срочный').waitFor();
    await page.getByRole('columnheader', { name: 'Балл' }).waitFor();

    // j j j k: the second row is current; Enter opens it
    for (const k of ['j', 'j', 'j', 'k']) await page.keyboard.press(k);
    await page.waitForFunction(() => document.querySelector('[role=grid]')?.getAttribute('aria-activedescendant')?.startsWith('list-row-'));
    assert.match(await rows(page).nth(1).getAttribute('class') ?? '', /\bactive\b/);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tickets/${shown[1]}$`));
    assert.deepEqual(errors, []);
  }));

  test('filters narrow the list; bulk status change lands in the DB and reports the conflict', () => w.step('list-bulk', async () => {
    const api = await w.as('agent');
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await makeTicket(api, { subject: `Массовая ${i}`, tags: ['bulk1'] }));
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await rows(page).first().waitFor();
    assert.ok((await rows(page).count()) > 3);
    await page.getByLabel('Метка', { exact: true }).fill('bulk1');
    await page.getByLabel('Метка', { exact: true }).press('Enter');
    await page.getByRole('status').filter({ hasText: 'Загружено 3 заявки' }).waitFor();
    assert.equal(await rows(page).count(), 3);
    assert.deepEqual((await rows(page).locator('.list-c-subject').allTextContents()).sort(), ['Массовая 0', 'Массовая 1', 'Массовая 2']);

    // first checkbox, then Shift+click on the third: the range is selected
    const shown = await numbersShown(page);
    await page.getByRole('checkbox', { name: `Отметить ${shown[0]}` }).click();
    await page.getByRole('checkbox', { name: `Отметить ${shown[2]}` }).click({ modifiers: ['Shift'] });
    const bulk = page.getByRole('region', { name: 'Действия с отмеченными' });
    await bulk.getByText('Отмечено 3 заявки').waitFor();
    assert.equal(await page.getByRole('row', { selected: true }).count(), 3);

    // a colleague changes one of them meanwhile: that one is a conflict, the others change
    const stale = made.find((t) => t.number === shown[1])!;
    assert.equal((await api.patch(`/api/v1/tickets/${stale.id}`, { version: stale.version, priority: 'high' })).status, 200);
    await bulk.getByLabel('Действие').selectOption('status');
    await bulk.getByLabel('Значение').selectOption('on_hold');
    const writes: string[] = [];
    page.on('request', (q) => { if (q.method() !== 'GET' && q.url().includes('/api/v1/tickets')) writes.push(`${q.method()} ${new URL(q.url()).pathname}`); });
    await bulk.getByRole('button', { name: 'Применить' }).click();
    const summary = page.getByRole('status').filter({ hasText: 'Изменено 2 заявки.' });
    await summary.waitFor();
    assert.deepEqual(writes, ['POST /api/v1/tickets/bulk'], 'one bulk request for the three tickets');
    await summary.getByText(`Изменены другими, пропущены (обновите и повторите): ${shown[1]}`).waitFor();
    const inDb = await w.deps.db.selectFrom('tickets').select(['id', 'status']).where('id', 'in', made.map((t) => t.id)).execute();
    const status = new Map(inDb.map((r) => [r.id, r.status]));
    for (const t of made) assert.equal(status.get(t.id), t.id === stale.id ? 'new' : 'on_hold', t.number);
    // the conflicting ticket stays selected for a retry
    await bulk.getByText('Отмечена 1 заявка').waitFor();

    // status filter: only the two on hold
    await page.getByLabel('Статус', { exact: true }).selectOption('on_hold');
    await page.getByRole('status').filter({ hasText: 'Загружено 2 заявки' }).waitFor();
    assert.deepEqual((await numbersShown(page)).sort(), [shown[0], shown[2]].sort());
    // the filter is in the URL: a reload (or the link sent to a colleague) shows the same list
    await page.waitForURL(/[?&]status=on_hold/);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Загружено 2 заявки' }).waitFor();
    assert.equal(await page.getByLabel('Статус', { exact: true }).inputValue(), 'on_hold');
    assert.deepEqual((await numbersShown(page)).sort(), [shown[0], shown[2]].sort());
    assert.deepEqual(errors, []);
  }));

  test('a saved view appears in the sidebar with its count', () => w.step('list-view', async () => {
    const api = await w.as('agent');
    for (let i = 0; i < 2; i++) await makeTicket(api, { subject: `Для вида ${i}`, tags: ['saved2'] });
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    await rows(page).first().waitFor();
    await page.getByLabel('Метка', { exact: true }).fill('saved2');
    await page.getByLabel('Метка', { exact: true }).press('Enter');
    await page.getByRole('status').filter({ hasText: 'Загружено 2 заявки' }).waitFor();
    await page.getByRole('button', { name: 'Сохранить как представление' }).click();
    await page.getByLabel('Название представления').fill('Мой вид');
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    const link = page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: /Мой вид/ });
    await link.filter({ hasText: '2 заявки' }).waitFor();
    await page.waitForURL(/\/views\/\d+$/);
    await page.getByRole('heading', { name: 'Мой вид' }).waitFor();
    const v = await w.deps.db.selectFrom('views').selectAll().where('owner_user_id', '=', userId).executeTakeFirstOrThrow();
    assert.equal(v.name, 'Мой вид');
    assert.deepEqual((v.filters as { tags?: string[] }).tags, ['saved2']);
    assert.ok(page.url().endsWith(`/views/${v.id}`));
    await page.getByRole('status').filter({ hasText: 'Загружено 2 заявки' }).waitFor();
    assert.equal(await rows(page).count(), 2);
  }));

  test('a light agent sees the list but no selection or bulk actions (English)', () => w.step('list-light', async () => {
    const { page } = await w.signIn('light_agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.getByRole('heading', { name: 'Unsolved' }).waitFor();
    await rows(page).first().waitFor();
    await page.getByRole('columnheader', { name: 'Subject' }).waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 0);
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('Shift+A');
    assert.equal(await page.getByRole('region', { name: 'Actions on selected tickets' }).count(), 0);
    assert.equal(await page.getByRole('row', { selected: true }).count(), 0);
    assert.deepEqual(errors, []);
  }));

  test('empty and error states: said in words, with a way out', { timeout: 120_000 }, () => w.step('list-states', async () => {
    const { page } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await rows(page).first().waitFor();
    await page.getByLabel('Tag', { exact: true }).fill('no-such-tag');
    await page.getByLabel('Tag', { exact: true }).press('Enter');
    await page.getByText('No ticket matches these filters.').waitFor();
    assert.equal(await page.getByRole('grid').count(), 0);
    await page.getByRole('button', { name: 'Reset filters' }).first().click();
    await rows(page).first().waitFor();
    // the server fails once: an alert with Retry, and Retry brings the list back
    let down = true;
    const problem = JSON.stringify({ type: 'about:blank', title: 'Unavailable', status: 503, code: 'unavailable', detail: 'database is restarting' });
    await page.route(/\/api\/v1\/tickets\?/, (r) => (down ? r.fulfill({ status: 503, contentType: 'application/problem+json', body: problem }) : r.continue()));
    await page.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await page.getByRole('alert').filter({ hasText: 'Could not load the tickets: database is restarting' }).waitFor();
    down = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await rows(page).first().waitFor();
    assert.ok((await rows(page).locator('.list-c-priority').allTextContents()).every((p) => p === 'Urgent'));
    assert.deepEqual(errors.filter((e) => !/503/.test(e)), []);
  }));

  test('500 tickets: the list keeps about a page of rows in the DOM while scrolling loads more', () => w.step('list-virtual', async () => {
    const api = await w.as('agent');
    const before = Number((await w.deps.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const todo = Array.from({ length: 500 - before }, (_, i) => i);
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (let i = todo.shift(); i !== undefined; i = todo.shift()) await makeTicket(api, { subject: `Много ${i}` });
    }));
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await rows(page).first().waitFor();
    await page.getByRole('status').filter({ hasText: 'Загружено 100 заявок, есть ещё' }).waitFor();
    assert.ok((await rows(page).count()) <= 60, 'only the rows in sight');
    // scroll to the end again and again: pages load, the DOM stays small
    const all = page.getByRole('status').filter({ hasText: /^Загружено 500 заявок$/ });
    for (const until = Date.now() + 60_000; Date.now() < until && !(await all.count());) {
      await page.locator('.list-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForTimeout(200); // pacing only: the assertion is the status text below
    }
    await all.waitFor();
    await page.locator('.list-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const inDom = await rows(page).count();
    assert.ok(inDom > 5 && inDom <= 100, `rows in the DOM: ${inDom}`);
    // the last ticket by score is reachable and shown
    const last = await w.deps.db.selectFrom('tickets').select('number').orderBy('priority_score', 'asc').orderBy('updated_at', 'asc').orderBy('id', 'asc').executeTakeFirstOrThrow();
    await rows(page).filter({ has: page.getByRole('gridcell', { name: ticketRef(w.config, last.number), exact: true }) }).waitFor();
    assert.deepEqual(errors, []);
  }));
  test('live: a new ticket appears without reload and without moving what the agent looks at', () => w.step('list-live', async () => {
    const api = await w.as('agent');
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await rows(page).first().waitFor();
    const scroller = page.locator('.list-scroll');
    // scroll down until row 30 is at the top (pages load as needed)
    await scroller.evaluate((el) => { el.scrollTop = 30 * 40; el.dispatchEvent(new Event('scroll')); });
    const topRow = () => page.evaluate(() => {
      const box = document.querySelector('.list-scroll')!.getBoundingClientRect();
      const r = [...document.querySelectorAll('.list-scroll [role=row]')].find((e) => Math.abs(e.getBoundingClientRect().top - box.top) < 20);
      return r ? { number: r.querySelector('.list-c-number')!.textContent, top: Math.round(r.getBoundingClientRect().top) } : null;
    });
    await page.waitForFunction(() => document.querySelector('.list-scroll')!.scrollTop >= 1200);
    const before = await topRow();
    assert.ok(before, 'a row at the top of the scroll box');
    const refetched = page.waitForResponse((r) => /\/api\/v1\/views\/\d+\/tickets/.test(r.url()));
    const fresh = await makeTicket(api, { subject: 'Живая срочная', priority: 'urgent', tags: ['live'] });
    await refetched;
    // one row more above: the scroll box moved down by one row, so the same row stays in sight
    await page.waitForFunction(() => document.querySelector('.list-scroll')!.scrollTop >= 1240);
    assert.deepEqual(await topRow(), before, 'the row in sight stays where it was');
    // at the top, the new urgent ticket is among the first rows
    await scroller.evaluate((el) => { el.scrollTop = 0; });
    await rows(page).filter({ hasText: 'Живая срочная' }).waitFor();
    const first = await numbersShown(page);
    assert.ok(first.slice(0, 10).includes(fresh.number), `${fresh.number} near the top`);
    assert.deepEqual(errors, []);
  }));
});
