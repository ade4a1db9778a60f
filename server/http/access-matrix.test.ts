// Every API route x every principal (anonymous, customer, light agent, agent, lead, admin).
// Cases live beside each module in *.access.ts; a route without a case fails the suite.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PRINCIPALS, type AccessCase, type Fixture, type Principal } from '../test/access.ts';
import { loadAccessCases } from '../test/access-cases.ts';
import { Client, makeTicket, setup, type TestCtx } from '../test/harness.ts';

const cases: AccessCase[] = await loadAccessCases();

let ctx: TestCtx;
let admin: Client & { userId: string };
const shared = new Map<Principal, { client: Client; customerId: string | null }>();

async function signIn(p: Principal): Promise<{ client: Client; customerId: string | null }> {
  if (p === 'anonymous') return { client: ctx.anon(), customerId: null };
  if (p === 'customer') {
    const c = await ctx.asCustomer();
    return { client: c, customerId: c.customerId };
  }
  return { client: await ctx.as(p), customerId: null };
}

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  for (const p of PRINCIPALS) shared.set(p, await signIn(p));
});
after(() => ctx.close());

test('every API route has an access case', () => {
  const covered = new Set(cases.map((c) => c.route));
  const routes = ctx.app.slovoRoutes.filter((r) => r.includes(' /api/') && !r.includes('/api/v1/docs') && !r.endsWith('/openapi.json'));
  const missing = routes.filter((r) => !covered.has(r));
  assert.deepEqual(missing, [], `routes without an entry in any *.access.ts: ${missing.join(', ')}`);
  const unknown = [...covered].filter((r) => !routes.includes(r));
  assert.deepEqual(unknown, [], `access cases for routes that do not exist: ${unknown.join(', ')}`);
});

for (const c of cases) {
  test(`access: ${c.route}`, async () => {
    const [method] = c.route.split(' ');
    const problems: string[] = [];
    for (const p of PRINCIPALS) {
      const who = c.fresh ? await signIn(p) : shared.get(p)!;
      const f: Fixture = {
        ctx, admin, client: who.client, principal: p, customerId: who.customerId,
        ticket: async () => {
          const t = await makeTicket(admin);
          return { id: t.id, number: t.number, version: t.version };
        },
      };
      const req = await c.request(f);
      const r = await who.client.req(method, req.url, { body: req.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}), headers: req.headers, raw: req.raw });
      const allowed = c.allow.includes(p);
      if (allowed) {
        if (r.status >= 400) problems.push(`${p} should be allowed, got ${r.status} ${r.raw.slice(0, 200)}`);
      } else {
        const want = c.denied?.[p] ?? (p === 'anonymous' ? 401 : 403);
        if (r.status !== want) problems.push(`${p} should get ${want}, got ${r.status} ${r.raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
