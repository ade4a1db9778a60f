// Which tickets a customer sees on the portal (tickets aliased as t): their own, and all of
// their organization's when the organization shares requests (organizations.portal_shared).
// Used by every customer read (tickets/findTicket, attachments), so anything else stays "not found".
import { sql } from 'kysely';

export function customerSees(customerId: string) {
  return sql<boolean>`(t.requester_id = ${customerId} or t.organization_id = (
    select me.organization_id from customers me join organizations o on o.id = me.organization_id
    where me.id = ${customerId} and o.portal_shared))`;
}
