import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

test('OpenAPI 3.1 document lists every API route with its schemas', async () => {
  const r = await ctx.anon().get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const doc = r.body;
  assert.equal(doc.openapi, '3.1.0');
  const documented = new Set<string>();
  for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  const routes = ctx.app.slovoRoutes.filter((x) => x.includes(' /api/v1/') && !x.includes('/api/v1/docs'));
  const missing = routes.filter((x) => !documented.has(x));
  assert.deepEqual(missing, []);
  const create = doc.paths['/api/v1/tickets'].post;
  assert.ok(create.requestBody.content['application/json'].schema.properties.subject, 'request schema is in the document');
  assert.ok(create.responses['201'], 'response schema is in the document');
});

test('the docs page is served', async () => {
  const r = await ctx.anon().get('/api/v1/docs/');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /text\/html/);
});
