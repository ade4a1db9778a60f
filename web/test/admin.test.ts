// Admin screens in a real browser: users and groups, SLA targets, iCal holidays, priority
// weights, macros; what a non-admin sees; the admin chunk stays out of an agent's first load.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { PASSWORD } from '../../server/test/harness.ts';
import { startWeb, watchErrors, type WebCtx } from './browser.ts';

const ICS = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Slovo test//holidays//EN',
  'BEGIN:VEVENT', 'UID:ny-2027@test', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:New Year', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:spring-2027@test', 'DTSTART;VALUE=DATE:20270501', 'DTEND;VALUE=DATE:20270502', 'SUMMARY:Spring Day', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:meeting@test', 'DTSTART:20270105T100000Z', 'DTEND:20270105T110000Z', 'SUMMARY:A meeting', 'END:VEVENT',
  'END:VCALENDAR', '',
].join('\r\n');

describe('admin screens', () => {
  let w: WebCtx;
  before(async () => { w = await startWeb(); });
  after(async () => { await w?.closeAll(); });

  test('admin creates a group (L2) and a user with level L2 in it; API errors show next to the field', () => w.step('admin-users', async () => {
    const { page, email: adminEmail } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/groups');
    await page.getByRole('button', { name: 'New group' }).click();
    const gform = page.getByRole('form', { name: 'New group' });
    await gform.getByLabel('Name').fill('Second line');
    await gform.getByLabel('Line').selectOption('2');
    await gform.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('cell', { name: 'Second line', exact: true }).waitFor();
    const g = await w.deps.db.selectFrom('groups').selectAll().where('name', '=', 'Second line').executeTakeFirstOrThrow();
    assert.equal(g.level, 2);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Name').fill('Vera Second');
    await form.getByLabel('E-mail').fill('vera@agents.test');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByLabel('Support line').selectOption('2');
    await form.getByLabel('Skills').fill('billing, bad skill!');
    await form.getByLabel('Time zone').fill('Asia/Yekaterinburg');
    await form.getByLabel('Password', { exact: true }).fill('a long enough password');
    await form.getByRole('checkbox', { name: 'Second line (L2)' }).check();
    await form.getByRole('button', { name: 'Create user' }).click();
    // the API refuses the skill: its message is tied to the Skills field
    const skills = form.getByLabel('Skills');
    await skills.and(page.locator('[aria-invalid=true]')).waitFor();
    const described = await skills.getAttribute('aria-describedby');
    const description = await Promise.all(described!.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()));
    assert.match(description.join(' '), /skills are 1-50 letters/);
    assert.equal(await w.deps.db.selectFrom('users').select('id').where('email', '=', 'vera@agents.test').executeTakeFirst(), undefined);

    await skills.fill('billing, 1c');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('cell', { name: 'vera@agents.test', exact: true }).waitFor();
    const u = await w.deps.db.selectFrom('users').selectAll().where('email', '=', 'vera@agents.test').executeTakeFirstOrThrow();
    assert.equal(u.level, 2);
    assert.equal(u.role, 'agent');
    assert.equal(u.time_zone, 'Asia/Yekaterinburg');
    assert.deepEqual([...u.skills].sort(), ['1c', 'billing']);
    const member = await w.deps.db.selectFrom('group_members').selectAll().where('user_id', '=', u.id).execute();
    assert.deepEqual(member.map((m) => String(m.group_id)), [g.id]);
    // search by name prefix narrows the list
    await page.getByLabel('Find by name or e-mail').fill('ver');
    await page.getByRole('cell', { name: adminEmail, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'vera@agents.test', exact: true }).waitFor();
    // the new user signs in with the chosen password
    assert.equal((await w.anon().login('vera@agents.test', 'a long enough password')).status, 200);

    // deactivate, with a confirmation step
    await page.getByRole('button', { name: 'Edit Vera Second' }).click();
    const edit = page.getByRole('form', { name: 'Edit Vera Second' });
    await edit.getByRole('button', { name: 'Deactivate' }).click();
    await edit.getByRole('button', { name: 'Yes, confirm' }).click();
    await page.getByRole('row', { name: /vera@agents\.test.*deactivated/ }).waitFor();
    assert.equal((await w.deps.db.selectFrom('users').select('active').where('id', '=', u.id).executeTakeFirstOrThrow()).active, false);
    assert.deepEqual(errors, []);
  }));

  test('admin edits an SLA policy target; it lands in the DB', () => w.step('admin-sla', async () => {
    const api = await w.as('admin');
    const r = await api.post('/api/v1/sla-policies', { name: 'Standard', targets: { firstResponseMin: 60, resolutionMin: 480 } });
    assert.equal(r.status, 201, r.raw);
    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/sla');
    await page.getByRole('button', { name: 'Edit policy Standard' }).click();
    const form = page.getByRole('form', { name: 'Edit policy Standard' });
    await form.getByLabel('First response').fill('45');
    await form.getByLabel('Waiting for a third party').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const p = await w.deps.db.selectFrom('sla_policies').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.equal(p.first_response_min, 45);
    assert.equal(p.resolution_min, 480);
    assert.equal(p.pause_pending_third_party, true);
    await page.getByRole('cell', { name: '45 min' }).waitFor();
    assert.deepEqual(errors, []);
  }));

  test('admin imports holidays from an .ics file into a calendar', () => w.step('admin-ical', async () => {
    const api = await w.as('admin');
    const c = await api.post('/api/v1/calendars', { name: 'Moscow office', timeZone: 'Europe/Moscow' });
    assert.equal(c.status, 201, c.raw);
    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/calendars');
    await page.getByRole('button', { name: 'Edit calendar Moscow office' }).click();
    const form = page.getByRole('form', { name: 'Import holidays from iCal' });
    await form.getByLabel('.ics file').setInputFiles({ name: 'holidays.ics', mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('status').filter({ hasText: 'Imported days: 2' }).waitFor();
    await page.getByRole('cell', { name: 'New Year', exact: true }).waitFor();
    const days = await w.deps.db.selectFrom('calendar_days').select([sql<string>`day::text`.as('day'), 'kind', 'source', 'name']).where('calendar_id', '=', c.body.id).orderBy('day').execute();
    assert.deepEqual(days.map((d) => [d.day, d.kind, d.source, d.name]), [
      ['2027-01-01', 'holiday', 'ical', 'New Year'],
      ['2027-05-01', 'holiday', 'ical', 'Spring Day'],
    ]);
    // working week: Saturday gets hours
    const week = page.getByRole('form', { name: 'Working week' });
    await week.getByLabel('Saturday').fill('10:00-14:00');
    await week.getByRole('button', { name: 'Save' }).click();
    await week.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const cal = await w.deps.db.selectFrom('calendars').select('week').where('id', '=', c.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(cal.week[5], [[600, 840]]);
    assert.deepEqual(errors, []);
  }));

  test('admin changes a priority weight and creates a macro', () => w.step('admin-weights-macro', async () => {
    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/priority');
    const weights = page.getByRole('form', { name: 'Priority weights' });
    await weights.getByLabel('Angry customer').fill('33');
    await weights.getByRole('button', { name: 'Save' }).click();
    await weights.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const s = await w.deps.db.selectFrom('settings').select('value').where('key', '=', 'priority_weights').executeTakeFirstOrThrow();
    assert.deepEqual(s.value, { anger: 33 });

    await page.getByRole('link', { name: 'Macros' }).click();
    await page.getByRole('button', { name: 'New macro' }).click();
    const form = page.getByRole('form', { name: 'New macro' });
    await form.getByLabel('Name').fill('Waiting for logs');
    await form.getByLabel('Reply text').fill('Hello, ');
    await form.getByRole('button', { name: '{{customer.name}}' }).click();
    await form.getByLabel('Reply text').press('End');
    await form.getByLabel('Reply text').pressSequentially('! Please send us the logs.');
    await form.getByLabel('Status').selectOption('pending_customer');
    await form.getByLabel('Add tags').fill('logs');
    await form.getByRole('button', { name: 'Create macro' }).click();
    await page.getByRole('cell', { name: 'Waiting for logs', exact: true }).waitFor();
    const m = await w.deps.db.selectFrom('macros').selectAll().where('name', '=', 'Waiting for logs').executeTakeFirstOrThrow();
    assert.equal(m.body, 'Hello, {{customer.name}}! Please send us the logs.');
    assert.deepEqual(m.actions, { status: 'pending_customer', addTags: ['logs'] });
    assert.equal(m.owner_user_id, null); // shared
    assert.deepEqual(errors, []);
  }));

  test('admin adds a mail channel, sees its health, rotates the token, releases quarantine, retries a failed mail', () => w.step('admin-mail', async () => {
    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/mail');
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Name').fill('Support');
    await form.getByLabel('Address', { exact: true }).fill('support@shop.test');
    await form.getByLabel('Fetch mail over IMAP').check();
    await form.getByLabel('Server', { exact: true }).fill('imap.shop.test');
    await form.getByLabel('User', { exact: true }).fill('support');
    await form.getByLabel('Password', { exact: true }).fill('imap secret');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await page.getByRole('cell', { name: 'support@shop.test', exact: true }).waitFor();
    const ch = await w.deps.db.selectFrom('mail_channels').selectAll().where('address', '=', 'support@shop.test').executeTakeFirstOrThrow();
    const imap = (ch.settings as { imap: Record<string, unknown> }).imap;
    assert.equal(imap.host, 'imap.shop.test');
    assert.equal(imap.port, 993);
    assert.ok(imap.password, 'the password is stored');

    // health of the channel
    await page.getByRole('button', { name: 'Health of “Support”' }).click();
    const health = page.getByRole('region', { name: 'Health of “Support”' });
    await health.getByText('No alerts').waitFor();
    await health.getByRole('button', { name: 'Send a probe now' }).click();
    await health.getByRole('status').filter({ hasText: 'Probe sent' }).waitFor();
    assert.equal((await w.deps.db.selectFrom('mail_probes').select('id').where('channel_id', '=', ch.id).execute()).length, 1);

    // rotate the webhook token (confirmed); the shown URLs carry the new one
    await page.getByRole('button', { name: 'Channel Support' }).click();
    const edit = page.getByRole('form', { name: 'Channel Support' });
    await edit.getByLabel('Password', { exact: true }).waitFor(); // kept secret: empty field, "stored" hint
    assert.equal(await edit.getByLabel('Password', { exact: true }).inputValue(), '');
    await edit.getByRole('button', { name: 'Issue a new token' }).click();
    await edit.getByRole('group', { name: /old webhook URLs stop working/ }).getByRole('button', { name: 'Issue a new token' }).click();
    await edit.getByRole('status').filter({ hasText: 'New token issued' }).waitFor();
    const rotated = await w.deps.db.selectFrom('mail_channels').select('webhook_token').where('id', '=', ch.id).executeTakeFirstOrThrow();
    assert.notEqual(rotated.webhook_token, ch.webhook_token);
    await edit.getByText(`token=${rotated.webhook_token}`).first().waitFor();

    // a quarantined mail is released; a failed outgoing mail is retried
    const raw = Buffer.from('From: a@b.test\r\nSubject: loop?\r\n\r\nhi');
    const q = await w.deps.db.insertInto('inbound_mails').values({
      channel_id: ch.id, path: 'upload', sha256: 'f'.repeat(64), size: raw.length, raw, stage: 'quarantined',
      reason_code: 'loop', reason: 'looks like a mail loop', from_address: 'a@b.test',
    }).returning('id').executeTakeFirstOrThrow();
    const o = await w.deps.db.insertInto('outbox').values({
      to_address: 'bounce@b.test', subject: 'Your ticket', body_text: 'b', kind: 'reply', status: 'failed', permanent: true, last_error: '550 no such user',
    }).returning('id').executeTakeFirstOrThrow();
    await page.reload();
    const quarantine = page.getByRole('region', { name: 'Inbound quarantine' });
    await quarantine.getByRole('cell', { name: 'looks like a mail loop' }).waitFor();
    await quarantine.getByRole('button', { name: 'Release' }).click();
    await quarantine.getByRole('button', { name: 'Yes, confirm' }).click();
    await quarantine.getByText('The quarantine is empty').waitFor();
    const mail = await w.deps.db.selectFrom('inbound_mails').select(['stage', 'reason_code']).where('id', '=', q.id).executeTakeFirstOrThrow();
    assert.deepEqual(mail, { stage: 'received', reason_code: 'released' });
    const outbox = page.getByRole('region', { name: 'Failed outgoing mail' });
    await outbox.getByRole('cell', { name: /550 no such user/ }).waitFor();
    await outbox.getByRole('button', { name: 'Retry' }).click();
    await outbox.getByText('All mail has been sent').waitFor();
    assert.equal((await w.deps.db.selectFrom('outbox').select('status').where('id', '=', o.id).executeTakeFirstOrThrow()).status, 'queued');
    assert.deepEqual(errors, []);
  }));

  test('admin adds an escalation rule and a custom field, and deletes the rule after confirming', () => w.step('admin-rules-fields', async () => {
    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin/escalation');
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name').fill('Regulator threats to L2');
    await form.getByRole('checkbox', { name: 'threat to complain to a regulator' }).check();
    await form.getByLabel('Then').selectOption('move_to_level');
    await form.getByLabel('Line', { exact: true }).selectOption('2');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('cell', { name: 'Regulator threats to L2', exact: true }).waitFor();
    const rule = await w.deps.db.selectFrom('escalation_rules').selectAll().where('name', '=', 'Regulator threats to L2').executeTakeFirstOrThrow();
    assert.equal(rule.trigger, 'signal');
    assert.deepEqual(rule.params, { signals: ['threat_regulator'] });
    assert.equal(rule.action, 'move_to_level');
    assert.equal(rule.to_level, 2);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, confirm' }).click();
    await page.getByText('No rules yet').waitFor();
    assert.equal(await w.deps.db.selectFrom('escalation_rules').select('id').where('id', '=', rule.id).executeTakeFirst(), undefined);

    await page.getByRole('link', { name: 'Ticket fields' }).click();
    await page.getByRole('button', { name: 'New field' }).click();
    const ff = page.getByRole('form', { name: 'New field' });
    await ff.getByLabel('Key').fill('Contract No');
    await ff.getByLabel('Label in Russian').fill('Договор');
    await ff.getByLabel('Label in English').fill('Contract');
    await ff.getByRole('button', { name: 'Create field' }).click();
    await ff.getByLabel('Key').and(page.locator('[aria-invalid=true]')).waitFor(); // the API refuses the key
    await ff.getByLabel('Key').fill('contract_no');
    await ff.getByRole('button', { name: 'Create field' }).click();
    await page.getByRole('cell', { name: 'contract_no', exact: true }).waitFor();
    const f = await w.deps.db.selectFrom('ticket_fields').selectAll().where('key', '=', 'contract_no').executeTakeFirstOrThrow();
    assert.deepEqual([f.label_ru, f.label_en, f.type], ['Договор', 'Contract', 'text']);
    assert.deepEqual(errors, []);
  }));

  test('an agent gets "admins only" and the admin API refuses; no admin chunk before /admin', () => w.step('admin-agent', async () => {
    const u = await w.createUser('agent');
    const page = await (await w.context({ lang: 'en' })).newPage();
    const errors = watchErrors(page);
    const scripts: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('.js')) scripts.push(new URL(r.url()).pathname); });
    await page.goto('/');
    await page.getByLabel('E-mail').fill(u.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar').waitFor();
    await page.waitForLoadState('networkidle');
    assert.ok(scripts.some((s) => /\/assets\/ListPage-.*\.js$/.test(s)), `the list page loaded: ${scripts.join(', ')}`);
    assert.deepEqual(scripts.filter((s) => /AdminPage-|ProfilePage-/.test(s)), []);
    // nor the admin dictionaries or forms, whatever chunk they ended up in
    for (const s of scripts) assert.doesNotMatch(await (await fetch(`${w.base}${s}`)).text(), /adm\.adminsOnly|adm\.users\.new/, s);

    await page.goto('/admin');
    await page.getByRole('alert').filter({ hasText: 'This section is for admins only' }).waitFor();
    assert.ok(scripts.some((s) => /\/assets\/AdminPage-.*\.js$/.test(s)));
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
    // the server is the guard: the same session cannot write admin settings
    const statuses = await page.evaluate(async () => {
      const csrf = decodeURIComponent(/(?:^|;\s*)slovo_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const h = { 'content-type': 'application/json', 'x-csrf-token': csrf };
      const a = await fetch('/api/v1/settings/priority-weights', { method: 'PUT', headers: h, body: JSON.stringify({ anger: 1 }) });
      const b = await fetch('/api/v1/users', { method: 'POST', headers: h, body: JSON.stringify({ email: 'x@agents.test', name: 'X' }) });
      return [a.status, b.status];
    });
    assert.deepEqual(statuses, [403, 403]);
    assert.deepEqual(errors, []);
  }));

  test("admin sees everyone's API tokens with their owners and revokes a leaked one: it stops working", () => w.step('admin-tokens', async () => {
    const agent = await w.as('agent');
    await w.deps.db.updateTable('users').set({ name: 'Pavel Leaky' }).where('id', '=', agent.userId).execute();
    const leaked = (await agent.post('/api/v1/tokens', { name: 'crm-sync', scopes: ['read', 'write'] })).body;
    const other = (await agent.post('/api/v1/tokens', { name: 'reports', scopes: ['read'] })).body;
    const bearer = w.anon();
    bearer.token = leaked.token;
    assert.equal((await bearer.get('/api/v1/auth/me')).status, 200);

    const { page } = await w.signIn('admin', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin');
    await page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('User').selectOption({ label: `Pavel Leaky (${(await w.deps.db.selectFrom('users').select('email').where('id', '=', agent.userId).executeTakeFirstOrThrow()).email})` });
    const row = page.getByRole('row').filter({ hasText: 'crm-sync' });
    await row.waitFor();
    assert.equal(await page.getByRole('row').filter({ has: page.getByRole('cell') }).count(), 2, 'only this user\'s two tokens');
    assert.match(await row.textContent() ?? '', /Pavel Leaky.*crm-sync.*slv_.*read, write/);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('group', { name: 'Revoke token "crm-sync" (Pavel Leaky)' }).getByRole('button', { name: 'Yes, confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'Token revoked' }).waitFor();
    // "working only" is on: the revoked token leaves the list; off, it shows as revoked
    await page.getByRole('row').filter({ hasText: 'crm-sync' }).waitFor({ state: 'detached' });
    await page.getByRole('checkbox', { name: 'Working only' }).uncheck();
    await page.getByRole('row').filter({ hasText: 'crm-sync' }).filter({ hasText: 'revoked' }).waitFor();
    const rows = await w.deps.db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', 'in', [leaked.id, other.id]).execute();
    assert.ok(rows.find((r) => r.id === leaked.id)!.revoked_at);
    assert.equal(rows.find((r) => r.id === other.id)!.revoked_at, null);
    assert.equal((await bearer.get('/api/v1/auth/me')).status, 401);
    assert.deepEqual(errors, []);
  }));

  test('a lead sees the sections a lead may use and can set group members', () => w.step('admin-lead', async () => {
    const api = await w.as('admin');
    const g = await api.post('/api/v1/groups', { name: 'Billing', level: 1 });
    const member = await w.createUser('agent', { name: 'Lena Member' });
    const { page } = await w.signIn('lead', { lang: 'en' });
    const errors = watchErrors(page);
    await page.goto('/admin');
    const nav = page.getByRole('navigation', { name: 'Administration sections' });
    await nav.getByRole('link', { name: 'Groups' }).click();
    assert.equal(await nav.getByRole('link', { name: 'SLA policies' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'New group' }).count(), 0);
    await page.getByRole('button', { name: 'Group Billing' }).click();
    await page.getByRole('checkbox', { name: 'Lena Member · L1' }).check();
    await page.getByRole('button', { name: 'Save members' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const rows = await w.deps.db.selectFrom('group_members').select('user_id').where('group_id', '=', g.body.id).execute();
    assert.deepEqual(rows.map((r) => String(r.user_id)), [member.id]);
    // a section a lead may not use shows "admins only"
    await page.goto('/admin/sla');
    await page.getByRole('alert').filter({ hasText: 'admins only' }).waitFor();
    assert.deepEqual(errors, []);
  }));
});
