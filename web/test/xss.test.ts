// Hostile content (XSS cheat-sheet class) in every field a customer or a mail controls — ticket
// subject, message body (plain, HTML through the API, HTML mail through the raw-MIME webhook),
// customer and organization names, attachment file names, tags, search snippets — stays text on
// the list, the ticket, search results and the portal ticket page: no script runs, no dialog
// opens, no CSP violation is reported and no markup of it reaches the DOM of any frame (a screen
// rendering unsanitized input with dangerouslySetInnerHTML fails the markup scan even where the
// CSP would have blocked the script).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { settled } from '../../server/mail/test/mail-kit.ts';
import { notify } from '../../server/modules/notifications/notify.ts';
import { makeTicket } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';
import { ALL, assertInert, HOSTILE_HTML, hostileMail, P, shows, watchDialogs } from './xss-kit.ts';

const SUBJECT = `Заявка ${P.img}${P.svg}`;
const CUSTOMER = `Иван ${P.script}${P.svg}`;
const ORG = `ООО ${P.img}${P.iframe}`;
const FILE = `${P.img}<svg onload=window.__xss=1>.txt`;
const TAGS = [P.img, P.svg.slice(0, 40)];
const MAIL_SUBJECT = `Письмо ${P.svg}${P.img}`;
const MAIL_FROM_NAME = `Злодей ${P.img}`;
const PROMISE = `Перезвоним ${P.img}${P.svg}`;

describe('hostile content never runs in the app', () => {
  let w: WebCtx;
  let apiTicket: { number: string; id: string };
  let htmlTicket: { number: string; id: string };
  let mailTicket: { number: string; id: string };
  let mailFrom: string;

  before(async () => {
    w = await startWeb({ jobs: true });
    const admin = await w.as('admin');
    const agent = await w.as('agent');
    const org = await admin.post('/api/v1/organizations', { name: ORG, domains: ['xss.test'] });
    assert.equal(org.status, 201, org.raw);
    const cust = await agent.post('/api/v1/customers', { name: CUSTOMER, emails: ['victim@xss.test'], organizationId: org.body.id });
    assert.equal(cust.status, 201, cust.raw);
    const att = await agent.req('POST', `/api/v1/attachments?filename=${encodeURIComponent(FILE)}`, { raw: Buffer.from(P.script), headers: { 'content-type': 'text/html' } });
    assert.equal(att.status, 201, att.raw);
    // plain text: every payload, and the word the search finds
    apiTicket = await makeTicket(agent, {
      subject: SUBJECT, requester: { id: cust.body.id },
      message: { body: `Пароль не подходит. ${ALL} Пароль снова.`, attachmentIds: [att.body.id] },
    });
    // tags cannot hold markup through the API: written directly, as old or imported data could be
    await w.deps.db.updateTable('tickets').set({ tags: TAGS }).where('id', '=', apiTicket.id).execute();
    // HTML through the API: the server sanitizes it
    htmlTicket = await makeTicket(agent, { subject: `HTML ${P.script}`, requester: { id: cust.body.id }, message: { body: HOSTILE_HTML, format: 'html' } });
    // an HTML mail through the raw-MIME webhook, processed by the mail pipeline (jobs on)
    const ch = await admin.post('/api/v1/mail/channels', { name: 'XSS', address: 'support@desk-xss.test' });
    assert.equal(ch.status, 201, ch.raw);
    mailFrom = 'mailer@evil-xss.test';
    const mail = hostileMail({ from: `"${MAIL_FROM_NAME}" <${mailFrom}>`, to: 'support@desk-xss.test', subject: MAIL_SUBJECT, html: HOSTILE_HTML, text: `Пароль не подходит. ${ALL}`, filename: FILE, id: 'xss-1' });
    const r = await w.anon().req('POST', `/api/v1/mail/inbound/${ch.body.id}/raw`, { raw: mail, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${ch.body.webhookToken}` } });
    assert.equal(r.status, 200, r.raw);
    const [m] = await settled(w.deps.db, [r.body.mailId], 60_000);
    assert.equal(m.stage, 'applied', JSON.stringify(m));
    const t = await w.deps.db.selectFrom('tickets').select(['id', 'number']).where('id', '=', m.ticket_id!).executeTakeFirstOrThrow();
    mailTicket = { id: String(t.id), number: String(t.number) };
    // an agent's HTML reply with the payloads: the customer sees it in the portal
    const reply = await agent.post(`/api/v1/tickets/${mailTicket.id}/messages`, { body: `<p>Ответ агента</p>${HOSTILE_HTML}`, format: 'html' });
    assert.equal(reply.status, 201, reply.raw);
    // a promise due soon with the payloads in its text (the lead's view lists it)
    const pr = await agent.post(`/api/v1/tickets/${apiTicket.id}/promises`, { text: PROMISE, dueAt: new Date(Date.now() + 2 * 3600_000).toISOString() });
    assert.equal(pr.status, 201, pr.raw);
  });
  after(async () => { await w?.closeAll(); });

  const open = async (page: Page, url: string) => {
    const errors = watchErrors(page);
    const dialogs = watchDialogs(page);
    await page.goto(url);
    return { errors, dialogs };
  };

  test('the stored bodies are sanitized (API HTML and mail HTML)', async () => {
    for (const id of [htmlTicket.id, mailTicket.id]) {
      const msgs = await w.deps.db.selectFrom('messages').select(['body_html']).where('ticket_id', '=', id).execute();
      for (const m of msgs) {
        assert.doesNotMatch(m.body_html, /<script|<iframe|<object|<embed|<svg|<math|<style|<meta|<base|\son\w+=|javascript:/i, m.body_html.slice(0, 400));
      }
    }
  });

  test('ticket list: hostile subjects, names and tags are text', () => w.step('xss-list', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const { errors, dialogs } = await open(page, '/');
    await shows(page, SUBJECT);
    await shows(page, MAIL_SUBJECT);
    await assertInert(page, errors, dialogs, 'list');
  }));

  test('ticket page (text message, attachment, tags, requester and organization) stays inert', () => w.step('xss-ticket', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const { errors, dialogs } = await open(page, `/tickets/${apiTicket.number}`);
    await page.locator('[data-ticket-loaded]').waitFor();
    await shows(page, SUBJECT);
    await shows(page, P.iframe); // in the message text
    await shows(page, CUSTOMER);
    await shows(page, ORG);
    await shows(page, FILE);
    await shows(page, TAGS[0]);
    await assertInert(page, errors, dialogs, 'ticket (text)');
  }));

  test('ticket page: HTML from the API and an HTML mail render sanitized', () => w.step('xss-html', async () => {
    const { page } = await w.signIn('agent', { lang: 'en' });
    for (const t of [htmlTicket, mailTicket]) {
      const { errors, dialogs } = await open(page, `/tickets/${t.number}`);
      await page.locator('[data-ticket-loaded]').waitFor();
      await shows(page, 'Безопасный абзац письма'); // the text view
      await assertInert(page, errors, dialogs, `ticket ${t.number} (text)`);
      // the e-mail as sent: the sanitized HTML in a sandboxed frame
      const view = page.getByRole('button', { name: 'Show as e-mail (HTML)' });
      assert.ok(await view.count() >= 1, 'an HTML view of the message');
      // each click turns its button into "show as text"
      for (let i = 0; i < 10 && await view.count(); i++) await view.first().click();
      await page.locator('iframe').first().waitFor();
      assert.ok(page.frames().length > 1, 'the HTML is in a frame');
      await shows(page, 'Конец письма');
      await assertInert(page, errors, dialogs, `ticket ${t.number} (HTML)`);
    }
    await shows(page, MAIL_SUBJECT);
    await shows(page, FILE);
  }));

  test('search results: snippets and subjects stay text', () => w.step('xss-search', async () => {
    const { page } = await w.signIn('agent', { lang: 'ru' });
    const errors = watchErrors(page);
    const dialogs = watchDialogs(page);
    await page.getByRole('searchbox').fill('пароль');
    await page.getByRole('searchbox').press('Enter');
    await page.waitForURL(/\/search/);
    await shows(page, SUBJECT);
    await page.locator('mark').first().waitFor(); // the snippet's highlight is the only markup
    await assertInert(page, errors, dialogs, 'search');
  }));

  test('notifications: a hostile ticket subject stays text', () => w.step('xss-notifications', async () => {
    const { page, userId } = await w.signIn('agent', { lang: 'ru' });
    await notify(w.deps, w.deps.db, [{ userId, kind: 'mention', ticketId: apiTicket.id, data: { by: CUSTOMER, excerpt: ALL }, dedupeKey: `xss-${userId}` }]);
    const { errors, dialogs } = await open(page, '/notifications');
    await shows(page, SUBJECT);
    await assertInert(page, errors, dialogs, 'notifications');
  }));

  test('lead views: a hostile promise text and subject stay text', () => w.step('xss-lead', async () => {
    const { page } = await w.signIn('lead', { lang: 'ru' });
    const { errors, dialogs } = await open(page, '/lead');
    await shows(page, PROMISE);
    await assertInert(page, errors, dialogs, 'lead');
  }));

  test('attachments are never served as a page of this origin', async () => {
    const att = await w.deps.db.selectFrom('attachments').select(['id']).orderBy('id').executeTakeFirstOrThrow();
    const agent = await w.as('agent');
    const r = await agent.req('GET', `/api/v1/attachments/${att.id}`);
    assert.equal(r.status, 200);
    const type = String(r.headers['content-type'] ?? '');
    const disp = String(r.headers['content-disposition'] ?? '');
    // HTML uploaded by a customer must be a download (or not HTML), never rendered inline
    assert.ok(/^attachment/.test(disp) || !/html|xml|svg/i.test(type), `${type}; ${disp}`);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  });

  test('portal: the customer sees the ticket and the agent reply as text', () => w.step('xss-portal', async () => {
    const page = await (await w.context({ lang: 'ru' })).newPage();
    const errors = watchErrors(page);
    const dialogs = watchDialogs(page);
    await w.anon().post('/api/v1/portal/auth/magic-link', { email: mailFrom });
    const out = await w.deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', mailFrom).where('kind', '=', 'magic_link').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+token=[\w-]+/.exec(out.body_text)![0];
    await page.goto(link);
    await shows(page, MAIL_SUBJECT);
    await assertInert(page, errors, dialogs, 'portal list');
    await page.getByText(MAIL_SUBJECT, { exact: false }).first().click();
    await shows(page, 'Ответ агента');
    await shows(page, 'Безопасный абзац письма');
    await assertInert(page, errors, dialogs, 'portal ticket');
  }));
});
