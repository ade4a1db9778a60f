// SLA per ticket: ticket_sla follows every ticket change (in the change's transaction, a few
// primary-key statements), see sla.clock.ts for the clock rules; sla.sweep.ts fires the alerts.
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../../db/db.ts';
import type { Channel, CustomerStage, SlaConditions, TicketPriority, TicketStatus } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { calendarById } from '../calendars/resolve.ts';
import { addBusinessMinutes } from '../calendars/business-time.ts';
import type { TicketEvent } from '../keeping/events.ts';
import * as clock from './sla.clock.ts';
import type { Policy, SlaRow } from './sla.clock.ts';

export { sweepSlaAlerts } from './sla.sweep.ts';

/** What a ticket is, as policy conditions see it. */
export type TicketFacts = {
  id: string; status: TicketStatus; priority: TicketPriority; channel: Channel; tags: string[];
  group_id: string | null; organization_id: string | null; created_at: Date; first_response_at: Date | null;
  stage: CustomerStage; org_vip: boolean;
};

/** Fields whose change may make another policy match. */
const REMATCH = ['priority', 'tags', 'groupId', 'requesterId', 'organizationId'];

export function matches(c: SlaConditions, t: TicketFacts): boolean {
  const inList = <T>(list: T[] | undefined, v: T | null) => !list || (v !== null && list.includes(v));
  if (!inList(c.stages, t.stage)) return false;
  if (c.vip !== undefined && c.vip !== (t.stage === 'vip' || t.org_vip)) return false;
  if (!inList(c.organizationIds, t.organization_id)) return false;
  if (!inList(c.priorities, t.priority)) return false;
  if (!inList(c.channels, t.channel)) return false;
  if (!inList(c.groupIds, t.group_id)) return false;
  if (c.tags && !c.tags.some((x) => t.tags.includes(x))) return false;
  return true;
}

/** The first active policy (position order) whose conditions hold, or null. */
export function matchPolicy(policies: Policy[], t: TicketFacts): Policy | null {
  return policies.find((p) => matches(p.conditions ?? {}, t)) ?? null;
}

type Loaded = { facts: TicketFacts; row: SlaRow | null; policy: Policy | null; policies: Policy[]; calendarId: string | null };

/**
 * One statement: the ticket's facts, its SLA row (locked: the sweeper skips it meanwhile) and policy, the id
 * of the ticket's calendar (customer -> organization -> group, as calendars/resolve.ts) and, when
 * asked, the active policies in match order.
 */
async function loadTicket(db: Db, ticketId: string, o: { lock: boolean; policies: boolean }): Promise<Loaded | null> {
  const r = await sql<TicketFacts & { sla: { row: SlaRow; policy: Policy | null } | null; policies: Policy[] | null; calendar_id: string | null }>`
    select t.id, t.status, t.priority, t.channel, t.tags, t.group_id::text, t.organization_id::text, t.created_at,
      t.first_response_at, c.stage, coalesce(o.vip, false) as org_vip,
      coalesce(c.calendar_id, o.calendar_id, g.calendar_id)::text as calendar_id,
      (select jsonb_build_object('row', to_jsonb(s), 'policy', (select to_jsonb(p) from sla_policies p where p.id = s.policy_id))
        from ticket_sla s where s.ticket_id = t.id ${o.lock ? sql`for update of s` : sql``}) as sla,
      ${o.policies ? sql`(select jsonb_agg(p order by p.position, p.id) from sla_policies p where p.active and p.deleted_at is null)` : sql`null`} as policies
    from tickets t join customers c on c.id = t.requester_id
    left join organizations o on o.id = coalesce(t.organization_id, c.organization_id)
    left join groups g on g.id = t.group_id
    where t.id = ${ticketId}`.execute(db);
  const x = r.rows[0];
  if (!x) return null;
  const { sla, policies, calendar_id, ...facts } = x;
  return {
    facts, row: sla ? reviveRow(sla.row) : null, policy: sla?.policy ? revivePolicy(sla.policy) : null,
    policies: (policies ?? []).map(revivePolicy), calendarId: calendar_id,
  };
}

function revivePolicy(j: Policy): Policy {
  const p = { ...j } as Record<string, unknown>;
  for (const k of ['id', 'calendar_id']) p[k] = p[k] === null ? null : String(p[k]);
  for (const k of ['created_at', 'updated_at', 'deleted_at']) p[k] = p[k] ? new Date(p[k] as string) : null;
  return p as Policy;
}

const TS_COLUMNS = [
  'first_response_due_at', 'first_response_met_at', 'first_response_breached_at', 'next_response_started_at',
  'next_response_due_at', 'next_response_breached_at', 'resolution_due_at', 'resolution_met_at', 'resolution_breached_at',
  'paused_at', 'next_alert_at', 'updated_at',
] as const;

/** to_jsonb gives strings for timestamps and numbers for bigints: back to the row's types. */
function reviveRow(j: SlaRow): SlaRow {
  const row = { ...j } as Record<string, unknown>;
  for (const k of TS_COLUMNS) row[k] = row[k] ? new Date(row[k] as string) : null;
  for (const k of ['ticket_id', 'policy_id', 'calendar_id']) row[k] = row[k] === null ? null : String(row[k]);
  return row as SlaRow;
}

/** The policy's calendar, else the ticket's (calendarById caches, so usually no query). */
const calendarFor = (db: Db, p: Policy | null, l: Loaded) => calendarById(db, p?.calendar_id ?? l.calendarId);

/** Keeps ticket_sla in step with the ticket: creates the row on 'created', starts/meets/pauses clocks, replans alerts. */
export async function onTicketEvent(deps: Deps, db: Db, ev: TicketEvent): Promise<void> {
  if (ev.kind === 'created') return onCreated(deps, db, ev.ticketId, ev.at);
  const status = ev.changes.status?.[1] as TicketStatus | undefined;
  const rematch = ev.kind === 'updated' && REMATCH.some((k) => k in ev.changes);
  const reply = ev.kind === 'message' && ev.author === 'agent' && ev.public;
  const customer = ev.kind === 'message' && ev.author === 'customer';
  if (!status && !rematch && !reply && !customer) return;
  const l = await loadTicket(db, ev.ticketId, { lock: true, policies: rematch });
  if (!l?.row) return; // no row yet: the sweeper's catch-up creates it from the ticket as it is
  const row = l.row;
  const patch = await safely(deps, ev.ticketId, async () => {
    const st = clock.load(row, l.policy, await calendarById(db, row.calendar_id), ev.at);
    if (reply) clock.meetReply(st);
    if (status) clock.setStatus(st, status);
    if (rematch) {
      const next = matchPolicy(l.policies, l.facts);
      clock.rematch(st, next, await calendarFor(db, next, l), l.facts);
    }
    if (customer) clock.customerWrote(st, l.facts.first_response_at !== null && l.facts.first_response_at < ev.at);
    return clock.finish(st);
  });
  if (patch) await db.updateTable('ticket_sla').set(serialize(patch)).where('ticket_id', '=', ev.ticketId).execute();
}

async function onCreated(deps: Deps, db: Db, ticketId: string, at: Date): Promise<void> {
  const l = await loadTicket(db, ticketId, { lock: false, policies: true });
  if (!l || l.row) return;
  const row = await initialSlaRow(deps, db, ticketId, l.facts, l.policies, l.calendarId, at);
  await db.insertInto('ticket_sla').values({ ...serialize(row), ticket_id: ticketId })
    .onConflict((oc) => oc.column('ticket_id').doNothing()).execute();
}

/**
 * The whole ticket_sla row a new ticket starts with, from its facts, the
 * active policies in match order and the ticket's calendar id: also used before the ticket
 * exists, so the create statement writes it (ticketId then is a placeholder the insert replaces).
 */
export async function initialSlaRow(deps: Deps, db: Db, ticketId: string, t: TicketFacts, policies: Policy[], calendarId: string | null, at: Date): Promise<SlaRow> {
  const policy = matchPolicy(policies, t);
  const cal = await calendarById(db, policy?.calendar_id ?? calendarId);
  const patch = await safely(deps, ticketId, async () => {
    const st = clock.load(clock.emptyRow(ticketId, policy, cal, at), policy, cal, at);
    const fr = clock.targetOf(policy, 'first_response');
    if (fr !== null) {
      const due = addBusinessMinutes(cal, t.created_at, fr);
      if (t.first_response_at) {
        st.row.first_response_met_at = t.first_response_at;
        st.row.first_response_due_at = due;
      } else st.clocks.first_response = { left: null, due };
    }
    const res = clock.targetOf(policy, 'resolution');
    if (res !== null) st.clocks.resolution = { left: null, due: addBusinessMinutes(cal, t.created_at, res) };
    clock.setStatus(st, t.status);
    return clock.finish(st);
  });
  // a calendar that cannot be computed still gets the row (no clocks): the catch-up does not retry it
  return { ...clock.emptyRow(ticketId, policy, cal, at), ...patch };
}

/** Policies as the database stores them (jsonb of sla_policies rows) back to Policy. */
export const revivePolicies = (rows: Policy[] | null) => (rows ?? []).map(revivePolicy);

/** Calendar math may throw (a calendar without open hours, an unknown zone): the ticket change
 *  still goes through, the SLA clocks stay as they were, the error is logged. Database errors propagate. */
async function safely<T>(deps: Deps, ticketId: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof pg.DatabaseError) throw e;
    deps.log.error({ err: e, ticketId }, 'SLA clocks not updated');
    return null;
  }
}

function serialize(p: Partial<SlaRow>) {
  const { left_min, alert_plan, ...rest } = p;
  return { ...rest, left_min: JSON.stringify(left_min ?? {}), alert_plan: JSON.stringify(alert_plan ?? []) };
}
