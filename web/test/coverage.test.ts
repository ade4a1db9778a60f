// The rest of the agent app in a real browser: the requester panel (stage, VIP, other tickets),
// the steps the customer already tried, the group in the properties form, bulk actions other than
// status, a public reply with a file, live sidebar counts, a mail alert on the lead page, and a
// keyboard-only flow from sign-in to a saved property.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { raiseAlert } from '../../server/mail/health/alerts.ts';
import { makeTicket, PASSWORD } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const rows = (page: Page) => page.getByRole('grid').getByRole('row').filter({ has: page.getByRole('gridcell') });

/** What has the focus, for assertions and failure messages. */
const focused = (page: Page) => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  if (!e || e === document.body) return 'body';
  const name = e.getAttribute('aria-label') ?? e.getAttribute('name') ?? e.textContent?.trim().slice(0, 30) ?? '';
  return `${e.tagName.toLowerCase()}${e.getAttribute('role') ? `[${e.getAttribute('role')}]` : ''}:${name}`;
});
const isFocused = (page: Page, selector: string) => page.evaluate((s) => !!document.activeElement?.matches(s), selector);

/** Presses Tab until the element matching the selector has the focus; fails with the path taken. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  const trail: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await isFocused(page, selector)) return;
    trail.push(await focused(page));
  }
  assert.fail(`Tab never reached ${selector}; went through: ${trail.join(' → ')}`);
}

describe('agent app: the rest of the ticket page, bulk actions and keyboard', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  const open = async (role: 'agent' | 'lead', number: string) => {
    const s = await w.signIn(role, { lang: 'ru' });
    const errors = watchErrors(s.page);
    await s.page.goto(`/tickets/${number}`);
    await s.page.locator('main[data-ticket-loaded]').waitFor();
    return { ...s, errors };
  };
  const ticketRow = (id: string) => w.deps.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  test('requester panel: trial stage, VIP from the organization, the other tickets with links', () => w.step('cov-requester', async () => {
    const admin = await w.as('admin');
    const org = await admin.post('/api/v1/organizations', { name: 'ООО Ромашка', domains: ['romashka.test'], vip: true });
    assert.equal(org.status, 201, org.raw);
    const cust = await admin.post('/api/v1/customers', { name: 'Анна Смирнова', emails: ['anna@romashka.test'], stage: 'trial', organizationId: org.body.id });
    assert.equal(cust.status, 201, cust.raw);
    const requester = { email: 'anna@romashka.test', name: 'Анна Смирнова' };
    const older = await makeTicket(admin, { subject: 'Не работает экспорт', requester });
    const solved = await makeTicket(admin, { subject: 'Счёт за март', requester });
    assert.equal((await admin.patch(`/api/v1/tickets/${solved.id}`, { status: 'solved' }, { 'if-match': `"${solved.version}"` })).status, 200);
    const t = await makeTicket(admin, { subject: 'Пробный период заканчивается', requester });
    assert.equal(t.requester.id, cust.body.id, 'the ticket is the existing customer\'s');

    const { page, errors } = await open('agent', t.number);
    const panel = page.getByRole('complementary', { name: 'Клиент' });
    await panel.getByText('ООО Ромашка').waitFor();
    await panel.getByText('открытых 2 из 3').waitFor();
    const facts = await panel.locator('.tk-dl').evaluate((dl) => {
      const out: Record<string, string> = {};
      for (const dt of dl.querySelectorAll('dt')) out[dt.textContent!] = (dt.nextElementSibling as HTMLElement).innerText;
      return out;
    });
    assert.deepEqual(facts, { 'Этап': 'Пробный период', 'Эл. почта': 'anna@romashka.test', 'Организация': 'ООО Ромашка', 'Обращения': 'открытых 2 из 3' });
    // the customer is on trial: VIP comes from the organization
    assert.deepEqual(await panel.locator('.tk-requester-name .badge').allTextContents(), ['VIP']);
    // the other two tickets (not this one), newest change first, with their status
    const others = panel.locator('.tk-others li');
    await others.nth(1).waitFor();
    assert.equal(await others.count(), 2);
    assert.deepEqual(await others.allInnerTexts(), [`${solved.number} Счёт за март Решено`, `${older.number} Не работает экспорт Новое`]);
    assert.equal(await panel.getByRole('link', { name: t.number }).count(), 0);
    await panel.getByRole('link', { name: older.number }).click();
    await page.waitForURL(`**/tickets/${older.number}`);
    await page.getByRole('heading', { level: 1, name: 'Не работает экспорт' }).waitFor();
    await panel.getByRole('link', { name: t.number }).waitFor();
    assert.equal(await panel.getByRole('link', { name: older.number }).count(), 0);
    assert.deepEqual(errors, []);
  }));

  test('the steps the customer already tried are listed under their message', () => w.step('cov-tried', async () => {
    const admin = await w.as('admin');
    const steps = ['перезагрузил роутер', 'поменял кабель', 'обновил прошивку'];
    const t = await makeTicket(admin, { subject: 'Нет интернета', message: { body: 'Роутер перезагружал, кабель поменял, даже прошивку обновил — без толку.' } });
    const msgs = (await admin.get(`/api/v1/tickets/${t.id}/messages`)).body.items;
    assert.deepEqual(msgs[0].analysis.triedSteps, steps, 'the analyzer found the steps');
    const { page, errors } = await open('agent', t.number);
    const customer = page.getByRole('article', { name: /^Клиент:/ });
    const tried = customer.locator('.tk-tried');
    await tried.getByText('Клиент уже пробовал:').waitFor();
    assert.deepEqual(await tried.getByRole('listitem').allTextContents(), steps);
    await customer.getByRole('list', { name: 'Сигналы анализа' }).getByText('Уже пробовал сам').waitFor();
    assert.equal(await page.locator('.tk-tried').count(), 1, 'only under the customer message');
    assert.deepEqual(errors, []);
  }));

  test('changing the group in the properties form lands in the DB and in the history', () => w.step('cov-group', async () => {
    const admin = await w.as('admin');
    const g = await w.deps.db.insertInto('groups').values({ name: 'Биллинг', level: 1, created_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const t = await makeTicket(admin, { subject: 'Сменить группу' });
    assert.equal(t.groupId, null);
    const { page, errors } = await open('agent', t.number);
    const form = page.getByRole('form', { name: 'Свойства' });
    await form.getByLabel('Группа').selectOption({ label: 'Биллинг (L1)' });
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('Сохранено').waitFor();
    const r = await ticketRow(t.id);
    assert.equal(r.group_id, g.id);
    assert.equal(r.version, t.version + 1);
    await page.locator('.tk-event').filter({ hasText: 'Группа: — → Биллинг' }).waitFor();
    // the form follows the refetched ticket
    await page.waitForFunction((id) => (document.querySelector('form[aria-label="Свойства"] select[aria-label="Группа"]') as HTMLSelectElement).value === id, g.id);
    assert.deepEqual(errors, []);
  }));

  test('bulk assign, priority, group and tag land in the DB for the selected tickets only', () => w.step('cov-bulk', async () => {
    const api = await w.as('agent');
    const colleague = await w.createUser('agent', { name: 'Вера Коллегова' });
    const g = await w.deps.db.insertInto('groups').values({ name: 'Массовая группа', level: 1, created_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const made: Awaited<ReturnType<typeof makeTicket>>[] = [];
    for (let i = 0; i < 3; i++) made.push(await makeTicket(api, { subject: `Пакет ${i}`, tags: ['bulk2'] }));
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await rows(page).first().waitFor();
    await page.getByLabel('Метка', { exact: true }).fill('bulk2');
    await page.getByLabel('Метка', { exact: true }).press('Enter');
    await page.getByRole('status').filter({ hasText: 'Загружено 3 заявки' }).waitFor();
    const [a, b] = made;
    const bulk = page.getByRole('region', { name: 'Действия с отмеченными' });
    const apply = async (action: string, value: string | { label: string }) => {
      for (const x of [a, b]) await page.getByRole('checkbox', { name: `Отметить ${x.number}` }).click();
      await bulk.getByText('Отмечено 2 заявки').waitFor();
      await bulk.getByLabel('Действие').selectOption(action);
      if (action === 'tag') await bulk.getByLabel('Значение').fill(value as string);
      else await bulk.getByLabel('Значение').selectOption(value);
      await bulk.getByRole('button', { name: 'Применить' }).click();
      // all went through: the selection empties and the bar goes
      await bulk.waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: 'Изменено 2 заявки.' }).waitFor();
      return w.deps.db.selectFrom('tickets').selectAll().where('id', 'in', made.map((x) => x.id)).orderBy('subject').execute();
    };
    let db = await apply('assign', { label: 'Вера Коллегова' });
    assert.deepEqual(db.map((r) => r.assignee_id), [colleague.id, colleague.id, null]);
    db = await apply('priority', 'urgent');
    assert.deepEqual(db.map((r) => r.priority), ['urgent', 'urgent', 'normal']);
    db = await apply('group', { label: 'Массовая группа' });
    assert.deepEqual(db.map((r) => r.group_id), [g.id, g.id, null]);
    db = await apply('tag', 'Срочно-Проверить');
    assert.deepEqual(db.map((r) => [...r.tags].sort()), [['bulk2', 'срочно-проверить'], ['bulk2', 'срочно-проверить'], ['bulk2']]);
    assert.deepEqual(db.map((r) => r.version), [a.version + 4, b.version + 4, made[2].version]);
    // the list shows the new values
    const row = rows(page).filter({ hasText: a.number });
    await row.locator('.list-c-assignee').getByText('Вера Коллегова').waitFor();
    await row.locator('.list-c-group').getByText('Массовая группа').waitFor();
    assert.equal(await row.locator('.list-c-priority').innerText(), 'Срочный');
    assert.deepEqual(errors, []);
  }));

  test('a public reply with a file: stored on the message and shown with a working link', () => w.step('cov-reply-file', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Нужна инструкция' });
    const { page, userId, errors } = await open('agent', t.number);
    const box = page.getByRole('region', { name: 'Ответ' });
    assert.equal(await box.getByRole('radio', { name: 'Ответ клиенту' }).isChecked(), true);
    const content = 'Шаг 1. Откройте настройки.\nШаг 2. Включите IMAP.\n';
    await box.locator('input[type=file]').setInputFiles({ name: 'инструкция.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
    await box.getByRole('button', { name: 'Убрать инструкция.txt' }).waitFor();
    await box.getByRole('textbox', { name: 'Текст ответа' }).fill('Здравствуйте! Инструкция по настройке во вложении, шаги в ней по порядку.');
    // solved with this reply: the coach has nothing to ask
    await box.getByLabel('Статус после отправки').selectOption('solved');
    await box.getByRole('button', { name: 'Отправить', exact: true }).click();
    await box.getByText('Ответ отправлен').waitFor();
    const m = await w.deps.db.selectFrom('messages').selectAll().where('ticket_id', '=', t.id).where('author_type', '=', 'agent').executeTakeFirstOrThrow();
    assert.equal(m.kind, 'reply');
    assert.equal(m.author_user_id, userId);
    assert.equal((await ticketRow(t.id)).status, 'solved');
    const att = await w.deps.db.selectFrom('attachments').select(['id', 'filename', 'size', 'ticket_id']).where('message_id', '=', m.id).execute();
    assert.equal(att.length, 1);
    const [{ id, ...stored }] = att;
    assert.deepEqual({ ...stored, size: Number(stored.size) }, { filename: 'инструкция.txt', size: Buffer.byteLength(content), ticket_id: t.id });
    // on the page: the reply with its file, the link serves the bytes
    const reply = page.getByRole('article', { name: /^Ответ:/ });
    const link = reply.getByRole('list', { name: 'Вложения' }).getByRole('link', { name: 'инструкция.txt' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/api/v1/attachments/${id}`);
    await reply.getByText(`(${Buffer.byteLength(content)} B)`).waitFor();
    assert.equal(await page.evaluate(async (href) => (await fetch(href)).text(), `/api/v1/attachments/${id}`), content);
    assert.deepEqual(errors, []);
  }));

  test('a sidebar view count changes live when a ticket is created through the API', () => w.step('cov-live-count', async () => {
    const { page, email } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const me = w.anon();
    assert.equal((await me.login(email)).status, 200);
    const v = await me.post('/api/v1/views', { name: 'Живой счётчик', filters: { tags: ['livecount'] } });
    assert.equal(v.status, 201, v.raw);
    const stream = page.waitForResponse((r) => r.url().endsWith('/api/v1/stream') && r.status() === 200);
    await page.reload();
    await stream;
    const link = page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: /Живой счётчик/ });
    await link.filter({ hasText: '0 заявок' }).waitFor();
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    const api = await w.as('agent');
    await makeTicket(api, { subject: 'Для счётчика', tags: ['livecount'] });
    // well before the 30 s poll: the live event refreshed it
    await link.filter({ hasText: '1 заявка' }).waitFor({ timeout: 10_000 });
    assert.equal(await link.locator('.shell-count [aria-hidden=true]').innerText(), '1');
    await makeTicket(api, { subject: 'Для счётчика 2', tags: ['livecount'] });
    await link.filter({ hasText: '2 заявки' }).waitFor({ timeout: 10_000 });
    assert.equal(navigations, 0, 'no reload');
    assert.deepEqual(errors, []);
  }));

  test('the lead page shows an open mail channel alert with its text', () => w.step('cov-mail-alert', async () => {
    const admin = await w.as('admin');
    const ch = await admin.post('/api/v1/mail/channels', { name: 'Поддержка', address: 'support@coverage.test' });
    assert.equal(ch.status, 201, ch.raw);
    assert.equal(await raiseAlert(w.deps.db, { channelId: ch.body.id, path: 'imap', kind: 'fetch_error', message: 'IMAP: authentication failed' }), true);
    const { page } = await w.signIn('lead', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/lead');
    const alerts = page.getByRole('region', { name: /Сбои почтовых каналов/ });
    const item = alerts.getByRole('listitem');
    await item.first().waitFor();
    assert.equal(await item.count(), 1);
    assert.equal(await item.locator('.lead-title').innerText(), 'канал «Поддержка» (imap): ошибка получения');
    assert.match(await item.locator('.lead-detail').innerText(), /^IMAP: authentication failed · с \d/);
    assert.equal(await alerts.locator('h2 .badge').getAttribute('aria-label'), '1');
    assert.equal(await alerts.getByText('Ничего нет — всё в порядке').count(), 0);
    assert.deepEqual(errors, []);
  }));

  test('keyboard only: sign in, open a ticket with j/k + Enter, reply with Ctrl+Enter, change a property', () => w.step('cov-keyboard', async () => {
    const api = await w.as('agent');
    const t = await makeTicket(api, { subject: 'Клавиатурная заявка', priority: 'urgent' });
    const u = await w.createUser('agent');
    const page = await (await w.context({ lang: 'ru' })).newPage();
    const errors = watchErrors(page);
    await page.goto('/');
    // sign in: the e-mail field has the focus, Tab to the password, Enter submits
    await page.locator('input[name=email]').waitFor();
    assert.equal(await focused(page), 'input:email');
    await page.keyboard.type(u.email);
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'input:password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('.topbar').waitFor();
    await rows(page).first().waitFor();
    assert.equal(await focused(page), 'body');

    // j past the ticket, k back onto it, Enter opens it
    const ids = await rows(page).evaluateAll((els) => els.map((e) => e.id));
    const i = ids.indexOf(`list-row-${t.id}`);
    assert.ok(i >= 0 && i < ids.length - 1, `${t.number} in the list, not last`);
    const press = async (key: string, row: number) => {
      await page.keyboard.press(key);
      await page.waitForFunction((id) => document.querySelector('[role=grid]')?.getAttribute('aria-activedescendant') === id, ids[row]);
    };
    for (let k = 0; k <= i + 1; k++) await press('j', k);
    await press('k', i);
    assert.match(await rows(page).filter({ hasText: t.number }).getAttribute('class') ?? '', /\bactive\b/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    assert.equal(await focused(page), 'body');

    // Tab to the reply editor, type, Ctrl+Enter sends
    const editor = '[role=textbox][aria-label="Текст ответа"]';
    await tabTo(page, editor);
    await page.keyboard.type('Здравствуйте! Мы включили пересылку, письма снова приходят. Проверьте, пожалуйста.');
    await page.keyboard.press('Control+Enter');
    // the coach asks (no deadline yet): the focus is on "send anyway", Enter sends
    await page.getByRole('alertdialog', { name: 'Отправить как есть?' }).waitFor();
    assert.equal(await focused(page), 'button:Отправить всё равно');
    await page.keyboard.press('Enter');
    await page.getByText('Ответ отправлен').waitFor();
    // back in the emptied editor (as after a plain Ctrl+Enter), not dropped to the body
    assert.ok(await isFocused(page, editor), `focus after sending: ${await focused(page)}`);
    assert.equal(await page.locator(editor).innerText(), '');
    const sent = await w.deps.db.selectFrom('messages').select(['kind', 'body_text']).where('ticket_id', '=', t.id).where('author_user_id', '=', u.id).execute();
    assert.deepEqual(sent.map((m) => m.kind), ['reply']);
    assert.match(sent[0].body_text, /Мы включили пересылку/);
    // the reply opened the ticket: the form shows it before we edit (else the save would conflict)
    const form = page.getByRole('form', { name: 'Свойства' });
    await page.waitForFunction(() => (document.querySelector('form[aria-label="Свойства"] select[aria-label="Статус"]') as HTMLSelectElement | null)?.value === 'open');

    // Tab to the priority, ArrowUp to "high", Tab to Save, Enter
    await tabTo(page, 'form[aria-label="Свойства"] select[aria-label="Приоритет"]');
    assert.equal(await form.getByLabel('Приоритет').inputValue(), 'urgent');
    await page.keyboard.press('ArrowUp');
    assert.equal(await form.getByLabel('Приоритет').inputValue(), 'high');
    await tabTo(page, 'form[aria-label="Свойства"] button[type=submit]', 5);
    assert.equal(await focused(page), 'button:Сохранить');
    await page.keyboard.press('Enter');
    await form.getByText('Сохранено').waitFor();
    // Save is disabled again: the focus is on the "saved" line (announced), not dropped to the body
    assert.equal(await focused(page), 'span[status]:Сохранено');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button:Передать на следующую линию');
    const r = await ticketRow(t.id);
    assert.equal(r.priority, 'high');
    assert.equal(r.status, 'open');
    await page.locator('.tk-facts').getByText('Приоритет: высокий').waitFor();
    assert.deepEqual(errors, []);
  }));
});
