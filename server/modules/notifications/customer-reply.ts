// The customer wrote on a ticket (mail or portal): its assignee and followers are told, once per
// message ('customer_reply'; in-app by default, e-mail by their preferences).
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { notify } from './notify.ts';

const EXCERPT = 160;

export async function tellCustomerReply(deps: Deps, db: Db, ticketId: string, messageId: string): Promise<void> {
  const r = await sql<{ user_id: string; customer_name: string | null; body: string }>`
    select u.user_id::text, c.name as customer_name, left(m.body_text, ${EXCERPT * 2}) as body
    from messages m join tickets t on t.id = m.ticket_id left join customers c on c.id = m.author_customer_id
    cross join lateral (select t.assignee_id as user_id union select f.user_id from ticket_followers f where f.ticket_id = t.id) u
    where m.id = ${messageId} and t.id = ${ticketId} and u.user_id is not null`.execute(db);
  if (!r.rows.length) return;
  const excerpt = r.rows[0].body.replace(/\s+/g, ' ').trim();
  const data = {
    messageId, customerName: r.rows[0].customer_name ?? '',
    excerpt: excerpt.length > EXCERPT ? `${excerpt.slice(0, EXCERPT - 1)}…` : excerpt,
  };
  await notify(deps, db, r.rows.map((x) => ({ userId: x.user_id, kind: 'customer_reply' as const, ticketId, data, dedupeKey: `customer_reply:${messageId}:${x.user_id}` })));
}
