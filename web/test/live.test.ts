// Live updates in a real browser: tickets created through the API appear without reload, an
// EventSource in the page delivers under the strict CSP, and agents see each other on a ticket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const THREAT = 'Если до завтра не почините, подам в суд и напишу в СМИ.';

describe('live updates', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('a ticket created through the API appears on the open lead page without a reload', () => w.step('live-lead', async () => {
    const { page } = await w.signIn('lead', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/lead');
    await page.locator('[data-live="open"]').waitFor();
    const threats = page.getByRole('region', { name: /Угрозы/ });
    await threats.getByText('Ничего нет — всё в порядке').waitFor();
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Напишут в СМИ', message: { body: THREAT } });
    // the page refetches on the event (1.5 s debounce), long before its 60 s refresh
    await threats.getByRole('link', { name: t.number }).waitFor({ timeout: 10_000 });
    await threats.getByText('Напишут в СМИ').waitFor();
    assert.equal(navigations, 0, 'no reload');
    assert.deepEqual(errors, []);
  }));

  test('tabs of one browser share one stream; when its tab closes another tab connects', () => w.step('live-tabs', async () => {
    const { page: first } = await w.signIn('lead', { lang: 'ru' });
    const context = first.context();
    await first.goto('/lead');
    await first.locator('[data-live="open"]').waitFor();
    // counted from here: the page signIn left may still open its stream late (a slow machine)
    const streams: string[] = [];
    context.on('request', (r) => { if (r.url().includes('/api/v1/stream')) streams.push(r.url()); });
    const second = await context.newPage();
    const errors = watchErrors(second);
    await second.goto('/lead');
    await second.locator('[data-live="open"]').waitFor();
    const admin = await w.as('admin');
    const a = await makeTicket(admin, { subject: 'Первая угроза', message: { body: THREAT } });
    await second.getByRole('region', { name: /Угрозы/ }).getByRole('link', { name: a.number }).waitFor({ timeout: 10_000 });
    await first.getByRole('region', { name: /Угрозы/ }).getByRole('link', { name: a.number }).waitFor({ timeout: 10_000 });
    assert.equal(streams.length, 0, `the second tab uses the first tab's stream: ${streams.join(', ')}`);

    await first.close();
    await second.locator('[data-live="open"]').waitFor();
    // the lock passes to the remaining tab, which opens its own stream (poll up to 5 s)
    for (let i = 0; i < 50 && streams.length < 1; i++) await second.waitForTimeout(100);
    assert.equal(streams.length, 1, 'the remaining tab connected');
    const b = await makeTicket(admin, { subject: 'Вторая угроза', message: { body: THREAT } });
    await second.getByRole('region', { name: /Угрозы/ }).getByRole('link', { name: b.number }).waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, []);
  }));

  test('an EventSource in the page gets ticket.created and message.created (ids only) under the CSP', () => w.step('live-eventsource', async () => {
    const { page } = await w.signIn('agent', { lang: 'en' });
    const errors = watchErrors(page);
    await page.evaluate(() => {
      const got: unknown[] = [];
      (window as unknown as { liveGot: unknown[] }).liveGot = got;
      const es = new EventSource('/api/v1/stream');
      for (const type of ['ticket.created', 'message.created']) es.addEventListener(type, (m) => got.push({ type, ...JSON.parse((m as MessageEvent).data) }));
      return new Promise<void>((ok) => { es.onopen = () => ok(); });
    });
    const agent = await w.as('agent');
    const t = await makeTicket(agent, { subject: 'Live check' });
    const note = await agent.post(`/api/v1/tickets/${t.number}/messages`, { kind: 'note', body: 'private words 42' });
    assert.equal(note.status, 201, note.raw);
    const got = await page.waitForFunction((id) => {
      const list = (window as unknown as { liveGot: { type: string; ticketId: string }[] }).liveGot;
      return list.some((e) => e.type === 'message.created' && e.ticketId === id) ? list : null;
    }, t.id, { timeout: 10_000 }).then((h) => h.jsonValue() as Promise<Record<string, unknown>[]>);
    const created = got.find((e) => e.type === 'ticket.created' && e.ticketId === t.id);
    assert.equal(created?.number, t.number);
    const msg = got.find((e) => e.type === 'message.created' && e.ticketId === t.id);
    assert.equal(msg?.messageId, note.body.id);
    assert.equal(msg?.kind, 'note');
    assert.doesNotMatch(JSON.stringify(got), /private words/);
    assert.deepEqual(errors, []);
  }));

  test('two agents on one ticket: the other sees "replying"; the lead sees who views and replies', () => w.step('live-presence', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Двое на одном обращении', message: { body: THREAT } });
    const anna = await w.signIn('agent', { lang: 'ru' });
    await w.deps.db.updateTable('users').set({ name: 'Анна Белова' }).where('id', '=', anna.userId).execute();
    const boris = await w.signIn('agent', { lang: 'ru' });
    const lead = await w.signIn('lead', { lang: 'ru' });
    const errors = [anna, boris, lead].map((x) => watchErrors(x.page));

    await lead.page.goto('/lead');
    const row = lead.page.getByRole('region', { name: /Угрозы/ }).getByRole('listitem').filter({ hasText: 'Двое на одном обращении' });
    await row.waitFor();

    // Anna opens the ticket: the lead sees her there
    await anna.page.goto(`/tickets/${t.number}`);
    await row.getByText('Анна Белова просматривает').waitFor({ timeout: 15_000 });

    // Boris opens it too; Anna starts typing a reply: Boris and the lead see it
    await boris.page.goto(`/tickets/${t.number}`);
    const editor = anna.page.getByRole('textbox', { name: 'Текст ответа' });
    await editor.click();
    await editor.pressSequentially('Проверяем, вернёмся с ответом');
    await boris.page.getByText('Анна Белова сейчас отвечает…').waitFor({ timeout: 15_000 });
    await row.getByText('Анна Белова пишет ответ').waitFor({ timeout: 15_000 });

    // Anna leaves the ticket: the badge goes away at once ("left"), not after the expiry
    await anna.page.goto('/');
    await row.getByText(/Анна Белова/).waitFor({ state: 'detached', timeout: 10_000 });
    await boris.page.getByText('Анна Белова сейчас отвечает…').waitFor({ state: 'detached', timeout: 10_000 });
    for (const e of errors) assert.deepEqual(e, []);
  }));
});
