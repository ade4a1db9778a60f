// The whole story in a real browser, in Russian and in English: a customer's e-mail arrives
// through the raw-MIME webhook and becomes a ticket; an agent opens it from the list, writes a
// vague "please wait", the coach flags it, the agent fixes the reply, confirms the promise the
// coach found and sends; the customer signs in to the portal by magic link, sees the promise with
// its due time and answers; the agent sees the answer appear without reloading. Then the role
// restriction: a light agent has no public reply.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawMail, settled } from '../../server/mail/test/mail-kit.ts';
import { translate, type Lang } from '../src/common/messages.ts';
import '../src/agent/reply/messages.ts';
import '../src/portal/messages.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const STORY: Record<Lang, { name: string; subject: string; body: string; vague: string; vaguePhrase: RegExp; fixed: string; promise: string; answer: string }> = {
  ru: {
    name: 'Анна Смирнова',
    subject: 'VPN отключается каждый час',
    body: 'Здравствуйте! С утра VPN отключается каждый час. Уже перезагружали роутер. Когда почините?',
    vague: 'Здравствуйте! Мы разбираемся, ожидайте ответа.',
    vaguePhrase: /«[^»]*ожидайте[^»]*»/i,
    fixed: 'Здравствуйте! Причина — сбой на нашем шлюзе VPN, мы его уже перезапускаем. Пока можно подключаться через резервный сервер vpn2. Исправим до 18:00 завтра и напишем вам.',
    promise: 'Исправим до 18:00 завтра и напишем вам',
    answer: 'Спасибо, через vpn2 работает. Ждём исправления.',
  },
  en: {
    name: 'Emma Brown',
    subject: 'VPN drops every hour',
    body: 'Hello, the VPN disconnects every hour since this morning. We already rebooted the router. When will you fix it?',
    vague: 'Hello! We are looking into it, please wait.',
    vaguePhrase: /“[^”]*wait[^”]*”/i,
    fixed: 'Hello! The cause is a fault on our VPN gateway; we are restarting it now. Meanwhile you can connect through the backup server vpn2. We will fix it by 6 pm tomorrow and write to you.',
    promise: 'We will fix it by 6 pm tomorrow and write to you',
    answer: 'Thanks, vpn2 works. Waiting for the fix.',
  },
};

/** Tomorrow 18:00 in Moscow (the ticket's and the browsers' zone), as an instant. */
function tomorrow18Moscow(): number {
  const msk = new Date(Date.now() + 3 * 3600_000); // Moscow has no DST: UTC+3
  return Date.UTC(msk.getUTCFullYear(), msk.getUTCMonth(), msk.getUTCDate() + 1, 15, 0, 0);
}

describe('end to end: e-mail → coached reply → promise in the portal → live answer', () => {
  let w: WebCtx;
  let channel: { id: string; token: string; address: string };
  const numbers: Partial<Record<Lang, string>> = {};

  before(async () => {
    w = await startWeb({ jobs: true });
    const admin = await w.as('admin');
    const ch = await admin.post('/api/v1/mail/channels', { name: 'Support', address: 'support@e2e-desk.test' });
    assert.equal(ch.status, 201, ch.raw);
    channel = { id: ch.body.id, token: ch.body.webhookToken, address: 'support@e2e-desk.test' };
  });
  after(async () => { await w?.closeAll(); });

  for (const lang of ['ru', 'en'] as const) {
    test(`${lang}: the story from the customer's e-mail to the live answer`, () => w.step(`e2e-${lang}`, async () => {
      const s = STORY[lang];
      const tr = (k: string, v?: Record<string, string | number>) => translate(lang, k, v);
      const db = w.deps.db;
      const customerEmail = `client-${lang}@customer-e2e.test`;

      // 1. the customer's e-mail arrives through the raw-MIME webhook and the pipeline makes a ticket
      const raw = rawMail({ from: `${s.name} <${customerEmail}>`, to: channel.address, subject: s.subject, body: s.body });
      const r = await w.anon().req('POST', `/api/v1/mail/inbound/${channel.id}/raw`, { raw, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${channel.token}` } });
      assert.equal(r.status, 200, r.raw);
      const [mail] = await settled(db, [r.body.mailId], 60_000);
      assert.equal(mail.stage, 'applied', JSON.stringify(mail));
      const ticket = await db.selectFrom('tickets').select(['id', 'number', 'channel', 'subject']).where('id', '=', mail.ticket_id!).executeTakeFirstOrThrow();
      assert.equal(ticket.channel, 'email');
      assert.equal(ticket.subject, s.subject);
      const number = (await w.as('agent').then((a) => a.get(`/api/v1/tickets/${ticket.id}`))).body.number as string;
      numbers[lang] = number;

      // 2. the agent signs in and opens it from the list
      const { page, userId } = await w.signIn('agent', { lang });
      const errors = watchErrors(page);
      await page.getByRole('link', { name: s.subject }).click();
      await page.waitForURL(new RegExp(`/tickets/${number}$`));
      await page.locator('[data-ticket-loaded]').waitFor();
      await page.getByText(s.body.slice(0, 40)).first().waitFor();

      // 3. a vague "please wait": the coach flags it
      const editor = page.getByRole('textbox', { name: tr('reply.editor') });
      await editor.fill(s.vague);
      const vague = page.locator('[data-flag="vague_wait"]');
      await vague.getByText(tr('reply.flag.vague_wait')).waitFor();
      assert.match(await vague.innerText(), s.vaguePhrase, 'the flag quotes the vague phrase');

      // 4. fixed: cause, workaround and a time; no flags left, the promise is offered for confirmation
      await editor.fill(s.fixed);
      await page.getByText(tr('reply.coach.ok')).waitFor();
      assert.equal(await vague.count(), 0, 'the vague-wait flag is gone');
      const confirm = page.getByRole('checkbox', { name: tr('reply.promise.confirm', { text: s.promise }) });
      await confirm.check();
      const due = page.getByRole('region', { name: tr('reply.promise.title') }).getByLabel(tr('reply.promise.due')).first();
      assert.match(await due.inputValue(), /T18:00$/, 'due time taken from the reply');

      // 5. send
      await page.getByRole('button', { name: tr('reply.send'), exact: true }).click();
      await page.getByText(tr('reply.sent')).waitFor();
      const reply = await db.selectFrom('messages').select(['body_text', 'author_user_id', 'kind']).where('ticket_id', '=', ticket.id).where('author_type', '=', 'agent').executeTakeFirstOrThrow();
      assert.equal(String(reply.author_user_id), String(userId));
      assert.equal(reply.kind, 'reply');
      assert.match(reply.body_text, /vpn2/);
      const promise = await db.selectFrom('promises').selectAll().where('ticket_id', '=', ticket.id).executeTakeFirstOrThrow();
      assert.equal(promise.text, s.promise);
      assert.equal(new Date(promise.due_at).getTime(), tomorrow18Moscow());

      // 6. the customer signs in to the portal by magic link and sees the promise with its due time
      const portal = await (await w.context({ lang })).newPage();
      const portalErrors = watchErrors(portal);
      await portal.goto('/portal/');
      await portal.getByLabel(tr('portal.signin.email')).fill(customerEmail);
      await portal.getByRole('button', { name: tr('portal.signin.submit') }).click();
      await portal.getByRole('status').filter({ hasText: customerEmail }).waitFor();
      const out = await db.selectFrom('outbox').select('body_text').where('to_address', '=', customerEmail).where('kind', '=', 'magic_link').orderBy('id', 'desc').executeTakeFirstOrThrow();
      await portal.goto(/https?:\/\/\S+token=[\w-]+/.exec(out.body_text)![0]);
      await portal.getByRole('link', { name: s.subject }).click();
      const promised = portal.getByRole('region', { name: tr('portal.promises.title') });
      await promised.getByText(s.promise).waitFor();
      const time = promised.locator('time').first();
      assert.equal(Date.parse((await time.getAttribute('datetime'))!), tomorrow18Moscow());
      assert.match(await time.innerText(), new RegExp(`${tr('portal.promises.due', { due: '' }).trim()}.*18:00`));
      await portal.getByText(s.fixed.slice(0, 40)).waitFor(); // the agent's reply in the conversation

      // 7. the customer answers; the agent's open page shows it without a reload
      await page.evaluate(() => { (window as unknown as { __sameDocument: number }).__sameDocument = 1; });
      await portal.getByLabel(tr('portal.reply.body')).fill(s.answer);
      await portal.getByRole('button', { name: tr('portal.reply.send') }).click();
      await portal.getByText(tr('portal.reply.sent')).waitFor();
      const answer = await db.selectFrom('messages').select(['author_type', 'kind']).where('ticket_id', '=', ticket.id).where('body_text', 'like', `%${s.answer}%`).executeTakeFirstOrThrow();
      assert.deepEqual(answer, { author_type: 'customer', kind: 'reply' });
      await page.getByText(s.answer).waitFor();
      assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument), 1, 'the agent page was not reloaded');

      assert.deepEqual(errors, [], 'agent page errors');
      assert.deepEqual(portalErrors, [], 'portal page errors');
    }));
  }

  test('a light agent has no public reply in the UI (and the server refuses one)', () => w.step('e2e-light', async () => {
    const number = numbers.ru ?? numbers.en;
    assert.ok(number, 'a ticket from the story');
    const tr = (k: string) => translate('en', k);
    const { page } = await w.signIn('light_agent', { lang: 'en' });
    await page.goto(`/tickets/${number}`);
    await page.locator('[data-ticket-loaded]').waitFor();
    const box = page.getByRole('region', { name: tr('reply.region') });
    await box.getByText(tr('reply.note'), { exact: true }).waitFor();
    assert.equal(await page.getByRole('radio', { name: tr('reply.public') }).count(), 0, 'no "reply to customer"');
    await page.getByRole('textbox', { name: tr('reply.editorNote') }).waitFor();
    await box.getByRole('button', { name: tr('reply.sendNote') }).waitFor();
    assert.equal(await box.getByRole('button', { name: tr('reply.send'), exact: true }).count(), 0);
    // an agent does get the choice
    const agent = await w.signIn('agent', { lang: 'en' });
    await agent.page.goto(`/tickets/${number}`);
    await agent.page.getByRole('radio', { name: tr('reply.public') }).waitFor();
    // the server is the guard
    const light = await w.as('light_agent');
    const r = await light.post(`/api/v1/tickets/${number}/messages`, { body: 'public?', kind: 'reply' });
    assert.equal(r.status, 403, r.raw);
  }));
});
