// The ticket view in a real browser: header with the score explanation, the conversation with
// the analyzer's evidence, hostile mail HTML kept in a sandboxed iframe, roles, both languages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const THREAT = 'Третий раз пишу! Если до пятницы не вернёте деньги, я напишу жалобу в Роспотребнадзор.';

describe('ticket view', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('a ticket made through the API shows its subject, messages, score explanation and the regulator threat', () => w.step('ticket-view', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Списали деньги дважды', message: { body: THREAT } });
    const note = await admin.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Проверить платёж в банке' });
    assert.equal(note.status, 201);
    const msgs = (await admin.get(`/api/v1/tickets/${t.id}/messages`)).body.items;
    const detail = msgs[0].analysis.details.find((d: { code: string }) => d.code === 'threat_regulator');
    assert.ok(detail, 'the analyzer found the regulator threat');
    const fresh = (await admin.get(`/api/v1/tickets/${t.id}`)).body;
    assert.ok(fresh.priorityParts.length > 0, 'the score has parts');

    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto(`/tickets/${t.number}`);
    const root = page.locator('main[data-ticket-loaded]');
    await root.waitFor();
    await page.getByRole('heading', { level: 1, name: 'Списали деньги дважды' }).waitFor();
    await page.getByText(t.number, { exact: true }).first().waitFor();
    // score with its explanation, in the reader's language
    await page.getByText(`Оценка важности: ${fresh.priorityScore}`).waitFor();
    const part = fresh.priorityParts[0];
    await page.locator('.tk-score-parts').filter({ hasText: part.label_ru }).waitFor();
    assert.doesNotMatch(await page.locator('.tk-score-parts').innerText(), /\+\d+ \+\d+/, 'points are not doubled');
    // the customer's message with the badge and the evidence highlighted
    const customer = page.getByRole('article', { name: /^Клиент:/ });
    await customer.getByText('Угроза жалобой в надзор').waitFor();
    const marks = customer.locator('mark.tk-evidence[data-signal~="threat_regulator"]');
    assert.ok((await marks.count()) > 0);
    const marked = (await marks.allTextContents()).join(' ');
    assert.ok(detail.evidence.some((e: { text: string }) => marked.includes(e.text)), `evidence ${JSON.stringify(detail.evidence)} in ${marked}`);
    // the internal note, visually distinct
    const noteEl = page.getByRole('article', { name: /^Внутренняя заметка:/ });
    await noteEl.getByText('Проверить платёж в банке').waitFor();
    assert.match((await noteEl.getAttribute('class')) ?? '', /tk-msg-note/);
    // the requester panel
    await page.getByRole('complementary', { name: 'Клиент' }).getByText('Иван Петров').waitFor();
    assert.deepEqual(errors, []);

    // the bare number works as the route param too
    await page.goto(`/tickets/${t.number.split('-')[1]}`);
    await page.locator('main[data-ticket-loaded]').getByRole('heading', { level: 1, name: 'Списали деньги дважды' }).waitFor();
  }));

  test('SLA clocks, promises and the care banner in the header', () => w.step('ticket-sla', async () => {
    const admin = await w.as('admin');
    const pol = await admin.post('/api/v1/sla-policies', { name: 'Стандарт', conditions: { tags: ['sla-test'] }, targets: { firstResponseMin: 240, resolutionMin: 2400 } });
    assert.equal(pol.status, 201, pol.raw);
    const t = await makeTicket(admin, { subject: 'С часами', tags: ['sla-test'] });
    const sla = (await admin.get(`/api/v1/tickets/${t.id}/sla`)).body;
    assert.equal(sla.policy?.name, 'Стандарт');
    await admin.post(`/api/v1/tickets/${t.id}/promises`, { text: 'Пришлём акт сверки', dueAt: new Date(Date.now() + 5 * 3_600_000).toISOString() });
    await admin.post(`/api/v1/customers/${t.requester.id}/care`, { reason: 'Потеряли его платёж в прошлом месяце', days: 14 });
    const { page } = await w.signIn('agent', { lang: 'ru' });
    await page.goto(`/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    const header = page.locator('.tk-header');
    await header.getByText('SLA: Стандарт').waitFor();
    await header.locator('.tk-clock').filter({ hasText: 'Первый ответ' }).filter({ hasText: /осталось|на паузе|просрочено/ }).waitFor();
    await header.locator('.tk-clock').filter({ hasText: 'Решение' }).waitFor();
    await page.getByRole('region', { name: 'Обещания клиенту' }).getByText('Пришлём акт сверки').waitFor();
    await page.getByRole('region', { name: 'Особое внимание к клиенту' }).getByText('Потеряли его платёж в прошлом месяце').waitFor();
    await page.getByRole('complementary', { name: 'Клиент' }).getByText('Особое внимание').waitFor();
  }));

  test('a long conversation pages; a message arriving live is appended and announced', () => w.step('ticket-live', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Длинная переписка', message: { body: 'Сообщение 0' } });
    for (let i = 1; i <= 50; i++) {
      const r = await admin.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: `Сообщение ${i}` });
      assert.equal(r.status, 201);
    }
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto(`/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    await page.getByText('Сообщение 49', { exact: true }).waitFor();
    assert.equal(await page.getByText('Сообщение 50', { exact: true }).count(), 0, 'the first page holds 50');
    await page.getByRole('button', { name: 'Показать следующие сообщения' }).click();
    await page.getByText('Сообщение 50', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Показать следующие сообщения' }).count(), 0);
    // a colleague's note arrives while the page is open
    const before = await page.getByText('Сообщение 10', { exact: true }).boundingBox();
    const r = await admin.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Свежая заметка коллеги' });
    assert.equal(r.status, 201);
    await page.getByText('Свежая заметка коллеги').waitFor({ timeout: 15_000 });
    await page.locator('[aria-live="polite"]').filter({ hasText: 'Новое сообщение' }).waitFor();
    const afterBox = await page.getByText('Сообщение 10', { exact: true }).boundingBox();
    assert.equal(afterBox?.y, before?.y, 'what was on screen did not move');
    assert.deepEqual(errors, []);
  }));

  test('hostile HTML in a mail body, subject and name never executes; the body stays in a sandboxed iframe', () => w.step('ticket-hostile', async () => {
    const admin = await w.as('admin');
    const evil = `<img src=x onerror="top.postMessage('pwned','*')">`;
    const t = await makeTicket(admin, {
      subject: `Счёт ${evil}`,
      requester: { email: 'evil@clients.test', name: `Хакер ${evil}` },
      message: { body: '<p>Привет</p>', format: 'html' },
    });
    // store the raw hostile HTML as if a sanitizer had failed: the iframe is the second wall
    const raw = `<p>Привет</p>${evil}<script>top.postMessage('pwned','*');window.__pwned=1</script><img data-remote-src="https://tracker.test/p.gif" alt="pixel">`;
    await w.deps.db.updateTable('messages').set({ body_html: raw }).where('ticket_id', '=', t.id).execute();
    // an attachment with a hostile name, on a note
    const fname = `"><img src=x onerror="top.postMessage('pwned','*')">отчёт.pdf`;
    const up = await admin.req('POST', `/api/v1/attachments?filename=${encodeURIComponent(fname)}`, { raw: Buffer.alloc(3000, 7), headers: { 'content-type': 'application/pdf' } });
    assert.equal(up.status, 201, up.raw);
    assert.equal((await admin.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'note', body: 'Файл', attachmentIds: [up.body.id] })).status, 201);

    const { page } = await w.signIn('agent', { lang: 'en' });
    await page.addInitScript(() => {
      (window as unknown as { __msgs: unknown[] }).__msgs = [];
      window.addEventListener('message', (e) => (window as unknown as { __msgs: unknown[] }).__msgs.push(e.data));
    });
    await page.goto(`/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    await page.getByRole('heading', { level: 1, name: `Счёт ${evil}` }).waitFor(); // shown as text
    await page.getByText(`Хакер ${evil}`).first().waitFor();
    const att = page.getByRole('list', { name: 'Attachments' }).getByRole('link', { name: up.body.filename, exact: true });
    assert.match(up.body.filename, /img/, 'the name keeps its markup as text');
    assert.equal(await att.getAttribute('href'), `/api/v1/attachments/${up.body.id}`);
    await page.getByRole('list', { name: 'Attachments' }).getByText('(2.9 KB)').waitFor();
    await page.getByRole('button', { name: 'Show as e-mail (HTML)' }).click();
    const frame = page.locator('iframe.tk-frame');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), '');
    assert.match((await frame.getAttribute('srcdoc')) ?? '', /data-remote-src="https:\/\/tracker\.test\/p\.gif"/);
    await page.frameLocator('iframe.tk-frame').getByText('Привет').waitFor();
    await page.getByRole('button', { name: 'Show images' }).click();
    await page.waitForFunction(() => document.querySelector('iframe.tk-frame')?.getAttribute('srcdoc')?.includes('src="https://tracker.test/p.gif"'));
    // nothing ran: no flag in the app, no message from the frame, no hostile markup in the app document
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __msgs: unknown[] }).__msgs), []);
    assert.equal(await page.locator('main img, main script').count(), 0);
  }));

  test('a light agent sees the ticket read-only, without action buttons', () => w.step('ticket-light', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Только чтение' });
    const { page } = await w.signIn('light_agent', { lang: 'ru' });
    await page.goto(`/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    await page.getByText('У вас доступ только на чтение').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Сохранить' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Передать на следующую линию' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Записать обещание' }).count(), 0);
    assert.equal(await page.getByRole('form', { name: 'Свойства' }).count(), 0);
  }));

  test('English: labels, signals and the score explanation', () => w.step('ticket-en', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Double charge', message: { body: 'I will file a complaint with the regulator if this is not fixed today.' } });
    const fresh = (await admin.get(`/api/v1/tickets/${t.id}`)).body;
    const { page } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto(`/tickets/${t.number}`);
    await page.locator('main[data-ticket-loaded]').waitFor();
    await page.getByText(`Priority score: ${fresh.priorityScore}`).waitFor();
    if (fresh.priorityParts.length) await page.locator('.tk-score-parts').filter({ hasText: fresh.priorityParts[0].label_en }).waitFor();
    await page.getByRole('form', { name: 'Properties' }).waitFor();
    await page.getByRole('button', { name: 'Escalate' }).waitFor();
    const msgs = (await admin.get(`/api/v1/tickets/${t.id}/messages`)).body.items;
    assert.ok(msgs[0].analysis?.signals.includes('threat_regulator'), JSON.stringify(msgs[0].analysis));
    await page.getByRole('article', { name: /^Customer:/ }).getByText('Regulator threat').waitFor();
    await page.getByRole('article', { name: /^Customer:/ }).locator('mark.tk-evidence').first().waitFor();
    assert.deepEqual(errors, []);
  }));
});
