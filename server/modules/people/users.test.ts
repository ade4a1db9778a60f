import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
});
after(() => ctx.close());

describe('users', () => {
  test('a password in the body never reaches the stored idempotency hash', async () => {
    const body = { email: 'idem-pw@agents.test', name: 'Idem', role: 'agent', password: 'first secret password' };
    const a = await admin.post('/api/v1/users', body, { 'idempotency-key': 'user-pw-1' });
    assert.equal(a.status, 201);
    // same request but another password: the hash cannot tell them apart, so it is a replay
    const b = await admin.post('/api/v1/users', { ...body, password: 'second secret password' }, { 'idempotency-key': 'user-pw-1' });
    assert.equal(b.status, 201);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(b.body.id, a.body.id);
  });

  test('admin creates an agent with a chosen password; the agent can sign in', async () => {
    const g = await admin.post('/api/v1/groups', { name: 'Первая линия' });
    const r = await admin.post('/api/v1/users', {
      email: 'Maria@Agents.test', name: 'Мария', role: 'lead', level: 2, skills: ['Billing', 'billing', 'mail'],
      timeZone: 'Asia/Yekaterinburg', locale: 'en', groupIds: [g.body.id], password: 'a long enough password',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.email, 'maria@agents.test');
    assert.equal(r.body.role, 'lead');
    assert.equal(r.body.level, 2);
    assert.deepEqual(r.body.skills, ['billing', 'mail']);
    assert.equal(r.body.timeZone, 'Asia/Yekaterinburg');
    assert.deepEqual(r.body.groupIds, [g.body.id]);
    assert.equal(r.body.generatedPassword, null);
    const row = await ctx.deps.db.selectFrom('users').select('password_hash').where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash!, /^\$argon2id\$/);
    const c = new Client(ctx.app);
    assert.equal((await c.login('maria@agents.test', 'a long enough password')).status, 200);
    const got = await admin.get(`/api/v1/users/${r.body.id}`);
    assert.equal(got.body.name, 'Мария');
  });

  test('without a password one is generated and returned once; a replay does not repeat it', async () => {
    const body = { email: 'gen@agents.test', name: 'Gen' };
    const r = await admin.post('/api/v1/users', body, { 'idempotency-key': 'user-gen-1' });
    assert.equal(r.status, 201);
    assert.ok(r.body.generatedPassword && r.body.generatedPassword.length >= 12);
    assert.equal((await new Client(ctx.app).login('gen@agents.test', r.body.generatedPassword)).status, 200);
    const again = await admin.post('/api/v1/users', body, { 'idempotency-key': 'user-gen-1' });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, r.body.id);
    assert.equal(again.body.generatedPassword, null);
    const stored = await ctx.deps.db.selectFrom('idempotency_keys').select('response').where('key', '=', 'user-gen-1').executeTakeFirstOrThrow();
    assert.doesNotMatch(JSON.stringify(stored.response), new RegExp(r.body.generatedPassword));
  });

  test('validation: short password, bad time zone, bad level, unknown group', async () => {
    const base = { email: 'v@agents.test', name: 'V' };
    const short = await admin.post('/api/v1/users', { ...base, password: 'short' });
    assert.equal(short.status, 400);
    assert.equal(short.body.errors[0].path, '/password');
    const tz = await admin.post('/api/v1/users', { ...base, timeZone: 'Mars/Olympus' });
    assert.equal(tz.status, 400);
    assert.equal(tz.body.errors[0].path, '/timeZone');
    const lvl = await admin.post('/api/v1/users', { ...base, level: 4 });
    assert.equal(lvl.body.errors[0].path, '/level');
    const grp = await admin.post('/api/v1/users', { ...base, groupIds: ['999999'] });
    assert.equal(grp.status, 400);
    assert.equal(grp.body.errors[0].path, '/groupIds/0');
    const loc = await admin.post('/api/v1/users', { ...base, locale: 'de' });
    assert.equal(loc.body.errors[0].path, '/locale');
  });

  test('duplicate e-mail (any case) is 409 already_exists', async () => {
    await admin.post('/api/v1/users', { email: 'dup@agents.test', name: 'A' });
    const r = await admin.post('/api/v1/users', { email: 'DUP@agents.test', name: 'B' });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'already_exists');
    assert.match(r.body.detail, /dup@agents\.test/);
    const other = await admin.post('/api/v1/users', { email: 'dup2@agents.test', name: 'C' });
    const p = await admin.patch(`/api/v1/users/${other.body.id}`, { email: 'dup@agents.test' });
    assert.equal(p.status, 409);
  });

  test('an agent cannot create users; a light agent can list them', async () => {
    const agent = await ctx.as('agent');
    const r = await agent.post('/api/v1/users', { email: 'nope@agents.test', name: 'Nope' });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'forbidden');
    assert.equal(await ctx.deps.db.selectFrom('users').select('id').where('email', '=', 'nope@agents.test').executeTakeFirst(), undefined);
    const light = await ctx.as('light_agent');
    assert.equal((await light.get('/api/v1/users')).status, 200);
    assert.equal((await light.patch(`/api/v1/users/${agent.userId}`, { level: 2 })).status, 403);
  });

  test('list filters by role, active, group and name/e-mail prefix, with keyset pages', async () => {
    const g = await admin.post('/api/v1/groups', { name: 'Фильтр' });
    const ids: string[] = [];
    for (const name of ['Ёжик', 'Аня', 'Борис']) {
      const u = await admin.post('/api/v1/users', { email: `${ids.length}filt@agents.test`, name, role: 'light_agent', groupIds: [g.body.id] });
      ids.push(u.body.id);
    }
    await admin.patch(`/api/v1/users/${ids[0]}`, { active: false });
    const inGroup = await admin.get(`/api/v1/users?groupId=${g.body.id}&limit=2`);
    assert.equal(inGroup.body.items.length, 2);
    assert.ok(inGroup.body.nextCursor);
    const rest = await admin.get(`/api/v1/users?groupId=${g.body.id}&limit=2&cursor=${inGroup.body.nextCursor}`);
    const all = [...inGroup.body.items, ...rest.body.items].map((u: { id: string }) => u.id);
    assert.deepEqual(new Set(all), new Set(ids));
    assert.equal(all.length, 3);
    assert.equal(rest.body.nextCursor, null);
    const active = await admin.get(`/api/v1/users?groupId=${g.body.id}&active=true`);
    assert.deepEqual(active.body.items.map((u: { name: string }) => u.name), ['Аня', 'Борис']);
    const byName = await admin.get('/api/v1/users?q=бор');
    assert.deepEqual(byName.body.items.map((u: { id: string }) => u.id), [ids[2]]);
    const byEmail = await admin.get('/api/v1/users?q=1FILT');
    assert.deepEqual(byEmail.body.items.map((u: { id: string }) => u.id), [ids[1]]);
    const wild = await admin.get('/api/v1/users?q=%25');
    assert.equal(wild.body.items.length, 0);
    const admins = await admin.get('/api/v1/users?role=admin');
    assert.ok(admins.body.items.every((u: { role: string }) => u.role === 'admin'));
    assert.equal((await admin.get('/api/v1/users?cursor=garbage')).status, 400);
    assert.equal((await admin.get('/api/v1/users?role=boss')).status, 400);
  });

  test('unknown ids are 404', async () => {
    assert.equal((await admin.get('/api/v1/users/999999')).status, 404);
    assert.equal((await admin.patch('/api/v1/users/999999', { name: 'x' })).status, 404);
    assert.equal((await admin.get('/api/v1/users/abc')).status, 400);
  });

  test('deactivation ends sessions and tokens; the user cannot sign in again', async () => {
    const agent = await ctx.as('agent');
    const tok = await agent.post('/api/v1/tokens', { name: 'ci', scopes: ['read'] });
    const api = new Client(ctx.app);
    api.token = tok.body.token;
    assert.equal((await api.get('/api/v1/auth/me')).status, 200);
    const r = await admin.patch(`/api/v1/users/${agent.userId}`, { active: false });
    assert.equal(r.status, 200);
    assert.equal(r.body.active, false);
    assert.equal((await agent.get('/api/v1/auth/me')).status, 401);
    assert.equal((await api.get('/api/v1/auth/me')).status, 401);
    const sessions = await ctx.deps.db.selectFrom('sessions').select('id').where('user_id', '=', agent.userId).execute();
    assert.equal(sessions.length, 0);
    const email = (await ctx.deps.db.selectFrom('users').select('email').where('id', '=', agent.userId).executeTakeFirstOrThrow()).email;
    assert.equal((await new Client(ctx.app).login(email)).status, 401);
    // reactivated: can sign in again, but the old token stays revoked
    await admin.patch(`/api/v1/users/${agent.userId}`, { active: true });
    assert.equal((await new Client(ctx.app).login(email)).status, 200);
    assert.equal((await api.get('/api/v1/auth/me')).status, 401);
  });

  test('the last active admin cannot deactivate or demote themselves', async () => {
    const solo = await setup();
    try {
      const a = await solo.as('admin');
      const off = await a.patch(`/api/v1/users/${a.userId}`, { active: false });
      assert.equal(off.status, 422);
      assert.equal(off.body.code, 'invalid_state');
      const demote = await a.patch(`/api/v1/users/${a.userId}`, { role: 'lead' });
      assert.equal(demote.status, 422);
      assert.equal((await a.get('/api/v1/auth/me')).body.role, 'admin');
      // with a second admin it is allowed
      const b = await solo.createUser('admin');
      assert.equal((await a.patch(`/api/v1/users/${a.userId}`, { role: 'lead' })).status, 200);
      // now b is the last one
      const c = await new Client(solo.app);
      await c.login(b.email);
      assert.equal((await c.patch(`/api/v1/users/${b.id}`, { active: false })).status, 422);
      // two admins deactivating each other at once: exactly one wins
      const d = await solo.as('admin');
      const [x, y] = await Promise.all([c.patch(`/api/v1/users/${d.userId}`, { active: false }), d.patch(`/api/v1/users/${b.id}`, { active: false })]);
      // the loser gets 422, or 401 when its own deactivation committed before its request was authenticated
      const statuses = [x.status, y.status].sort();
      assert.equal(statuses[0], 200);
      assert.ok([401, 422].includes(statuses[1]), String(statuses[1]));
      const left = await solo.deps.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
      assert.equal(left.length, 1);
    } finally {
      await solo.close();
    }
  });

  test('PATCH /users/me changes my name, locale and time zone only', async () => {
    const light = await ctx.as('light_agent');
    const r = await light.patch('/api/v1/users/me', { name: 'Новое имя', locale: 'en', timeZone: 'Europe/Kaliningrad' });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, light.userId);
    assert.equal(r.body.name, 'Новое имя');
    assert.equal(r.body.timeZone, 'Europe/Kaliningrad');
    assert.equal((await light.get('/api/v1/auth/me')).body.locale, 'en');
    const role = await light.patch('/api/v1/users/me', { name: 'Хитрый', role: 'admin', active: false });
    assert.equal(role.status, 200);
    assert.equal(role.body.role, 'light_agent');
    assert.equal(role.body.active, true);
    assert.equal((await light.patch('/api/v1/users/me', {})).status, 400);
    assert.equal((await light.patch('/api/v1/users/me', { timeZone: 'Nowhere/Town' })).status, 400);
    const customer = await ctx.asCustomer();
    assert.equal((await customer.patch('/api/v1/users/me', { name: 'x' })).status, 403);
  });

  test('admin resets a password: old sessions end, the new password works', async () => {
    const agent = await ctx.as('agent');
    const r = await admin.patch(`/api/v1/users/${agent.userId}`, { password: 'reset by the admin 1' });
    assert.equal(r.status, 200);
    assert.equal((await agent.get('/api/v1/auth/me')).status, 401);
    const email = (await ctx.deps.db.selectFrom('users').select('email').where('id', '=', agent.userId).executeTakeFirstOrThrow()).email;
    assert.equal((await new Client(ctx.app).login(email, 'reset by the admin 1')).status, 200);
  });
});

describe('groups', () => {
  test('create, read with members, rename; duplicate names are 409', async () => {
    const r = await admin.post('/api/v1/groups', { name: 'Биллинг', description: 'Оплата и счета' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.memberIds, []);
    assert.equal((await admin.post('/api/v1/groups', { name: 'биллинг' })).status, 409);
    const p = await admin.patch(`/api/v1/groups/${r.body.id}`, { name: 'Биллинг и счета' });
    assert.equal(p.status, 200);
    assert.equal(p.body.name, 'Биллинг и счета');
    assert.equal(p.body.description, 'Оплата и счета');
    assert.equal((await admin.patch('/api/v1/groups/999999', { name: 'x' })).status, 404);
    assert.equal((await admin.get('/api/v1/groups/999999')).status, 404);
    assert.equal((await admin.post('/api/v1/groups', { name: '' })).status, 400);
    assert.equal((await admin.patch(`/api/v1/groups/${r.body.id}`, {})).status, 400);
  });

  test('a lead sets the members; an agent cannot; unknown users are rejected', async () => {
    const g = await admin.post('/api/v1/groups', { name: 'Вторая линия' });
    const lead = await ctx.as('lead');
    const a1 = await ctx.createUser('agent');
    const a2 = await ctx.createUser('agent');
    const r = await lead.put(`/api/v1/groups/${g.body.id}/members`, { userIds: [a2.id, a1.id, a1.id] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.memberIds, [a1.id, a2.id].sort((x, y) => Number(x) - Number(y)));
    const r2 = await lead.put(`/api/v1/groups/${g.body.id}/members`, { userIds: [a2.id] });
    assert.deepEqual(r2.body.memberIds, [a2.id]);
    const list = await admin.get('/api/v1/groups?q=втор');
    assert.equal(list.body.items[0].memberCount, 1);
    const user = await admin.get(`/api/v1/users/${a2.id}`);
    assert.deepEqual(user.body.groupIds, [g.body.id]);
    const agent = await ctx.as('agent');
    assert.equal((await agent.put(`/api/v1/groups/${g.body.id}/members`, { userIds: [] })).status, 403);
    const bad = await lead.put(`/api/v1/groups/${g.body.id}/members`, { userIds: [a1.id, '999999'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, '/userIds/1');
    assert.equal((await lead.put('/api/v1/groups/999999/members', { userIds: [] })).status, 404);
    assert.equal((await lead.post('/api/v1/groups', { name: 'Lead group' })).status, 403);
  });

  test('the group list pages by name', async () => {
    for (const n of ['Я-группа', 'А-группа', 'М-группа']) await admin.post('/api/v1/groups', { name: n });
    const first = await admin.get('/api/v1/groups?q=%D0%90-&limit=1'); // "А-"
    assert.deepEqual(first.body.items.map((g: { name: string }) => g.name), ['А-группа']);
    const names: string[] = [];
    let cursor = '';
    for (;;) {
      const r = await admin.get(`/api/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      names.push(...r.body.items.map((g: { name: string }) => g.name));
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    const sorted = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    assert.deepEqual(names, sorted);
    assert.ok(names.includes('Я-группа') && names.includes('М-группа'));
  });
});
