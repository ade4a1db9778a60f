// Ticket actions in a real browser: properties saved with If-Match (and the conflict when a
// colleague changed the ticket), escalation with the handoff form, a promise by hand, care
// flag, third party. Each checks what the agent sees and what landed in the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

describe('ticket actions', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  const open = async (role: 'agent' | 'lead', number: string, lang: 'ru' | 'en' = 'ru') => {
    const s = await w.signIn(role, { lang });
    await s.page.goto(`/tickets/${number}`);
    await s.page.locator('main[data-ticket-loaded]').waitFor();
    return s;
  };
  const row = (id: string) => w.deps.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  test('status and priority change land in the database', () => w.step('actions-props', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Смена статуса' });
    const { page } = await open('agent', t.number);
    const errors = watchErrors(page);
    const form = page.getByRole('form', { name: 'Свойства' });
    await form.getByLabel('Статус').selectOption('pending_customer');
    await form.getByLabel('Приоритет').selectOption('high');
    await form.getByLabel('Метки').fill('billing, refund');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('Сохранено').waitFor();
    const r = await row(t.id);
    assert.equal(r.status, 'pending_customer');
    assert.equal(r.priority, 'high');
    assert.deepEqual([...r.tags].sort(), ['billing', 'refund']);
    assert.equal(r.version, t.version + 1);
    // the header follows
    await page.locator('.tk-facts').getByText('Ждём клиента').waitFor();
    await page.locator('.tk-facts').getByText('Приоритет: высокий').waitFor();
    assert.deepEqual(errors, []);
  }));

  test('a colleague changing the ticket in between shows the conflict with a reload', () => w.step('actions-conflict', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Конфликт' });
    const { page } = await open('agent', t.number);
    const form = page.getByRole('form', { name: 'Свойства' });
    await form.getByLabel('Приоритет').selectOption('urgent');
    // meanwhile a colleague changes the status
    const other = await admin.patch(`/api/v1/tickets/${t.id}`, { status: 'on_hold' }, { 'if-match': `"${t.version}"` });
    assert.equal(other.status, 200);
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Кто-то другой уже изменил это обращение' });
    await alert.waitFor();
    let r = await row(t.id);
    assert.equal(r.priority, 'normal', 'the stale change was not written');
    assert.equal(r.status, 'on_hold');
    await alert.getByRole('button', { name: 'Обновить' }).click();
    await alert.waitFor({ state: 'detached' });
    await page.waitForFunction(() => (document.querySelector('form[aria-label="Свойства"] select') as HTMLSelectElement | null)?.value === 'on_hold');
    // after the reload the change goes through
    await form.getByLabel('Приоритет').selectOption('urgent');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('Сохранено').waitFor();
    r = await row(t.id);
    assert.equal(r.priority, 'urgent');
    assert.equal(r.status, 'on_hold');
  }));

  test('escalate with the handoff form: escalation recorded and the level changed', () => w.step('actions-escalate', async () => {
    const admin = await w.as('admin');
    const g = await w.deps.db.insertInto('groups').values({ name: 'Вторая линия', level: 2, created_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const t = await makeTicket(admin, { subject: 'Не работает вход', message: { body: 'Я уже перезагрузил роутер и почистил кэш браузера, но войти не могу.' } });
    const { page } = await open('agent', t.number);
    const errors = watchErrors(page);
    await page.getByRole('button', { name: 'Передать на следующую линию' }).click();
    const form = page.getByRole('form', { name: 'Передача на линию L2' });
    await form.waitFor();
    // prefilled from the draft
    const draft = (await admin.get(`/api/v1/tickets/${t.id}/escalation-draft`)).body;
    assert.equal(await form.getByLabel('Суть проблемы').inputValue(), draft.summary);
    assert.equal(await form.getByLabel('Группа').inputValue(), g.id);
    if (draft.tried.length) assert.equal(await form.getByLabel(/Что уже сделано/).inputValue(), draft.tried.join('\n'));
    else await form.getByLabel(/Что уже сделано/).fill('перезагрузил роутер');
    if ((await form.getByLabel('Суть проблемы').inputValue()).length < 10) await form.getByLabel('Суть проблемы').fill('Клиент не может войти в личный кабинет');
    await form.getByLabel('Что нужно от следующей линии').fill('Проверить блокировку учётной записи');
    await form.getByRole('button', { name: 'Передать' }).click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.tk-facts').getByText('Линия L2').waitFor();
    const e = await w.deps.db.selectFrom('escalations').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(e.kind, 'escalate');
    assert.equal(e.to_level, 2);
    assert.equal(e.needed, 'Проверить блокировку учётной записи');
    assert.equal(e.to_group_id, g.id);
    const r = await row(t.id);
    assert.equal(r.level, 2);
    assert.equal(r.group_id, g.id);
    // and back down with a note
    await page.getByRole('button', { name: 'Вернуть на линию ниже' }).click();
    await w.deps.db.insertInto('groups').values({ name: 'Первая линия', level: 1, created_at: new Date() }).execute();
    const down = page.getByRole('form', { name: 'Возврат на линию ниже' });
    await down.getByLabel('Комментарий для линии').fill('Блокировку сняли, дальше первая линия');
    await down.getByRole('button', { name: 'Вернуть' }).click();
    await page.locator('.tk-facts').getByText('Линия L1').waitFor();
    assert.equal((await row(t.id)).level, 1);
    assert.deepEqual(errors, []);
  }));

  test('a promise made by hand is listed, then kept; the care flag shows as a banner', () => w.step('actions-promise-care', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Обещание вручную' });
    const { page } = await open('agent', t.number);
    const errors = watchErrors(page);
    await page.getByRole('button', { name: 'Записать обещание' }).click();
    const form = page.getByRole('form', { name: 'Записать обещание' });
    await form.getByLabel('Что обещали').fill('Перезвоним и расскажем о возврате');
    await form.getByLabel('Вид', { exact: true }).selectOption('callback');
    await form.getByRole('button', { name: 'Записать' }).click();
    const promises = page.getByRole('region', { name: 'Обещания клиенту' });
    await promises.getByText('Перезвоним и расскажем о возврате').waitFor();
    const p = await w.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    assert.equal(p.text, 'Перезвоним и расскажем о возврате');
    assert.equal(p.kind, 'callback');
    assert.equal(p.source, 'manual');
    assert.equal(p.state, 'open');
    await promises.getByRole('button', { name: 'Выполнено' }).click();
    await promises.getByText('Открытых обещаний нет').waitFor();
    assert.equal((await w.deps.db.selectFrom('promises').select('state').where('id', '=', p.id).executeTakeFirstOrThrow()).state, 'kept');

    // a second promise: moved to a new time, then cancelled with a note
    await admin.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Пришлём счёт', dueAt: new Date(Date.now() + 3_600_000).toISOString() });
    await page.reload();
    await promises.getByText('Пришлём счёт').waitFor();
    await promises.getByRole('button', { name: 'Перенести срок' }).click();
    await promises.getByLabel('Новый срок').fill('2030-01-15T12:00');
    await promises.getByRole('button', { name: 'Сохранить' }).click();
    await promises.getByText(/15 янв\. 2030/).waitFor();
    const moved = await w.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).where('state', '=', 'open').executeTakeFirstOrThrow();
    assert.equal(new Date(moved.due_at).toISOString(), new Date('2030-01-15T12:00:00+03:00').toISOString());
    await promises.getByRole('button', { name: 'Отменить' }).click();
    await promises.getByLabel('Почему отменяем').fill('Клиент оплатил сам');
    await promises.getByRole('button', { name: 'Сохранить' }).click();
    await promises.getByText('Открытых обещаний нет').waitFor();
    const cancelled = await w.deps.db.selectFrom('promises').selectAll().where('id', '=', moved.id).executeTakeFirstOrThrow();
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.resolved_note, 'Клиент оплатил сам');

    await page.getByRole('button', { name: 'Отметить для особого внимания' }).click();
    const care = page.getByRole('form', { name: 'Отметить для особого внимания' });
    await care.getByLabel('Причина').fill('Дважды списали оплату по нашей вине');
    await care.getByRole('button', { name: 'Отметить для особого внимания' }).click();
    const banner = page.getByRole('region', { name: 'Особое внимание к клиенту' });
    await banner.getByText('Дважды списали оплату по нашей вине').waitFor();
    const flag = await w.deps.db.selectFrom('care_flags').selectAll().where('customer_id', '=', t.requester.id).executeTakeFirstOrThrow();
    assert.equal(flag.reason, 'Дважды списали оплату по нашей вине');
    assert.equal(flag.ticket_id, t.id);
    assert.deepEqual(errors, []);
  }));

  test('assign, custom field and snooze', () => w.step('actions-assign', async () => {
    const admin = await w.as('admin');
    const f = await admin.post('/api/v1/fields', { key: 'contract', labelRu: 'Номер договора', labelEn: 'Contract number', type: 'text' });
    assert.equal(f.status, 201, f.raw);
    const t = await makeTicket(admin, { subject: 'Назначить' });
    const { page, userId } = await open('agent', t.number);
    const me = await w.deps.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow();
    const form = page.getByRole('form', { name: 'Свойства' });
    await form.getByLabel('Исполнитель').selectOption({ label: `${me.name} (L1)` });
    await form.getByLabel('Номер договора').fill('Д-2026/17');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('Сохранено').waitFor();
    let r = await row(t.id);
    assert.equal(r.assignee_id, userId);
    assert.equal((r.custom as Record<string, unknown>).contract, 'Д-2026/17');
    // the history shows the change with names
    await page.locator('.tk-event').filter({ hasText: `Исполнитель: — → ${me.name}` }).waitFor();

    await page.getByRole('button', { name: 'Отложить' }).click();
    await page.getByRole('form', { name: 'Отложить' }).getByRole('button', { name: 'Отложить' }).click();
    await page.locator('.tk-facts').getByText(/Отложено до/).waitFor();
    r = await row(t.id);
    assert.ok(r.snoozed_until && r.snoozed_until.getTime() > Date.now() + 3 * 3_600_000);
    await page.getByRole('button', { name: 'Вернуть из отложенных' }).click();
    // gone only once the page read the ticket back after the DELETE (an 'Отложить' button may be
    // on the page earlier: the snooze form's own)
    await page.getByRole('button', { name: 'Вернуть из отложенных' }).waitFor({ state: 'detached' });
    await page.locator('.tk-facts').getByText(/Отложено до/).waitFor({ state: 'detached' });
    assert.equal((await row(t.id)).snoozed_until, null);
  }));

  test('link and merge into another ticket', () => w.step('actions-merge', async () => {
    const admin = await w.as('admin');
    const a = await makeTicket(admin, { subject: 'Первое' });
    const b = await makeTicket(admin, { subject: 'Второе' });
    const c = await makeTicket(admin, { subject: 'Третье' });
    const { page } = await open('agent', a.number);
    await page.getByRole('button', { name: 'Связать' }).click();
    const link = page.getByRole('form', { name: 'Связать' });
    await link.getByLabel('С каким обращением (номер)').fill(b.number);
    await link.getByLabel('Связь').selectOption('related');
    await link.getByRole('button', { name: 'Связать' }).click();
    await page.getByRole('region', { name: 'Связанные обращения' }).getByRole('link', { name: b.number }).waitFor();
    const l = await w.deps.db.selectFrom('ticket_links').selectAll().where('ticket_id', '=', a.id).where('other_ticket_id', '=', b.id).executeTakeFirstOrThrow();
    assert.equal(l.kind, 'related');

    await page.goto(`/tickets/${c.number}`);
    await page.locator('main[data-ticket-loaded]').getByRole('heading', { name: 'Третье' }).waitFor();
    await page.getByRole('button', { name: 'Объединить' }).click();
    const merge = page.getByRole('form', { name: 'Объединить' });
    await merge.getByLabel('С каким обращением (номер)').fill(b.number);
    await merge.getByRole('button', { name: 'Объединить' }).click();
    await page.locator('.tk-facts').getByText('Объединено с обращением').getByRole('link', { name: b.number }).waitFor();
    const r = await row(c.id);
    assert.equal(r.merged_into_id, b.id);
    assert.equal(r.status, 'closed');
  }));

  test('English: waiting for a third party, with the header showing it', () => w.step('actions-third', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Third party' });
    const { page } = await open('agent', t.number, 'en');
    await page.getByRole('button', { name: 'Wait for a third party' }).click();
    const form = page.getByRole('form', { name: 'Save the wait' });
    await form.getByLabel('Who we wait for').fill('Acme Bank');
    await form.getByRole('button', { name: 'Save the wait' }).click();
    await page.locator('.tk-facts').getByText(/Waiting for a third party: Acme Bank/).waitFor();
    const r = await row(t.id);
    assert.equal(r.status, 'pending_third_party');
    assert.equal(r.third_party_name, 'Acme Bank');
    assert.ok(r.third_party_follow_up_at);
  }));
});
