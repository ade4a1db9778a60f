// The reply box on the ticket page in a real browser: the coach flags a vague wait as the agent
// types, the fix clears it and lists the promise, confirmed promises and the coach verdict land
// in the DB with the reply, the send-anyway override, internal notes with @mentions, attachments,
// macros, the draft surviving a reload and a session expiry, the English UI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

type Client = Awaited<ReturnType<WebCtx['as']>>;
let seq = 0;

describe('reply box', () => {
  let w: WebCtx;
  let api: Client;
  before(async () => {
    w = await startWeb();
    api = await w.as('lead');
  });
  after(async () => { await w?.closeAll(); });

  const ticket = async (over: Record<string, unknown> = {}) => {
    const email = `reply${++seq}@clients.test`;
    const t = await makeTicket(api, { requester: { email, name: 'Иван Петров' }, ...over });
    return { ...t, email } as { id: string; number: string; email: string };
  };
  const open = async (page: Page, number: string, name = 'Ответ') => {
    await page.goto(`/tickets/${number}`);
    const box = page.getByRole('region', { name });
    await box.waitFor();
    return box;
  };
  const agentMessages = (ticketId: string) =>
    w.deps.db.selectFrom('messages').selectAll().where('ticket_id', '=', ticketId).where('author_type', '=', 'agent').orderBy('id').execute();

  test('the coach flags a vague wait, the fix lists the promise; confirmed, it is stored with the reply', () => w.step('reply-coach', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const t = await ticket();
    const box = await open(page, t.number);
    const editor = box.getByRole('textbox', { name: 'Текст ответа' });
    const coach = box.getByRole('complementary', { name: 'Подсказки' });

    await editor.click();
    await editor.pressSequentially('Мы скоро всё исправим, ');
    // a flag arrives while typing; typing goes on at the caret (the highlight does not move it)
    await coach.getByRole('listitem').filter({ hasText: 'Нет срока' }).waitFor();
    await editor.pressSequentially('ожидайте');
    const vague = coach.getByRole('listitem').filter({ hasText: 'Расплывчатое «ожидайте»' });
    await vague.filter({ hasText: 'В тексте: «скоро», «ожидайте»' }).waitFor();
    assert.match(await vague.innerText(), /Замените «ожидайте» и «в ближайшее время» конкретным сроком/);
    assert.equal(await editor.innerText(), 'Мы скоро всё исправим, ожидайте');
    // the quoted phrases are highlighted in the draft itself
    assert.ok(await page.evaluate(() => CSS.highlights.get('reply-flag')?.size ?? 0) >= 2);

    // the fix: a concrete time and a workaround (tomorrow: the test must not depend on the hour)
    await editor.fill('Исправим до 18:00 завтра. Пока можно отправлять письма через веб-интерфейс.');
    await coach.getByText('Замечаний нет').waitFor();
    assert.equal(await vague.count(), 0);
    assert.equal(await page.evaluate(() => CSS.highlights.get('reply-flag')?.size ?? 0), 0);
    const promise = box.getByRole('checkbox', { name: 'Записать обещание «Исправим до 18:00 завтра»' });
    await promise.waitFor();
    const due = await box.getByLabel('Срок').inputValue();
    assert.match(due, /^\d{4}-\d\d-\d\dT18:00$/);
    await promise.check();
    await box.getByRole('button', { name: 'Отправить', exact: true }).click();
    await box.getByText('Ответ отправлен').waitFor();
    assert.equal(await editor.innerText(), '');

    const [m] = await agentMessages(t.id);
    assert.ok(m);
    assert.equal(m.kind, 'reply');
    assert.equal(m.author_user_id, userId);
    assert.match(m.body_text, /Исправим до 18:00 завтра/);
    const c = m.coach as { flags: string[]; promises: { text: string }[]; acknowledged: boolean; overridden: string[] };
    assert.deepEqual(c.flags, []);
    assert.equal(c.acknowledged, false);
    assert.equal(c.promises[0]?.text, 'Исправим до 18:00 завтра');
    const ps = await w.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).execute();
    assert.equal(ps.length, 1);
    assert.equal(ps[0]!.message_id, m.id);
    assert.equal(ps[0]!.source, 'reply');
    assert.equal(ps[0]!.owner_id, userId);
    assert.equal(ps[0]!.kind, 'fix');
    assert.equal(new Date(ps[0]!.due_at).toISOString(), new Date(`${due}:00+03:00`).toISOString());
    // sent: the saved draft is gone
    assert.equal(await page.evaluate((n) => sessionStorage.getItem(`slovo.reply.${n}`), t.number), null);
    assert.deepEqual(errors, []);
  }));

  test('sending with an open flag asks once, then sends with the override recorded', () => w.step('reply-override', async () => {
    const { page, userId, email } = await w.signIn('agent', { lang: 'ru' });
    const t = await ticket();
    const box = await open(page, t.number);
    const editor = box.getByRole('textbox', { name: 'Текст ответа' });
    await editor.fill('Ожидайте.');
    await box.getByRole('complementary', { name: 'Подсказки' }).getByText('Расплывчатое «ожидайте»').waitFor();
    await box.getByRole('button', { name: 'Отправить', exact: true }).click();
    const ask = box.getByRole('alertdialog', { name: 'Отправить как есть?' });
    await ask.waitFor();
    assert.match(await ask.innerText(), /Расплывчатое «ожидайте»/);
    // back to the text: nothing sent, the draft is still there
    await ask.getByRole('button', { name: 'Вернуться к тексту' }).click();
    assert.equal(await ask.count(), 0);
    assert.equal((await agentMessages(t.id)).length, 0);
    assert.equal(await editor.innerText(), 'Ожидайте.');
    // Ctrl+Enter asks again; "send anyway" sends — and the session ends on the way (a real 401)
    await page.route('**/api/v1/tickets/*/messages', async (route) => {
      if (route.request().method() === 'POST') await w.deps.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await route.continue();
    }, { times: 1 });
    await editor.press('Control+Enter');
    await ask.getByRole('button', { name: 'Отправить всё равно' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Эл. почта').fill(email);
    await dialog.getByLabel('Пароль').fill('correct horse battery staple');
    await dialog.getByRole('button', { name: 'Войти' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await editor.innerText(), 'Ожидайте.');
    // sending again does not ask a second time: the agent already said "send anyway"
    await box.getByRole('button', { name: 'Отправить', exact: true }).click();
    await box.getByText('Ответ отправлен').waitFor();
    assert.equal(await ask.count(), 0);
    const ms = await agentMessages(t.id);
    assert.equal(ms.length, 1);
    const c = ms[0]!.coach as { flags: string[]; overridden: string[]; acknowledged: boolean };
    assert.equal(c.acknowledged, true);
    assert.ok(c.flags.includes('vague_wait'));
    assert.ok(c.overridden.includes('vague_wait'), JSON.stringify(c));
  }));

  test('an internal note with an @mention stays internal and notifies the mentioned agent', () => w.step('reply-note', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    // Anna works in her own browser
    const anna = await w.signIn('agent', { lang: 'ru' });
    await w.deps.db.updateTable('users').set({ name: 'Анна Смирнова' }).where('id', '=', anna.userId).execute();
    const t = await ticket();
    const box = await open(page, t.number);
    await box.getByRole('radio', { name: 'Внутренняя заметка' }).check();
    const editor = box.getByRole('textbox', { name: 'Текст заметки' });
    await editor.click();
    await editor.pressSequentially('Посмотри логи, @Анн');
    const option = box.getByRole('listbox', { name: 'Коллеги' }).getByRole('option', { name: /Анна Смирнова/ });
    await option.waitFor();
    await editor.press('Enter');
    await editor.pressSequentially('пожалуйста');
    assert.equal((await editor.innerText()).replace(/\u00a0/g, ' '), 'Посмотри логи, @Анна Смирнова пожалуйста');
    // no coach on notes
    assert.equal(await box.getByRole('complementary', { name: 'Подсказки' }).count(), 0);
    await editor.press('Control+Enter');
    await box.getByText('Заметка добавлена').waitFor();

    const [m] = await agentMessages(t.id);
    assert.equal(m?.kind, 'note');
    assert.match(m!.body_text, /@Анна Смирнова/);
    assert.equal(m!.coach, null);
    assert.deepEqual(m!.mentions.map(String), [anna.userId]);
    const notes = await w.deps.db.selectFrom('notifications').select(['user_id', 'ticket_id']).where('kind', '=', 'mention').where('ticket_id', '=', t.id).execute();
    assert.deepEqual(notes.map((n) => [String(n.user_id), n.ticket_id]), [[anna.userId, t.id]]);
    assert.ok(!notes.some((n) => String(n.user_id) === userId));
    // the note in the conversation names whom it mentions
    const noteEl = page.getByRole('article', { name: /^Внутренняя заметка:/ });
    await noteEl.locator(`.tk-mentions [data-user-id="${anna.userId}"]`).filter({ hasText: '@Анна Смирнова' }).waitFor();
    // Anna sees it: the bell counts it, the list says who, where and what
    await anna.page.goto('/notifications');
    await anna.page.getByRole('link', { name: 'Уведомления: 1 непрочитанное' }).waitFor();
    const item = anna.page.getByRole('listitem').filter({ hasText: 'упоминает вас в заметке' });
    await item.waitFor();
    assert.match(await item.innerText(), /agent \d+ упоминает вас в заметке: «Посмотри логи, @Анна Смирнова пожалуйста»/);
    assert.match(await item.innerText(), new RegExp(t.number));
    assert.match(await item.innerText(), /Не приходят письма/);
    assert.deepEqual(errors, []);
    // the customer sees their own message but not the note, and no mail carries it
    const customer = await w.asCustomer(t.email);
    const r = await customer.get(`/api/v1/portal/tickets/${t.number}/messages`);
    assert.equal(r.status, 200, r.raw);
    assert.match(r.raw, /Письма не приходят/);
    assert.doesNotMatch(r.raw, /Посмотри логи/);
    const mails = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', t.email).execute();
    assert.ok(mails.every((x) => !x.body_text.includes('Посмотри логи')));
  }));

  test('plain-text note: @mentions in the textarea; a mention taken out of the text is not sent', () => w.step('reply-plain-mention', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const gleb = await w.createUser('agent', { name: 'Глеб Носов' });
    const vera = await w.createUser('lead', { name: 'Вера Орлова' });
    const t = await ticket();
    const box = await open(page, t.number);
    await box.getByRole('radio', { name: 'Внутренняя заметка' }).check();
    await box.getByRole('checkbox', { name: 'Простой текст' }).check();
    const area = box.getByRole('textbox', { name: 'Текст заметки' });
    assert.equal(await area.evaluate((el) => el.tagName), 'TEXTAREA');
    const list = box.getByRole('listbox', { name: 'Коллеги' });
    await area.click();
    await area.pressSequentially('Срочно: @Гле');
    await list.getByRole('option', { name: /Глеб Носов/ }).waitFor();
    await area.press('Enter');
    await area.pressSequentially('и @Вер');
    await list.getByRole('option', { name: /Вера Орлова/ }).waitFor();
    await area.press('Tab');
    assert.equal(await area.inputValue(), 'Срочно: @Глеб Носов и @Вера Орлова ');
    assert.equal(await list.count(), 0);
    // Vera is taken out again before sending
    await area.fill('Срочно: @Глеб Носов, посмотри платёж');
    await box.getByRole('button', { name: 'Добавить заметку' }).click();
    await box.getByText('Заметка добавлена').waitFor();
    const [m] = await agentMessages(t.id);
    assert.equal(m?.body_text, 'Срочно: @Глеб Носов, посмотри платёж');
    assert.deepEqual(m!.mentions.map(String), [gleb.id]);
    const who = await w.deps.db.selectFrom('notifications').select('user_id').where('kind', '=', 'mention').where('ticket_id', '=', t.id).execute();
    assert.deepEqual(who.map((n) => String(n.user_id)), [gleb.id]);
    assert.notEqual(gleb.id, vera.id);
    assert.deepEqual(errors, []);
  }));

  test('attachments: picked and dropped files upload, one removed, the other lands on the message', () => w.step('reply-files', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const t = await ticket();
    const box = await open(page, t.number);
    await box.getByRole('radio', { name: 'Внутренняя заметка' }).check();
    await box.locator('input[type=file]').setInputFiles({ name: 'журнал <b>.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, world') });
    const files = box.getByRole('list', { name: 'Вложения' });
    await box.getByRole('button', { name: 'Убрать журнал <b>.txt' }).waitFor();
    assert.match(await files.innerText(), /12 Б/);
    // drag and drop a second file onto the box
    await box.evaluate((el) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'.repeat(2048)], 'screen.png', { type: 'image/png' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await box.getByRole('button', { name: 'Убрать screen.png' }).waitFor();
    assert.match(await files.innerText(), /2 КБ/);
    await box.getByRole('button', { name: 'Убрать screen.png' }).click();
    assert.equal(await files.getByText('screen.png').count(), 0);
    await box.getByRole('textbox', { name: 'Текст заметки' }).fill('Лог во вложении');
    await box.getByRole('button', { name: 'Добавить заметку' }).click();
    await box.getByText('Заметка добавлена').waitFor();
    assert.equal(await box.getByRole('list', { name: 'Вложения' }).count(), 0);

    const [m] = await agentMessages(t.id);
    const att = await w.deps.db.selectFrom('attachments').select(['filename', 'message_id', 'ticket_id']).where('message_id', '=', m!.id).execute();
    assert.deepEqual(att.map((a) => a.filename), ['журнал <b>.txt']);
    assert.deepEqual(errors, []);
  }));

  test('a macro fills the draft with its variables resolved and runs its actions', () => w.step('reply-macro', async () => {
    const mk = await api.post('/api/v1/macros', {
      name: 'Приветствие', shared: true, body: '<p>Здравствуйте, {{customer.name}}! Обращение {{ticket.number}}.</p>', actions: { addTags: ['macro_used'] },
    });
    assert.equal(mk.status, 201, mk.raw);
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const t = await ticket();
    const box = await open(page, t.number);
    await box.getByLabel('Макрос').selectOption({ label: 'Приветствие' });
    await box.getByRole('button', { name: 'Применить' }).click();
    await box.getByText('Макрос «Приветствие» применён').waitFor();
    const editor = box.getByRole('textbox', { name: 'Текст ответа' });
    assert.equal(await editor.innerText(), `Здравствуйте, Иван Петров! Обращение ${t.number}.`);
    const row = await w.deps.db.selectFrom('tickets').select('tags').where('id', '=', t.id).executeTakeFirstOrThrow();
    assert.ok(row.tags.includes('macro_used'));
  }));

  test('toolbar formatting and a sanitized paste; promises edited (due, owner), one dropped', () => w.step('reply-rich', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const other = await w.createUser('agent', { name: 'Пётр Сидоров' });
    const t = await ticket();
    const box = await open(page, t.number);
    const editor = box.getByRole('textbox', { name: 'Текст ответа' });
    const bold = box.getByRole('button', { name: 'Жирный' });
    await editor.click();
    await bold.click();
    assert.equal(await bold.getAttribute('aria-pressed'), 'true');
    await editor.pressSequentially('Важно:');
    await bold.click();
    await editor.pressSequentially(' перезвоним завтра до 12:00.');
    await editor.press('Enter');
    // hostile HTML pasted in: kept as formatting only, nothing runs
    await editor.evaluate((el) => {
      const dt = new DataTransfer();
      dt.setData('text/html', '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><i>Пока</i> можно отправлять письма через веб-интерфейс.');
      dt.setData('text/plain', 'Пока можно отправлять письма через веб-интерфейс.');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await editor.press('Enter');
    await box.getByRole('button', { name: 'Маркированный список' }).click();
    await editor.pressSequentially('Исправим до 18:00 завтра. Статус: ');
    await box.getByRole('button', { name: 'Ссылка' }).click();
    await box.getByLabel('Адрес ссылки').fill('https://status.example.com');
    await box.getByLabel('Адрес ссылки').press('Enter');
    const html = await editor.innerHTML();
    assert.doesNotMatch(html, /<img|<script|onerror/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

    const callback = box.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Записать обещание «перезвоним завтра до 12:00»' }) });
    const fix = box.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Записать обещание «Исправим до 18:00 завтра»' }) });
    await fix.waitFor();
    const due = await callback.getByLabel('Срок').inputValue();
    assert.match(due, /T12:00$/);
    const newDue = due.replace(/T12:00$/, 'T13:30');
    await callback.getByLabel('Срок').fill(newDue);
    await callback.getByLabel('Ответственный').selectOption({ label: 'Пётр Сидоров' });
    assert.equal(await callback.getByLabel('Вид').inputValue(), 'callback');
    await callback.getByRole('checkbox').check();
    await fix.getByRole('button', { name: 'Не записывать' }).click();
    await box.getByRole('button', { name: 'Вернуть отброшенные (1)' }).click();
    await fix.getByRole('button', { name: 'Не записывать' }).click();
    assert.equal(await fix.count(), 0);
    await box.getByRole('button', { name: 'Отправить', exact: true }).click();
    await box.getByText('Ответ отправлен').waitFor();

    const [m] = await agentMessages(t.id);
    assert.match(m!.body_html, /<(b|strong)>Важно:<\/(b|strong)>/);
    assert.match(m!.body_html, /<i>Пока<\/i>/);
    assert.match(m!.body_html, /<ul>\s*<li>Исправим до 18:00 завтра\. Статус: <a [^>]*href="https:\/\/status\.example\.com"/);
    assert.doesNotMatch(m!.body_html, /img|script/);
    const ps = await w.deps.db.selectFrom('promises').selectAll().where('ticket_id', '=', t.id).execute();
    assert.equal(ps.length, 1);
    assert.equal(ps[0]!.text, 'перезвоним завтра до 12:00');
    assert.equal(ps[0]!.kind, 'callback');
    assert.equal(ps[0]!.owner_id, other.id);
    assert.equal(new Date(ps[0]!.due_at).toISOString(), new Date(`${newDue}:00+03:00`).toISOString());
    assert.equal((m!.coach as { promises: unknown[] }).promises.length, 2);
    assert.deepEqual(errors, []);
  }));

  test('a light agent writes notes only; plain-text mode keeps lines', () => w.step('reply-light', async () => {
    const { page } = await w.signIn('light_agent', { lang: 'ru' });
    const t = await ticket();
    const box = await open(page, t.number);
    assert.equal(await box.getByRole('radio').count(), 0);
    assert.equal(await box.getByRole('complementary', { name: 'Подсказки' }).count(), 0);
    await box.getByRole('textbox', { name: 'Текст заметки' }).fill('первая строка');
    await box.getByRole('checkbox', { name: 'Простой текст' }).check();
    const area = box.getByRole('textbox', { name: 'Текст заметки' });
    assert.equal(await area.evaluate((el) => el.tagName), 'TEXTAREA');
    assert.equal(await area.inputValue(), 'первая строка');
    await area.press('End');
    await area.pressSequentially('\nвторая <строка>');
    await box.getByRole('button', { name: 'Добавить заметку' }).click();
    await box.getByText('Заметка добавлена').waitFor();
    const [m] = await agentMessages(t.id);
    assert.equal(m?.kind, 'note');
    assert.match(m!.body_text, /первая строка\s*\n\s*вторая <строка>/);
  }));

  test('collision: another agent typing on the ticket shows as replying', () => w.step('reply-collision', async () => {
    const t = await ticket();
    const anna = await w.createUser('agent', { name: 'Анна Кузнецова' });
    const annaPage = await (await w.context({ lang: 'ru' })).newPage();
    await annaPage.goto('/');
    await annaPage.locator('input[name=email]').fill(anna.email);
    await annaPage.locator('input[name=password]').fill('correct horse battery staple');
    await annaPage.locator('button[type=submit]').click();
    await annaPage.locator('.topbar').waitFor();
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const box = await open(page, t.number);
    const annaBox = await open(annaPage, t.number);
    const notice = box.getByRole('status').filter({ hasText: 'Анна Кузнецова сейчас отвечает…' });
    // only viewing: no "replying" notice
    assert.equal(await notice.count(), 0);
    await annaBox.getByRole('textbox', { name: 'Текст ответа' }).click();
    await annaBox.getByRole('textbox', { name: 'Текст ответа' }).pressSequentially('Добрый день!');
    await notice.waitFor();
    // she leaves the box: back to viewing
    await annaBox.getByRole('checkbox', { name: 'Простой текст' }).focus();
    await notice.waitFor({ state: 'detached' });
  }));

  test('English UI; the draft survives a reload and a session expiry mid-send', () => w.step('reply-en-draft', async () => {
    const { page, userId, email } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    const t = await ticket();
    let box = await open(page, t.number, 'Reply');
    const coach = box.getByRole('complementary', { name: 'Coach' });
    await box.getByRole('textbox', { name: 'Reply text' }).fill('We will fix it soon, please wait.');
    const flag = coach.getByRole('listitem').filter({ hasText: 'Vague "please wait"' });
    await flag.waitFor();
    assert.match(await flag.innerText(), /In the text: “soon”, “please wait”/);
    assert.match(await flag.innerText(), /Replace "soon" or "please wait" with a concrete time/);
    assert.doesNotMatch(await coach.getByRole('list', { name: '4 issues' }).innerText(), /[а-яё]/i);
    // the hints are the server's, in the UI language the box asked for (the profile still says ru)
    const profile = await w.deps.db.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirstOrThrow();
    assert.equal(profile.locale, 'ru');

    // a reload keeps the draft (kind and text)
    await box.getByRole('radio', { name: 'Internal note' }).check();
    await box.getByRole('textbox', { name: 'Note text' }).fill('Customer called twice; <b>check</b> the mail relay.');
    await page.reload();
    box = page.getByRole('region', { name: 'Reply' });
    await box.getByText('Unsent draft restored').waitFor();
    const editor = box.getByRole('textbox', { name: 'Note text' });
    assert.equal(await editor.innerText(), 'Customer called twice; <b>check</b> the mail relay.');

    // the session ends while the note is on its way (the real server answers 401): the sign-in
    // shows over the page and the text stays
    await page.route('**/api/v1/tickets/*/messages', async (route) => {
      if (route.request().method() === 'POST') await w.deps.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await route.continue();
    }, { times: 1 });
    await box.getByRole('button', { name: 'Add note' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await editor.innerText(), 'Customer called twice; <b>check</b> the mail relay.');
    assert.equal((await agentMessages(t.id)).length, 0);
    await dialog.getByLabel('E-mail').fill(email);
    await dialog.getByLabel('Password').fill('correct horse battery staple');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    await box.getByText('Your session has expired. Sign in again and send once more — your text is kept.').waitFor();
    await box.getByRole('button', { name: 'Add note' }).click();
    await box.getByText('Note added').waitFor();
    const [m] = await agentMessages(t.id);
    assert.equal(m?.kind, 'note');
    assert.equal(m!.body_text.trim(), 'Customer called twice; <b>check</b> the mail relay.');
    assert.deepEqual(errors.filter((e) => !/401|Unauthorized/.test(e)), []);
  }));
});
