// The token list pages: a user with many tokens can reach (and so revoke) every one of them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

test('GET /tokens pages through all tokens, newest first', async () => {
  const agent = await ctx.as('agent');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await agent.post('/api/v1/tokens', { name: `t${i}`, scopes: ['read'] })).body.id);
  const seen: string[] = [];
  let url = '/api/v1/tokens?limit=2';
  for (let i = 0; i < 5; i++) {
    const r = await agent.get(url);
    assert.equal(r.status, 200);
    seen.push(...r.body.items.map((t: { id: string }) => t.id));
    if (!r.body.nextCursor) break;
    url = `/api/v1/tokens?limit=2&cursor=${r.body.nextCursor}`;
  }
  assert.deepEqual(seen, [...ids].reverse());
  assert.equal((await agent.get('/api/v1/tokens?limit=201')).status, 400);
  assert.equal((await agent.get('/api/v1/tokens?cursor=bad')).status, 400);
});
