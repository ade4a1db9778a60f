// Customers behind e-mail addresses, many at once (the mail pipeline's new senders).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setup, type TestCtx } from '../../test/harness.ts';
import { createCustomersMany, findOrCreateCustomer } from './customer-lookup.ts';

let ctx: TestCtx;
before(async () => {
  ctx = await setup();
});
after(() => ctx.close());

test('many new senders at once: one customer each, linked to the organization of the domain; a known address keeps its customer', async () => {
  const db = ctx.deps.db;
  const org = await db.insertInto('organizations').values({ name: 'Ромашка', domains: ['romashka.test'] }).returning('id').executeTakeFirstOrThrow();
  const known = await findOrCreateCustomer(db, 'old@else.test', { name: 'Старый' });
  const customersBefore = Number((await db.selectFrom('customers').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const got = await createCustomersMany(db, [
    { email: 'Ivan@Romashka.test', name: 'Иван', language: 'ru' },
    { email: 'ann@other.test', name: '', language: 'en' },
    { email: 'OLD@else.test', name: 'Кто-то' },
    { email: 'ivan@romashka.test', name: 'Иван снова' },
  ]);
  assert.equal(got.size, 3);
  const ivan = got.get('ivan@romashka.test')!;
  assert.deepEqual([ivan.organizationId, ivan.language, ivan.created], [org.id, 'ru', true]);
  const ann = got.get('ann@other.test')!;
  assert.deepEqual([ann.organizationId, ann.language, ann.created], [null, 'en', true]);
  assert.equal((await db.selectFrom('customers').select('name').where('id', '=', ann.id).executeTakeFirstOrThrow()).name, 'ann');
  assert.deepEqual([got.get('old@else.test')!.id, got.get('old@else.test')!.created], [known.id, false]);
  // two new customers, no orphan left by the address that was taken
  const customersAfter = Number((await db.selectFrom('customers').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  assert.equal(customersAfter - customersBefore, 2);
  const emails = await db.selectFrom('customer_emails').select(['email', 'customer_id']).where('email', 'in', ['ivan@romashka.test', 'ann@other.test']).orderBy('email').execute();
  assert.deepEqual(emails, [{ email: 'ann@other.test', customer_id: ann.id }, { email: 'ivan@romashka.test', customer_id: ivan.id }]);
});
