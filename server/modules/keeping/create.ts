// A new ticket is written once: before the insert, one statement reads what the keeping
// modules need about the requester (stage, VIP, calendar, care flags, recent tickets, the
// active SLA policies); the SLA row and the first priority score are computed here and go in
// the same statement as the ticket. Rewriting a fresh ticket row to set its score touched
// every index of tickets a second time: it cost more than the insert itself.
import type { Channel, CustomerStage, PriorityPart, TicketPriority, TicketStatus } from '../../db/types.ts';
import { prepared, type Db } from '../../db/db.ts';
import { Grouped, groupedPer } from '../../db/grouped.ts';
import type { Deps } from '../../deps.ts';
import { evaluateRules } from '../escalation/escalation.service.ts';
import { loadWeights, refreshPriority } from '../priority/priority.service.ts';
import { refreshBatcherFor } from '../priority/refresh-batch.ts';
import { REPEAT_DAYS, scoreTicket } from '../priority/score.ts';
import type { Policy, SlaRow } from '../sla/sla.clock.ts';
import { initialSlaRow, revivePolicies } from '../sla/sla.service.ts';

export type RequesterKey = { id: string } | { email: string };

type FactsRow = {
  customer_id: string; organization_id: string | null; stage: CustomerStage; org_vip: boolean; calendar_id: string | null;
  recent: number; siblings: string[] | null; care_customer: [string, string] | null; care_org: [string, string] | null;
  policies: Policy[] | null;
};

// Care flags and recent tickets as priority.service.ts inputsQuery reads them for a stored ticket.
// For many requesters at once (concurrent creates share it, see FactsBatcher): row idx per key.
const CREATE_FACTS = `
with k as (
  select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::timestamptz[]) with ordinality as k(cid, email, gid, at, idx)
), c as (
  select k.idx, k.gid, k.at, c.id, c.organization_id, c.stage, c.calendar_id
  from k join lateral (
    select c.id, c.organization_id, c.stage, c.calendar_id from customers c
    where c.id = coalesce(k.cid, (select e.customer_id from customer_emails e where e.email = k.email))
  ) c on true
)
select c.idx::int as idx, c.id::text as customer_id, c.organization_id::text as organization_id, c.stage, coalesce(o.vip, false) as org_vip,
  coalesce(c.calendar_id, o.calendar_id, (select g.calendar_id from groups g where g.id = c.gid))::text as calendar_id,
  (select count(*)::int from tickets r where r.requester_id = c.id
     and r.updated_at > c.at - make_interval(days => ${REPEAT_DAYS})
     and r.created_at > c.at - make_interval(days => ${REPEAT_DAYS})) as recent,
  (select array_agg(x.id::text) from (select s.id from tickets s where s.requester_id = c.id and s.status < 'solved'
     and s.updated_at > c.at - make_interval(days => ${REPEAT_DAYS})
     and not s.priority_parts @> '[{"code": "repeat_contact"}]'
     order by s.updated_at desc limit 10) x) as siblings,
  (select array[f.points::text, f.reason] from care_flags f
     where f.customer_id = c.id and f.ended_at is null and f.until > c.at
     order by f.points desc, f.id desc limit 1) as care_customer,
  (select array[f.points::text, f.reason] from care_flags f
     where f.organization_id = c.organization_id and f.ended_at is null and f.until > c.at
     order by f.points desc, f.id desc limit 1) as care_org,
  (select jsonb_agg(p order by p.position, p.id) from sla_policies p where p.active and p.deleted_at is null) as policies
from c left join organizations o on o.id = c.organization_id`;

type FactsKey = { key: RequesterKey; groupId: string | null; at: Date };

async function readFacts(deps: Deps, db: Db, keys: FactsKey[]): Promise<Map<number, FactsRow>> {
  const rows = await prepared<FactsRow & { idx: number }>(db, deps.pool, 'slovo_create_facts', CREATE_FACTS, [
    keys.map((k) => ('id' in k.key ? k.key.id : null)), keys.map((k) => ('email' in k.key ? k.key.email.toLowerCase() : null)),
    keys.map((k) => k.groupId), keys.map((k) => k.at),
  ]);
  return new Map(rows.map((r) => [r.idx - 1, r]));
}

/**
 * The create hot path's facts read, grouped (db/grouped.ts): reads that arrive while one is
 * running wait for it, then go together in one statement (up to 100).
 */
export const factsBatcherFor = groupedPer((deps: Deps) => deps.pool, (deps) => new Grouped<FactsKey, FactsRow | null>(async (keys) => {
  const rows = await readFacts(deps, deps.db, keys);
  return keys.map((_, i) => rows.get(i) ?? null);
}, { maxCalls: 100 }));

export type NewTicket = {
  status: TicketStatus; priority: TicketPriority; channel: Channel; tags: string[]; groupId: string | null;
  firstResponseAt: Date | null; signals: string[]; at: Date;
};

export type FirstWrite = {
  customerId: string;
  score: number; parts: PriorityPart[];
  /** the ticket_sla row (ticket_id filled by the insert) */
  sla: Omit<SlaRow, 'ticket_id'>;
  /** the requester's other open tickets that may become repeat contacts with this one */
  siblings: string[];
};

/** What the create statement writes besides the ticket; null when the requester does not exist. */
export async function firstWrite(deps: Deps, db: Db, key: RequesterKey, t: NewTicket): Promise<FirstWrite | null> {
  const k: FactsKey = { key, groupId: t.groupId, at: t.at };
  // outside a transaction, concurrent creates share one read
  const f = db === deps.db && !db.isTransaction ? await factsBatcherFor(deps).call(k) : (await readFacts(deps, db, [k])).get(0);
  return f ? fromFacts(deps, db, f, t) : null;
}

/** firstWrite for many new tickets with one read (null where the requester does not exist). */
export async function firstWriteMany(deps: Deps, db: Db, list: { key: RequesterKey; t: NewTicket }[]): Promise<(FirstWrite | null)[]> {
  const rows = await readFacts(deps, db, list.map((x) => ({ key: x.key, groupId: x.t.groupId, at: x.t.at })));
  const out: (FirstWrite | null)[] = [];
  for (const [i, x] of list.entries()) {
    const f = rows.get(i);
    out.push(f ? await fromFacts(deps, db, f, x.t) : null);
  }
  return out;
}

async function fromFacts(deps: Deps, db: Db, f: FactsRow, t: NewTicket): Promise<FirstWrite> {
  const facts = {
    id: '0', status: t.status, priority: t.priority, channel: t.channel, tags: t.tags, group_id: t.groupId,
    organization_id: f.organization_id, created_at: t.at, first_response_at: t.firstResponseAt, stage: f.stage, org_vip: f.org_vip,
  };
  const sla = await initialSlaRow(deps, db, '0', facts, revivePolicies(f.policies), f.calendar_id, t.at);
  const running = (sla.first_response_due_at && !sla.first_response_met_at) || sla.resolution_due_at;
  const care = [f.care_customer, f.care_org].reduce<{ points: number; reason: string } | null>(
    (best, x) => (x && (!best || Number(x[0]) > best.points) ? { points: Number(x[0]), reason: x[1] } : best), null);
  const s = scoreTicket({
    priority: t.priority, stage: f.stage, orgVip: f.org_vip, signals: t.signals, recentOtherTickets: f.recent, brokenPromises: 0,
    // a new ticket has all of its SLA time left
    sla: { breached: false, leftFraction: running ? 1 : null }, level: 1, care,
  }, await loadWeights(db));
  const { ticket_id: _t, ...row } = sla as SlaRow;
  return { customerId: f.customer_id, score: s.score, parts: s.parts, sla: row, siblings: f.siblings ?? [] };
}

/**
 * After the create statement: automatic escalation rules, and the requester's other tickets as
 * repeat contacts. Returns true when a rule fired (the new ticket's stored score may differ from
 * the one it was inserted with).
 */
export async function afterCreated(deps0: Deps, db: Db, ticketId: string, fw: FirstWrite, at: Date): Promise<boolean> {
  const deps = db === deps0.db ? deps0 : { ...deps0, db };
  const fired = await evaluateRules(deps, db, [ticketId], at);
  // a rule that moved the ticket (level) changes its score; the siblings gain "repeat contact"
  const refresh = fired ? [ticketId, ...fw.siblings] : fw.siblings;
  if (!refresh.length) return fired > 0;
  // outside a transaction, concurrent creates share one read and one update (refresh-batch.ts)
  if (db === deps0.db && !db.isTransaction) await refreshBatcherFor(deps0).refresh(refresh);
  else await refreshPriority(deps, db, refresh);
  return fired > 0;
}
