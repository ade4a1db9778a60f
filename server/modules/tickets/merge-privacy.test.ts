// Merging one customer's ticket into another customer's must not show the first customer's
// conversation (or its attachments) to the second one in the portal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let agent: Client & { userId: string };

before(async () => {
  ctx = await setup();
  agent = await ctx.as('agent');
});
after(() => ctx.close());

test('merging across requesters: the target requester does not see the source conversation', async () => {
  const alice = await ctx.asCustomer('alice@one.test');
  const bob = await ctx.asCustomer('bob@two.test');
  const a = await makeTicket(agent, { requester: { email: 'alice@one.test' }, message: { body: 'Мой пароль от банка: секрет' } });
  const up = await agent.req('POST', '/api/v1/attachments?filename=alice.png', { raw: Buffer.from('png'), headers: { 'content-type': 'image/png' } });
  assert.equal((await agent.post(`/api/v1/tickets/${a.id}/messages`, { body: 'Alice, see the file', attachmentIds: [up.body.id] })).status, 201);
  const b = await makeTicket(agent, { requester: { email: 'bob@two.test' }, message: { body: 'Bob writes' } });

  const r = await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id });
  assert.equal(r.status, 200);
  assert.equal(r.body.messagesMoved, 2);

  const seen = await bob.get(`/api/v1/portal/tickets/${b.id}/messages`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body.items.map((m: { bodyText: string }) => m.bodyText), ['Bob writes']);
  assert.equal((await bob.get(`/api/v1/attachments/${up.body.id}`)).status, 404);
  // staff still see everything, the moved replies as internal notes
  const staff = (await agent.get(`/api/v1/tickets/${b.id}/messages`)).body.items as { bodyText: string; kind: string }[];
  assert.deepEqual(staff.map((m) => [m.bodyText, m.kind]), [['Мой пароль от банка: секрет', 'note'], ['Alice, see the file', 'note'], ['Bob writes', 'reply']]);
  assert.equal((await agent.get(`/api/v1/attachments/${up.body.id}`)).status, 200);
  assert.equal((await alice.get(`/api/v1/attachments/${up.body.id}`)).status, 404);
});

test('merging tickets of the same requester keeps replies public', async () => {
  const carol = await ctx.asCustomer('carol@three.test');
  const a = await makeTicket(agent, { requester: { email: 'carol@three.test' }, message: { body: 'first' } });
  const b = await makeTicket(agent, { requester: { email: 'carol@three.test' }, message: { body: 'second' } });
  assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 200);
  const seen = await carol.get(`/api/v1/portal/tickets/${b.id}/messages`);
  assert.deepEqual(seen.body.items.map((m: { bodyText: string }) => m.bodyText).sort(), ['first', 'second']);
});

test('the "merged" mail names the other customer\'s ticket only by number, never by subject', async () => {
  const { notifyMerged } = await import('../../jobs/workers.ts');
  const a = await makeTicket(agent, { requester: { email: 'dan@four.test' }, subject: 'Dan asks' });
  const b = await makeTicket(agent, { requester: { email: 'eve@five.test' }, subject: 'Eve: увольнение директора' });
  assert.equal((await agent.post(`/api/v1/tickets/${a.id}/merge`, { targetRef: b.id })).status, 200);
  await notifyMerged(ctx.deps, { sourceId: a.id, targetId: b.id, email: 'dan@four.test', language: 'ru' });
  const mail = await ctx.deps.db.selectFrom('outbox').selectAll().where('kind', '=', 'merged').where('to_address', '=', 'dan@four.test').executeTakeFirstOrThrow();
  assert.doesNotMatch(`${mail.subject} ${mail.body_text}`, /увольнение/);
  assert.match(mail.subject, new RegExp(b.number));

  const c = await makeTicket(agent, { requester: { email: 'dan@four.test' }, subject: 'Dan again' });
  const d = await makeTicket(agent, { requester: { email: 'dan@four.test' }, subject: 'Dan, the main one' });
  assert.equal((await agent.post(`/api/v1/tickets/${c.id}/merge`, { targetRef: d.id })).status, 200);
  await notifyMerged(ctx.deps, { sourceId: c.id, targetId: d.id, email: 'dan@four.test', language: 'en' });
  const own = await ctx.deps.db.selectFrom('outbox').selectAll().where('kind', '=', 'merged').where('ticket_id', '=', d.id).executeTakeFirstOrThrow();
  assert.match(own.body_text, /Dan, the main one/, 'their own ticket keeps its subject');
});
