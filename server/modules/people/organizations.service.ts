// Organizations: list, read, create, update. An organization gaining a domain picks up
// the customers on it that have no organization yet, and their open tickets.
import { refreshMany, unsolvedTicketsOf } from '../priority/priority.service.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateOrganizationBody, ListOrganizationsQuery, UpdateOrganizationBody } from '../../../api/people.ts';
import type { Actor, UserActor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { moveOpenTickets } from '../tickets/ticket-org.ts';
import { afterNameCursor, nameKey, prefixPattern } from './people-sql.ts';
import type { OrganizationRow } from './people.presenter.ts';

const DOMAIN_LOCK = 7_301_952_102; // serializes domain claims (one domain, one organization); links.service.ts has ...101

function orgQuery(db: Db) {
  return db
    .selectFrom('organizations as o')
    .select(['o.id', 'o.name', 'o.domains', 'o.notes', 'o.vip', 'o.portal_shared', 'o.calendar_id', 'o.created_at', 'o.updated_at', sql<string>`lower(o.name)`.as('sort_name')]);
}

async function findOrg(db: Db, id: string, lock = false): Promise<OrganizationRow> {
  let q = orgQuery(db).where('o.id', '=', id);
  if (lock) q = q.forUpdate();
  const o = await q.executeTakeFirst();
  if (!o) throw notFound('organization');
  return o;
}

export async function listOrganizations(deps: Deps, actor: Actor, q: z.infer<typeof ListOrganizationsQuery>) {
  authorize(actor, 'org.read');
  let query = orgQuery(deps.db);
  if (q.q) query = query.where(sql<boolean>`lower(o.name) like ${prefixPattern(q.q)}`);
  const after = afterNameCursor('o', q.cursor);
  if (after) query = query.where(after);
  const rows = await query.orderBy(sql`lower(o.name)`).orderBy('o.id').limit(q.limit + 1).execute();
  return page(rows, q.limit, nameKey);
}

export async function getOrganization(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'org.read');
  return findOrg(deps.db, id);
}

/** Takes the domain lock and refuses domains another organization already owns. */
async function claimDomains(db: Db, domains: string[], orgId: string | null): Promise<void> {
  if (!domains.length) return;
  await sql`select pg_advisory_xact_lock(${DOMAIN_LOCK})`.execute(db);
  let q = db.selectFrom('organizations').select(['id', 'name', 'domains']).where(sql<boolean>`domains && ${sql.val(domains)}::text[]`);
  if (orgId) q = q.where('id', '<>', orgId);
  const other = await q.orderBy('id').executeTakeFirst();
  if (other) {
    const domain = domains.find((d) => other.domains.includes(d));
    throw new AppError('already_exists', `domain ${domain} belongs to organization ${other.name}`, { domain, organizationId: other.id });
  }
}

/** Links customers without an organization whose e-mail is on one of the domains, and their open tickets. */
async function linkCustomers(db: Db, actor: UserActor, orgId: string, domains: string[]): Promise<void> {
  if (!domains.length) return;
  const linked = await sql<{ id: string }>`
    update customers c set organization_id = ${orgId}, updated_at = now()
    where c.organization_id is null
      and c.id in (select e.customer_id from customer_emails e where split_part(e.email, '@', 2) = any(${sql.val(domains)}::text[]))
    returning c.id`.execute(db);
  await moveOpenTickets(db, actor, linked.rows.map((r) => r.id), orgId, true);
}

/** Sharing requests among an organization's members on the portal exposes customer data: admins only. */
function authorizeSharing(actor: Actor, portalShared: boolean | undefined, current = false): void {
  if (portalShared !== undefined && portalShared !== current) authorize(actor, 'org.share');
}

export async function createOrganization(deps: Deps, actor: Actor, input: z.infer<typeof CreateOrganizationBody>) {
  authorize(actor, 'org.write');
  authorizeSharing(actor, input.portalShared);
  const domains = [...new Set(input.domains)];
  return inTx(deps.db, async (trx) => {
    await claimDomains(trx, domains, null);
    const o = await trx.insertInto('organizations').values({ name: input.name, domains, notes: input.notes, vip: input.vip, portal_shared: input.portalShared }).returning('id').executeTakeFirstOrThrow();
    await linkCustomers(trx, actor, o.id, domains);
    return findOrg(trx, o.id);
  });
}

export async function updateOrganization(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateOrganizationBody>) {
  authorize(actor, 'org.write');
  return inTx(deps.db, async (trx) => {
    const o = await findOrg(trx, id, true);
    authorizeSharing(actor, input.portalShared, o.portal_shared);
    const domains = input.domains && [...new Set(input.domains)];
    if (domains) await claimDomains(trx, domains, id);
    await trx
      .updateTable('organizations')
      .set({ name: input.name, domains, notes: input.notes, vip: input.vip, portal_shared: input.portalShared, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    if (domains) await linkCustomers(trx, actor, id, domains.filter((d) => !o.domains.includes(d)));
    // VIP ranks every open ticket of the organization
    if (input.vip !== undefined && input.vip !== o.vip) await refreshMany(deps, trx, await unsolvedTicketsOf(trx, { organizationIds: [id] }));
    return findOrg(trx, id);
  });
}
