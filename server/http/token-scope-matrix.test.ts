// Token scopes across every route: a read-only token of an admin reads what an admin may read
// and changes nothing; a write token cannot do admin-only things. Cases come from *.access.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AccessCase, Fixture } from '../test/access.ts';
import { loadAccessCases } from '../test/access-cases.ts';
import { Client, makeTicket, setup, type TestCtx } from '../test/harness.ts';

const cases: AccessCase[] = await loadAccessCases();

let ctx: TestCtx;
let admin: Client & { userId: string };

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
});
after(() => ctx.close());

async function tokenClient(scopes: string[]): Promise<Client> {
  const t = await admin.post('/api/v1/tokens', { name: scopes.join('+'), scopes });
  assert.equal(t.status, 201);
  const c = new Client(ctx.app);
  c.token = t.body.token;
  return c;
}

async function run(c: AccessCase, client: Client) {
  const [method] = c.route.split(' ');
  const f: Fixture = {
    ctx, admin, client, principal: 'admin', customerId: null,
    ticket: async () => {
      const t = await makeTicket(admin);
      return { id: t.id, number: t.number, version: t.version };
    },
  };
  const req = await c.request(f);
  return client.req(method, req.url, { body: req.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}), headers: req.headers, raw: req.raw });
}

// Routes anyone may call (sign-in) are not about the caller's rights. Token management needs a
// signed-in session by design, and two fixtures create their object as the caller itself.
const SESSION_ONLY = new Set(['GET /api/v1/tokens', 'DELETE /api/v1/tokens/:id', 'GET /api/v1/views/:id/tickets']);
const staffRoutes = cases.filter((c) => !c.allow.includes('anonymous') && c.allow.includes('admin') && !SESSION_ONLY.has(c.route));

test('a read-only token reads every staff GET route and is refused every change', async () => {
  const reader = await tokenClient(['read']);
  const problems: string[] = [];
  for (const c of staffRoutes) {
    const r = await run(c, reader);
    const isRead = c.route.startsWith('GET ');
    if (isRead && r.status >= 400) problems.push(`${c.route}: read should work, got ${r.status} ${r.raw.slice(0, 150)}`);
    if (!isRead && r.status !== 403 && !(c.route === 'POST /api/v1/auth/logout' && r.status === 400)) {
      problems.push(`${c.route}: a read token must not change anything, got ${r.status} ${r.raw.slice(0, 150)}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a write token of an admin is refused the admin-only routes', async () => {
  const writer = await tokenClient(['write']);
  const problems: string[] = [];
  for (const c of staffRoutes.filter((x) => x.allow.length === 1 && !x.route.startsWith('GET '))) {
    const r = await run(c, writer);
    if (r.status !== 403) problems.push(`${c.route}: got ${r.status} ${r.raw.slice(0, 150)}`);
  }
  assert.deepEqual(problems, []);
});
