// Finding the customer behind an e-mail address, creating them when new.
// A new customer is linked to the organization that owns the address's domain.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export async function orgForDomain(db: Db, domain: string): Promise<string | null> {
  const row = await db
    .selectFrom('organizations')
    .select('id')
    .where(sql<boolean>`domains @> array[${domain}]::text[]`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findOrCreateCustomer(
  db: Db,
  email: string,
  opts: { name?: string; language?: string } = {},
): Promise<{ id: string; organizationId: string | null; language: string; created: boolean }> {
  const addr = email.toLowerCase();
  const found = await db
    .selectFrom('customer_emails as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .select(['c.id', 'c.organization_id', 'c.language'])
    .where('e.email', '=', addr)
    .executeTakeFirst();
  if (found) return { id: found.id, organizationId: found.organization_id, language: found.language, created: false };
  const organizationId = await orgForDomain(db, domainOf(addr));
  const name = opts.name?.trim() || addr.slice(0, addr.indexOf('@'));
  // One statement: a concurrent create of the same address loses the race on the
  // primary key and reads the winner instead of failing.
  const row = await sql<{ id: string; organization_id: string | null; language: string; created: boolean }>`
    with c as (
      insert into customers (name, organization_id, language) values (${name}, ${organizationId}, ${opts.language ?? 'ru'})
      returning id, organization_id, language
    ), e as (
      insert into customer_emails (email, customer_id, is_primary) select ${addr}, id, true from c
      on conflict (email) do nothing returning customer_id
    )
    select c.id, c.organization_id, c.language, (select count(*) from e) > 0 as created from c`.execute(db);
  const r = row.rows[0];
  if (r.created) return { id: r.id, organizationId: r.organization_id, language: r.language, created: true };
  // lost the race: remove our orphan and use the existing customer
  await db.deleteFrom('customers').where('id', '=', r.id).execute();
  return findOrCreateCustomer(db, addr, opts);
}
