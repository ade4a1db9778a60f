// Customers (contacts): list, read with ticket counts, create, update (stage, e-mails, organization).
import { refreshMany, unsolvedTicketsOf } from '../priority/priority.service.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateCustomerBody, ListCustomersQuery, UpdateCustomerBody } from '../../../api/people.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { moveOpenTickets } from '../tickets/ticket-org.ts';
import { domainOf, orgForDomain } from './customer-lookup.ts';
import { afterNameCursor, nameKey, prefixPattern } from './people-sql.ts';
import type { CustomerRow } from './people.presenter.ts';

/** Addresses per customer: every answer lists them all. */
export const MAX_EMAILS = 50;

function customerQuery(db: Db) {
  return db
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.id', 'c.name', 'c.organization_id', 'c.stage', 'c.stage_since', 'c.language', 'c.phones', 'c.notes', 'c.created_at', 'c.updated_at'])
    .select([
      'o.name as org_name',
      sql<string>`lower(c.name)`.as('sort_name'),
      sql<CustomerRow['emails']>`coalesce((
        select json_agg(json_build_object('email', e.email, 'primary', e.is_primary) order by e.is_primary desc, e.created_at, e.email)
        from customer_emails e where e.customer_id = c.id), '[]'::json)`.as('emails'),
    ]);
}

async function findCustomer(db: Db, id: string): Promise<CustomerRow> {
  const c = await customerQuery(db).where('c.id', '=', id).executeTakeFirst();
  if (!c) throw notFound('customer');
  return c;
}

export async function listCustomers(deps: Deps, actor: Actor, q: z.infer<typeof ListCustomersQuery>) {
  authorize(actor, 'customer.read');
  let query = customerQuery(deps.db);
  if (q.stage?.length) query = query.where('c.stage', 'in', q.stage);
  if (q.organizationId) query = query.where('c.organization_id', '=', q.organizationId);
  if (q.q) {
    const p = prefixPattern(q.q);
    query = query.where(sql<boolean>`(lower(c.name) like ${p} or c.id in (select e.customer_id from customer_emails e where e.email like ${p}))`);
  }
  const after = afterNameCursor('c', q.cursor);
  if (after) query = query.where(after);
  const rows = await query.orderBy(sql`lower(c.name)`).orderBy('c.id').limit(q.limit + 1).execute();
  return page(rows, q.limit, nameKey);
}

export async function getCustomer(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'customer.read');
  const c = await findCustomer(deps.db, id);
  const n = await deps.db
    .selectFrom('tickets')
    .select([sql<number>`count(*) filter (where status < 'solved')::int`.as('open'), sql<number>`count(*)::int`.as('total')])
    .where('requester_id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...c, open_tickets: n.open, total_tickets: n.total };
}

async function checkOrg(db: Db, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const o = await db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
  if (!o) throw new AppError('validation_failed', 'organization does not exist', { errors: [{ path: '/organizationId', message: 'no such organization' }] });
}

/** Inserts addresses for the customer; an address another customer has is a 409 naming it. */
async function addEmails(db: Db, customerId: string, emails: string[], primary: string | null): Promise<void> {
  if (!emails.length) return;
  const inserted = await db
    .insertInto('customer_emails')
    .values(emails.map((email) => ({ email, customer_id: customerId, is_primary: email === primary })))
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('email')
    .execute();
  if (inserted.length === emails.length) return;
  const got = new Set(inserted.map((r) => r.email));
  const taken = await db.selectFrom('customer_emails').select(['email', 'customer_id'])
    .where('email', 'in', emails.filter((e) => !got.has(e))).where('customer_id', '<>', customerId).orderBy('email').executeTakeFirst();
  if (taken) throw new AppError('already_exists', `e-mail ${taken.email} belongs to another customer`, { email: taken.email, customerId: taken.customer_id });
}

export async function createCustomer(deps: Deps, actor: Actor, input: z.infer<typeof CreateCustomerBody>) {
  authorize(actor, 'customer.write');
  const emails = [...new Set(input.emails)];
  return inTx(deps.db, async (trx) => {
    await checkOrg(trx, input.organizationId);
    let organizationId = input.organizationId ?? null;
    if (input.organizationId === undefined) {
      for (const e of emails) if ((organizationId = await orgForDomain(trx, domainOf(e)))) break;
    }
    const now = new Date();
    const c = await trx
      .insertInto('customers')
      .values({
        name: input.name, organization_id: organizationId, stage: input.stage, stage_since: now, language: input.language,
        phones: [...new Set(input.phones)], notes: input.notes, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await addEmails(trx, c.id, emails, emails[0]);
    return getCustomer({ ...deps, db: trx }, actor, c.id);
  });
}

async function changeEmails(db: Db, id: string, input: z.infer<typeof UpdateCustomerBody>): Promise<boolean> {
  if (!input.addEmails && !input.removeEmails && !input.primaryEmail) return false;
  const before = await db.selectFrom('customer_emails').select(['email', 'is_primary']).where('customer_id', '=', id).orderBy('created_at').orderBy('email').execute();
  const have = new Set(before.map((e) => e.email));
  const bad = (path: string, message: string) => new AppError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
  (input.removeEmails ?? []).forEach((e, i) => { if (!have.has(e)) throw bad(`/removeEmails/${i}`, 'not an address of this customer'); });
  const remove = new Set(input.removeEmails ?? []);
  const add = [...new Set(input.addEmails ?? [])].filter((e) => !have.has(e));
  const after = [...before.map((e) => e.email).filter((e) => !remove.has(e)), ...add];
  if (!after.length) throw new AppError('invalid_state', 'a customer keeps at least one e-mail address');
  if (after.length > MAX_EMAILS) throw bad('/addEmails', `a customer has at most ${MAX_EMAILS} addresses`);
  if (input.primaryEmail && !after.includes(input.primaryEmail)) throw bad('/primaryEmail', 'not an address of this customer');
  if (remove.size) {
    await db.deleteFrom('customer_emails').where('customer_id', '=', id).where('email', 'in', [...remove]).execute();
    // whoever signed in with a removed address loses the portal (sessions do not say which address
    // they came from, so all of this customer's end); unused links for it stop working
    await db.deleteFrom('sessions').where('customer_id', '=', id).execute();
    await db.deleteFrom('customer_login_tokens').where('customer_id', '=', id).where('email', 'in', [...remove]).execute();
  }
  await addEmails(db, id, add, null);
  const oldPrimary = before.find((e) => e.is_primary && !remove.has(e.email))?.email;
  const primary = input.primaryEmail ?? oldPrimary ?? after[0];
  if (primary !== oldPrimary) {
    await db.updateTable('customer_emails').set({ is_primary: sql<boolean>`email = ${primary}` }).where('customer_id', '=', id).execute();
  }
  return remove.size > 0 || add.length > 0 || primary !== oldPrimary;
}

export async function updateCustomer(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateCustomerBody>) {
  authorize(actor, 'customer.write');
  return inTx(deps.db, async (trx) => {
    const c = await trx.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!c) throw notFound('customer');
    const set: Record<string, unknown> = {};
    const put = <T>(col: string, oldV: T, newV: T | undefined) => {
      if (newV !== undefined && JSON.stringify(oldV) !== JSON.stringify(newV)) set[col] = newV;
    };
    put('name', c.name, input.name);
    put('language', c.language, input.language);
    put('notes', c.notes, input.notes);
    put('phones', c.phones, input.phones && [...new Set(input.phones)]);
    put('stage', c.stage, input.stage);
    put('organization_id', c.organization_id, input.organizationId);
    if (set.stage) set.stage_since = new Date();
    if ('organization_id' in set) {
      await checkOrg(trx, input.organizationId);
      await moveOpenTickets(trx, actor, [id], input.organizationId ?? null);
    }
    const emailsChanged = await changeEmails(trx, id, input);
    if (Object.keys(set).length || emailsChanged) {
      await trx.updateTable('customers').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
    }
    // stage (trial, VIP…) and organization rank the customer's open tickets
    if (set.stage || 'organization_id' in set) await refreshMany(deps, trx, await unsolvedTicketsOf(trx, { customerIds: [id] }));
    return getCustomer({ ...deps, db: trx }, actor, id);
  });
}
