// Custom fields for customers and organizations sharing requests, in a real browser:
// an admin marks a field for customers → a customer fills it in on the new-request form →
// the value is in the database and on the request page; an admin turns sharing on → a
// colleague's request is listed and opens (read only); off → not listed and "not found".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findOrCreateCustomer } from '../../server/modules/people/customer-lookup.ts';
import type { Client } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

let w: WebCtx;
let api: Client & { userId: string };
before(async () => {
  w = await startWeb();
  api = await w.as('admin');
});
after(() => w.closeAll());

/** A customer signed in through the portal form and a real mailed link (Russian). */
async function signInCustomer(email: string, name: string) {
  const c = await findOrCreateCustomer(w.deps.db, email, { name });
  const page = await (await w.context({ lang: 'ru' })).newPage();
  const errors = watchErrors(page);
  await page.goto('/portal/');
  await page.getByLabel('Эл. почта').fill(email);
  await page.getByRole('button', { name: 'Получить ссылку' }).click();
  await page.getByRole('status').filter({ hasText: 'Проверьте почту' }).waitFor();
  const mail = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).where('kind', '=', 'magic_link')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  await page.goto(`/portal/login?token=${/token=([\w-]+)/.exec(mail.body_text)![1]}`);
  await page.getByRole('heading', { name: 'Мои запросы' }).waitFor();
  return { page, customerId: c.id, errors };
}

const ticketRow = (page: Page, subject: string) => page.locator('.portal-ticket-row').filter({ hasText: subject });

describe('custom fields for customers', () => {
  test('an admin marks a field for customers; a customer fills it in; the value is stored and shown', async () => {
    const { page: admin } = await w.signIn('admin', { lang: 'ru' });
    const adminErrors = watchErrors(admin);
    // an internal field and a select customers fill in, made through the API
    assert.equal((await api.post('/api/v1/fields', { key: 'churn_risk', labelRu: 'Риск ухода', labelEn: 'Churn risk', type: 'text' })).status, 201);
    const plan = await api.post('/api/v1/fields', {
      key: 'plan', labelRu: 'Тариф', labelEn: 'Plan', type: 'select', options: ['Базовый', 'Про'], customerVisible: true, customerEditable: true,
    });
    assert.equal(plan.status, 201, plan.raw);

    await w.step('pf-admin-field', async () => {
      await admin.goto('/admin/fields');
      await admin.getByRole('button', { name: 'Новое поле' }).click();
      const form = admin.getByRole('form', { name: 'Новое поле' });
      await form.getByLabel('Ключ').fill('order_number');
      await form.getByLabel('Название по-русски').fill('Номер заказа');
      await form.getByLabel('Название по-английски').fill('Order number');
      await form.getByLabel('Обязательное').check();
      // customers cannot fill in what they do not see
      assert.equal(await form.getByLabel('Клиенты заполняют').isDisabled(), true);
      await form.getByLabel('Видно клиентам').check();
      await form.getByLabel('Клиенты заполняют').check();
      await form.getByRole('button', { name: 'Создать поле' }).click();
      const row = admin.getByRole('row').filter({ hasText: 'order_number' });
      await row.getByRole('cell', { name: 'заполняют клиенты' }).waitFor();
    });
    const f = await w.deps.db.selectFrom('ticket_fields').selectAll().where('key', '=', 'order_number').executeTakeFirstOrThrow();
    assert.equal(f.customer_visible, true);
    assert.equal(f.customer_editable, true);
    assert.equal(f.required, true);

    const { page, customerId, errors } = await signInCustomer('nina@fields.test', 'Нина Орлова');
    await w.step('pf-customer-fills', async () => {
      await page.getByRole('navigation').getByRole('link', { name: 'Новый запрос' }).click();
      await page.getByRole('heading', { name: 'Новый запрос' }).waitFor();
      await page.getByLabel('Тема').fill('Не пришёл заказ');
      await page.getByLabel('Опишите, что случилось').fill('Заказ оплачен неделю назад, но так и не пришёл.');
      const order = page.getByLabel('Номер заказа (обязательно)');
      await order.waitFor();
      assert.equal(await order.getAttribute('required'), '');
      assert.equal(await page.getByLabel('Риск ухода').count(), 0, 'internal fields are not on the form');
      await order.fill('ЗК-1042');
      await page.getByLabel('Тариф').selectOption('Про');
      await page.getByRole('button', { name: 'Отправить запрос' }).click();
      await page.getByRole('heading', { name: /Не пришёл заказ/ }).waitFor();
      const details = page.getByRole('region', { name: 'Сведения' });
      await details.getByText('ЗК-1042').waitFor();
      assert.equal(await details.locator('dt').allTextContents().then((x) => x.join('|')), 'Тариф|Номер заказа', 'in the order the fields were made');
      assert.equal(await details.locator('dd').allTextContents().then((x) => x.join('|')), 'Про|ЗК-1042');
    });
    const t = await w.deps.db.selectFrom('tickets').select(['id', 'custom', 'channel']).where('requester_id', '=', customerId).executeTakeFirstOrThrow();
    assert.deepEqual(t.custom, { order_number: 'ЗК-1042', plan: 'Про' });
    assert.equal(t.channel, 'portal');

    // an agent sets the internal field: the customer never sees it
    const cur = (await api.get(`/api/v1/tickets/${t.id}`)).body;
    assert.equal((await api.patch(`/api/v1/tickets/${t.id}`, { custom: { churn_risk: 'высокий' } }, { 'if-match': `"${cur.version}"` })).status, 200);
    await page.reload();
    await page.getByRole('region', { name: 'Сведения' }).getByText('ЗК-1042').waitFor();
    assert.equal(await page.getByText('высокий').count(), 0);
    assert.equal(await page.getByText('Риск ухода').count(), 0);
    assert.deepEqual(errors, []);
    assert.deepEqual(adminErrors, []);
  });
});

describe('organizations sharing requests', () => {
  test('sharing on: a colleague\'s request is listed and opens read only; off: not listed and not found', async () => {
    const org = await api.post('/api/v1/organizations', { name: 'Ромашка' });
    assert.equal(org.status, 201, org.raw);
    const anna = await findOrCreateCustomer(w.deps.db, 'anna@romashka.test', { name: 'Анна Смирнова' });
    const { page, customerId: borisId, errors } = await signInCustomer('boris@romashka.test', 'Борис Ким');
    for (const id of [anna.id, borisId]) assert.equal((await api.patch(`/api/v1/customers/${id}`, { organizationId: org.body.id })).status, 200);
    const annaT = await api.post('/api/v1/tickets', { subject: 'Счёт за ноябрь', requester: { id: anna.id }, message: { body: 'Пришлите, пожалуйста, счёт за ноябрь.' } });
    assert.equal(annaT.status, 201, annaT.raw);
    const own = await api.post('/api/v1/tickets', { subject: 'Не работает вход', requester: { id: borisId }, message: { body: 'Не могу войти.' } });
    assert.equal(own.status, 201, own.raw);
    const annaUrl = `/portal/tickets/${encodeURIComponent(annaT.body.number)}`;

    await w.step('pf-sharing-off', async () => {
      await page.reload();
      await ticketRow(page, 'Не работает вход').waitFor();
      assert.equal(await ticketRow(page, 'Счёт за ноябрь').count(), 0);
      await page.goto(annaUrl);
      await page.getByRole('heading', { name: 'Запрос не найден' }).waitFor();
    });

    const { page: admin } = await w.signIn('admin', { lang: 'ru' });
    const adminErrors = watchErrors(admin);
    const setSharing = (on: boolean) => w.step(`pf-admin-sharing-${on}`, async () => {
      await admin.goto('/admin/orgs');
      await admin.getByRole('button', { name: 'Изменить организацию Ромашка' }).click();
      const form = admin.getByRole('form', { name: 'Изменить организацию Ромашка' });
      const box = form.getByLabel('Клиенты организации видят обращения друг друга на портале');
      if (on) await box.check(); else await box.uncheck();
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await form.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
      await admin.getByRole('row').filter({ hasText: 'Ромашка' }).getByRole('cell', { name: on ? 'да' : 'нет', exact: true }).last().waitFor();
      const row = await w.deps.db.selectFrom('organizations').select('portal_shared').where('id', '=', org.body.id).executeTakeFirstOrThrow();
      assert.equal(row.portal_shared, on);
    });

    await setSharing(true);
    await w.step('pf-sharing-on', async () => {
      await page.goto('/portal/');
      const row = ticketRow(page, 'Счёт за ноябрь');
      await row.getByText('Автор: Анна Смирнова').waitFor();
      assert.equal(await ticketRow(page, 'Не работает вход').getByText(/Автор:/).count(), 0, 'own requests name no author');
      await row.getByRole('link').click();
      await page.getByRole('heading', { name: /Счёт за ноябрь/ }).waitFor();
      await page.getByText('Пришлите, пожалуйста, счёт за ноябрь.').waitFor();
      await page.getByText(/Автор этого запроса — Анна Смирнова из вашей организации/).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Отправить' }).count(), 0, 'no reply form on a colleague\'s request');
      assert.equal(await page.locator('textarea').count(), 0);
    });

    await setSharing(false);
    await w.step('pf-sharing-off-again', async () => {
      await page.goto('/portal/');
      await ticketRow(page, 'Не работает вход').waitFor();
      assert.equal(await ticketRow(page, 'Счёт за ноябрь').count(), 0);
      await page.goto(annaUrl);
      await page.getByRole('heading', { name: 'Запрос не найден' }).waitFor();
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(adminErrors, []);
  });
});
