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

type Found = { id: string; organizationId: string | null; language: string; created: boolean };

/**
 * findOrCreateCustomer for many new addresses with one statement (organization by domain, the
 * customer and its address). An address another transaction took meanwhile goes the one-by-one
 * way. Returns a customer per address (lower case).
 */
export async function createCustomersMany(db: Db, list: { email: string; name?: string; language?: string }[]): Promise<Map<string, Found>> {
  const out = new Map<string, Found>();
  const todo = [...new Map(list.map((x) => [x.email.toLowerCase(), x])).entries()];
  if (!todo.length) return out;
  const r = await sql<{ email: string; id: string; organization_id: string | null; language: string; created: boolean }>`
    with v as (
      select v.email, v.name, v.language, nextval(pg_get_serial_sequence('customers', 'id')) as cid,
             (select o.id from organizations o where o.domains @> array[v.domain] order by o.id limit 1) as org
      from unnest(${todo.map(([a]) => a)}::text[], ${todo.map(([a]) => domainOf(a))}::text[],
                  ${todo.map(([a, x]) => x.name?.trim() || a.slice(0, a.indexOf('@')))}::text[],
                  ${todo.map(([, x]) => x.language ?? 'ru')}::text[]) as v(email, domain, name, language)
    ), c as (
      insert into customers (id, name, organization_id, language) overriding system value
      select cid, name, org, language from v
      returning id
    ), e as (
      insert into customer_emails (email, customer_id, is_primary) select v.email, v.cid, true from v join c on c.id = v.cid
      order by v.email -- two concurrent groups take the addresses in one order
      on conflict (email) do nothing returning email
    )
    select v.email, v.cid::text as id, v.org::text as organization_id, v.language, exists (select 1 from e where e.email = v.email) as created
    from v`.execute(db);
  const lost: string[] = [];
  for (const row of r.rows) {
    if (row.created) out.set(row.email, { id: row.id, organizationId: row.organization_id, language: row.language, created: true });
    else lost.push(row.id);
  }
  if (lost.length) await db.deleteFrom('customers').where('id', 'in', lost).execute(); // our orphans: the address is someone's
  for (const [a, x] of todo) if (!out.has(a)) out.set(a, await findOrCreateCustomer(db, a, { name: x.name, language: x.language }));
  return out;
}
