// Accessibility in a real browser: axe-core (WCAG 2.1 A and AA rules) finds nothing on the main
// pages of the agent app and the portal, in Russian and English; the focus ring stands out
// (≥ 3:1 against what is around it, WCAG 1.4.11) wherever the keyboard goes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { makeTicket } from '../../server/test/harness.ts';
import { findOrCreateCustomer } from '../../server/modules/people/customer-lookup.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** axe over the page as it is now; evaluated through the DevTools protocol (the page's CSP stays on). */
async function audit(page: Page, where: string): Promise<string[]> {
  await page.evaluate(AXE);
  const v = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: unknown[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations;
  }) as Violation[];
  return v.map((x) => `${where}: ${x.id} (${x.impact}) ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** What the focused element's ring looks like against the background behind it (a string: no
 *  bundler helpers inside the page). */
const FOCUS_PROBE = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const lum = (c) => {
    const [r, g, b] = (c.match(/[\\d.]+/g) || ['0', '0', '0']).slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const opaque = (c) => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
  // the ring is drawn outside the element (offset 2 px): behind it is the parent's background
  let p = el.parentElement;
  while (p && !opaque(getComputedStyle(p).backgroundColor)) p = p.parentElement;
  const bg = p ? getComputedStyle(p).backgroundColor : 'rgb(255, 255, 255)';
  const cs = getComputedStyle(el);
  const [a, b] = [lum(cs.outlineColor), lum(bg)].sort((x, y) => y - x);
  const label = el.getAttribute('aria-label');
  return { what: el.tagName.toLowerCase() + '.' + el.className + '[type=' + el.getAttribute('type') + ' name=' + el.getAttribute('name') + ' fv=' + el.matches(':focus-visible') + el.matches(':focus') + el.matches(':focus-within') + ']' + (label ? '[' + label + ']' : '') + ' ' + (el.textContent || '').trim().slice(0, 30), style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), ratio: (a + 0.05) / (b + 0.05) };
})()`;

describe('accessibility', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  for (const lang of ['ru', 'en'] as const) {
    test(`agent app (${lang}): sign-in, list, ticket, search, lead page, admin, profile have no WCAG A/AA violations`, () => w.step(`a11y-agent-${lang}`, async () => {
      const api = await w.as('agent');
      const t = await makeTicket(api, { subject: 'Не работает оплата картой', message: { body: 'Уже перезагружал роутер и чистил кэш. Если не почините, пожалуюсь в Роспотребнадзор!' } });
      await api.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'reply', body: 'Проверяем платёжный шлюз, ответим до 18:00.' });
      const found: string[] = [];
      const anon = await (await w.context({ lang })).newPage();
      await anon.goto('/');
      await anon.locator('input[name=email]').waitFor();
      found.push(...await audit(anon, 'sign-in'));

      const { page } = await w.signIn('lead', { lang });
      const errors = watchErrors(page);
      await page.locator('[role=grid] [role=gridcell]').first().waitFor();
      found.push(...await audit(page, 'list'));
      await page.goto(`/tickets/${t.number}`);
      await page.getByText('Проверяем платёжный шлюз, ответим до 18:00.').waitFor();
      await page.getByRole('heading', { level: 1 }).waitFor();
      found.push(...await audit(page, 'ticket'));
      await page.goto(`/search?q=${encodeURIComponent('оплата')}`);
      await page.locator('.search-snippet, [role=status]').first().waitFor();
      found.push(...await audit(page, 'search'));
      await page.goto('/lead');
      await page.getByRole('heading', { level: 1 }).waitFor();
      found.push(...await audit(page, 'lead'));
      await page.goto('/admin/users');
      await page.getByRole('table').first().waitFor();
      found.push(...await audit(page, 'admin users'));
      await page.goto('/me');
      await page.getByRole('heading', { level: 1 }).waitFor();
      found.push(...await audit(page, 'profile'));
      assert.deepEqual(found, []);
      assert.deepEqual(errors, []);
    }));
  }

  test('portal: sign-in, the list and a ticket page have no WCAG A/AA violations', () => w.step('a11y-portal', async () => {
    const email = 'a11y@clients.test';
    await findOrCreateCustomer(w.deps.db, email, { name: 'Вера Доступная' });
    const agent = await w.as('agent');
    const t = await makeTicket(agent, { subject: 'Не приходит чек', requester: { email, name: 'Вера Доступная' } });
    await agent.post(`/api/v1/tickets/${t.id}/messages`, { kind: 'reply', body: 'Отправим чек повторно сегодня.' });
    const page = await (await w.context({ lang: 'ru' })).newPage();
    const errors = watchErrors(page);
    const found: string[] = [];
    await page.goto('/portal/');
    await page.getByLabel('Эл. почта').waitFor();
    found.push(...await audit(page, 'portal sign-in'));
    await page.getByLabel('Эл. почта').fill(email);
    await page.getByRole('button', { name: 'Получить ссылку' }).click();
    await page.getByRole('status').filter({ hasText: 'Проверьте почту' }).waitFor();
    const mail = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).where('kind', '=', 'magic_link').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await page.goto(`/portal/login?token=${/token=([\w-]+)/.exec(mail.body_text)![1]}`);
    await page.locator('.portal-ticket-row').first().waitFor();
    found.push(...await audit(page, 'portal list'));
    await page.goto(`/portal/tickets/${t.number}`);
    await page.getByText('Отправим чек повторно сегодня.').waitFor();
    found.push(...await audit(page, 'portal ticket'));
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
  }));

  test('the focus ring is visible (≥ 2 px, ≥ 3:1 against the background) on the first 25 stops of the keyboard', () => w.step('a11y-focus', async () => {
    const api = await w.as('agent');
    const t = await makeTicket(api, { subject: 'Фокус' });
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    for (const url of ['/', `/tickets/${t.number}`]) {
      await page.goto(url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const bad: string[] = [];
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const r = await page.evaluate(FOCUS_PROBE) as { what: string; style: string; width: number; ratio: number } | null;
        if (!r) continue;
        if (r.style === 'none' || r.width < 2 || r.ratio < 3) bad.push(`${url} ${r.what}: ${r.style} ${r.width}px ${r.ratio.toFixed(2)}:1`);
      }
      assert.deepEqual(bad, []);
    }
    assert.deepEqual(errors, []);
  }));
});
