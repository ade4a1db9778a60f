// Lead views and notifications in a real browser: what a lead sees (overdue promise, threat ticket),
// an agent refused the page (UI and API), notifications read one by one and all at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const THREAT = 'Если до завтра не почините, подам в суд и напишу в СМИ.';
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe('lead views', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('a lead sees an overdue promise, a promise due soon and a threat ticket, with links to them', () => w.step('lead-sees', async () => {
    const admin = await w.as('admin');
    const late = await makeTicket(admin, { subject: 'Обещали перезвонить вчера' });
    const p = await admin.post(`/api/v1/tickets/${late.id}/promises`, { text: 'Перезвоним и расскажем о сроках', dueAt: inHours(1), kind: 'callback' });
    assert.equal(p.status, 201, p.raw);
    // the due time passed and no sweeper ran yet: the promise is open and overdue
    await w.deps.db.updateTable('promises').set({ due_at: new Date(Date.now() - 2 * 3600_000) }).where('id', '=', p.body.id).execute();
    const soonT = await makeTicket(admin, { subject: 'Счёт к вечеру' });
    assert.equal((await admin.post(`/api/v1/tickets/${soonT.id}/promises`, { text: 'Пришлём исправленный счёт', dueAt: inHours(1), kind: 'info' })).status, 201);
    const threat = await makeTicket(admin, { subject: 'Угрожают судом', message: { body: THREAT } });
    assert.ok(threat.signals.includes('threat_regulator'), threat.signals.join());

    const { page } = await w.signIn('lead', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/lead');
    await page.getByRole('heading', { level: 1, name: 'Контроль: что горит' }).waitFor();

    const overdue = page.getByRole('region', { name: /Просроченные обещания/ });
    await overdue.getByText('Перезвоним и расскажем о сроках').waitFor();
    assert.equal(await overdue.getByRole('link', { name: late.number }).count(), 1);
    assert.equal(await overdue.getByText('Пришлём исправленный счёт').count(), 0, 'not overdue yet');
    const soon = page.getByRole('region', { name: /ближайшие 2 часа/ });
    await soon.getByText('Пришлём исправленный счёт').waitFor();

    const threats = page.getByRole('region', { name: /Угрозы/ });
    await threats.getByText('Угрожают судом').waitFor();
    await threats.getByText(/жалоба регулятору/).waitFor();
    assert.equal(await page.getByRole('region', { name: /Сбои почтовых каналов/ }).getByText('Ничего нет — всё в порядке').count(), 1);

    // the link opens the ticket
    await threats.getByRole('link', { name: threat.number }).click();
    await page.waitForURL(`**/tickets/${threat.number}`);
    const row = await w.deps.db.selectFrom('promises').select(['state', 'due_at']).where('id', '=', p.body.id).executeTakeFirstOrThrow();
    assert.equal(row.state, 'open');
    assert.ok(new Date(row.due_at).getTime() < Date.now());
    assert.deepEqual(errors, []);
  }));

  test('SLA breaches and risks, broken promises and waiting escalations come from the tickets\' priority parts', () => w.step('lead-parts', async () => {
    const admin = await w.as('admin');
    const part = (code: string, points: number) => ({ code, points, label_ru: code, label_en: code });
    const breached = await makeTicket(admin, { subject: 'Срок первого ответа истёк' });
    const risky = await makeTicket(admin, { subject: 'Срок скоро истечёт' });
    const broken = await makeTicket(admin, { subject: 'Не перезвонили' });
    const escalated = await makeTicket(admin, { subject: 'Ждёт вторую линию' });
    const set = (id: string, v: Record<string, unknown>) => w.deps.db.updateTable('tickets').set(v).where('id', '=', id).execute();
    await set(breached.id, { priority_parts: JSON.stringify([part('sla_breached', 20)]), priority_score: 90 });
    await set(risky.id, { priority_parts: JSON.stringify([part('sla_at_risk', 10)]), priority_score: 80 });
    await set(broken.id, { priority_parts: JSON.stringify([part('promise_broken', 15)]), priority_score: 70 });
    await set(escalated.id, { level: 2, assignee_id: null, priority_parts: JSON.stringify([part('level', 5)]), priority_score: 60 });

    const { page } = await w.signIn('lead', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/lead');
    const region = (name: RegExp) => page.getByRole('region', { name });
    await region(/SLA нарушен/).getByRole('link', { name: breached.number }).waitFor();
    await region(/SLA под угрозой/).getByRole('link', { name: risky.number }).waitFor();
    await region(/Нарушенные обещания/).getByRole('link', { name: broken.number }).waitFor();
    const esc = region(/Эскалации ждут исполнителя/);
    await esc.getByRole('link', { name: escalated.number }).waitFor();
    await esc.getByText('линия L2').waitFor();
    assert.equal(await region(/SLA нарушен/).getByRole('link', { name: risky.number }).count(), 0);
    assert.equal(await esc.getByRole('link', { name: breached.number }).count(), 0, 'level 1 is no escalation');
    assert.deepEqual(errors, []);
  }));

  test('the lead page in English', () => w.step('lead-en', async () => {
    const { page } = await w.signIn('admin', { lang: 'en' });
    await page.goto('/lead');
    await page.getByRole('heading', { level: 1, name: 'Lead overview: what is on fire' }).waitFor();
    await page.getByRole('region', { name: /Escalations waiting for an assignee/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live updates are on' }).waitFor();
  }));

  test('an agent is refused the lead page: the UI says so and the API refuses', () => w.step('lead-refused', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    await page.goto('/lead');
    await page.getByRole('alert').filter({ hasText: 'только старшим смены и администраторам' }).waitFor();
    assert.equal(await page.getByRole('region').count(), 0, 'no lead sections for an agent');
    const status = await page.evaluate(async () => (await fetch('/api/v1/mail/alerts?open=true')).status);
    assert.equal(status, 403);
    const report = await page.evaluate(async () => (await fetch('/api/v1/reports/sla?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).status);
    assert.equal(report, 403);
    assert.deepEqual(errors, []);
  }));

  test('notifications: listed with ticket links, marked read one by one and all at once', () => w.step('notifications', async () => {
    const admin = await w.as('admin');
    const t = await makeTicket(admin, { subject: 'Отложено до понедельника' });
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const add = (kind: string, ticketId: string | null) => w.deps.db.insertInto('notifications')
      .values({ user_id: userId, kind, ticket_id: ticketId, data: JSON.stringify({ thirdParty: 'Банк' }), dedupe_key: `t:${Math.random()}` }).returning('id').executeTakeFirstOrThrow();
    const first = await add('snooze_ended', t.id);
    await add('follow_up_due', t.id);
    await page.goto('/notifications');
    await page.getByRole('heading', { name: 'Уведомления' }).waitFor();
    await page.getByText('2 непрочитанных').waitFor();
    const item = page.getByRole('listitem').filter({ hasText: 'Отложенное обращение снова в работе' });
    await item.getByRole('link', { name: t.number }).waitFor();
    await item.getByRole('button', { name: /Отметить прочитанным/ }).click();
    await item.getByText('Прочитано', { exact: true }).waitFor();
    await page.getByText('1 непрочитанное').waitFor();
    const r1 = await w.deps.db.selectFrom('notifications').select('read_at').where('id', '=', first.id).executeTakeFirstOrThrow();
    assert.ok(r1.read_at, 'read in the database');

    await page.getByLabel('Только непрочитанные').check();
    await page.getByRole('listitem').filter({ hasText: 'Пора узнать у третьей стороны (Банк)' }).waitFor();
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'Отложенное обращение' }).count(), 0);
    await page.getByRole('button', { name: 'Прочитать все' }).click();
    await page.getByText('Непрочитанных уведомлений нет').waitFor();
    const unread = await w.deps.db.selectFrom('notifications').select('id').where('user_id', '=', userId).where('read_at', 'is', null).execute();
    assert.equal(unread.length, 0);

    await page.getByLabel('Только непрочитанные').uncheck();
    await page.getByRole('link', { name: t.number }).first().click();
    await page.waitForURL(`**/tickets/${t.number}`);
    assert.deepEqual(errors, []);
  }));
});
