// Priority score of tickets: loads every input of many tickets in one statement, scores them
// in JS (score.ts) and writes the changed ones in one statement. A score change is not an
// agent's edit: version and updated_at stay as they are.
import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { PriorityWeightsOverrides, PriorityWeights } from '../../../api/priority.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { CustomerStage, PriorityPart, TicketPriority } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { enqueue } from '../../jobs/boss.ts';
import { authorize } from '../../policy.ts';
import { findTicket } from '../tickets/tickets.service.ts';
import { DEFAULT_WEIGHTS, mergeWeights, REPEAT_DAYS, scoreTicket, type ScoreInputs } from './score.ts';

export const WEIGHTS_KEY = 'priority_weights';
const CACHE_MS = 5_000;
let cached: { weights: PriorityWeights; at: number } | null = null;

async function storedOverrides(db: Db): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', WEIGHTS_KEY).executeTakeFirst();
  return row?.value ?? {};
}

/** Effective weights, cached in-process for a few seconds (a PUT here clears the cache). */
export async function loadWeights(db: Db, opts: { fresh?: boolean } = {}): Promise<PriorityWeights> {
  if (!opts.fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.weights;
  const weights = mergeWeights(await storedOverrides(db));
  cached = { weights, at: Date.now() };
  return weights;
}

type InputRow = {
  id: string; priority: TicketPriority; signals: string[]; level: number;
  priority_score: number; parts_text: string; stage: CustomerStage; org_vip: boolean | null;
  recent: number; broken: number; sla_breached: boolean; sla_left: number | null;
  care_customer: [string, string] | null; care_org: [string, string] | null; // [points, reason]
};

// One statement for all the ids. Care: the strongest active flag of the requester and of the
// ticket's organization (index care_flags_customer / care_flags_org); repeat contacts: the
// requester's other tickets created in the window (index tickets_requester).
//
// SLA from ticket_sla: a metric runs while it has a due time and is not met (paused metrics
// have no due time); breached = a running metric past due (or marked breached). Share of time
// left is wall-clock: (due - now) / (due - start), start = ticket creation (first response,
// resolution) or the awaited customer message (next response). Business hours are not
// subtracted, so it approximates the business-time share the SLA warnings use (exact for 24/7
// calendars; a ticket waiting overnight looks a little less urgent than it is). Computed in SQL:
// parsing six timestamps per row in JS cost more than the rest of the scoring.
/** Share of the time from start to due that is still left at now. */
const share = (due: RawBuilder<unknown>, start: RawBuilder<unknown>, now: Date) =>
  sql`extract(epoch from ${due} - ${now}::timestamptz)::float8 / nullif(extract(epoch from ${due} - ${start})::float8, 0)`;

export function inputsQuery(ids: string[], now: Date) {
  return sql<InputRow>`
    select t.id, t.priority, t.signals, t.level, t.priority_score, t.priority_parts::text as parts_text, c.stage, o.vip as org_vip,
      (select count(*)::int from tickets r where r.requester_id = t.requester_id and r.id <> t.id
         -- created_at <= updated_at: the index range skips the requester's older tickets
         and r.updated_at > ${now}::timestamptz - make_interval(days => ${REPEAT_DAYS})
         and r.created_at > ${now}::timestamptz - make_interval(days => ${REPEAT_DAYS})) as recent,
      (select count(*)::int from promises p where p.ticket_id = t.id and p.state = 'broken') as broken,
      coalesce((s.first_response_met_at is null and (s.first_response_due_at <= ${now}::timestamptz or (s.first_response_due_at is not null and s.first_response_breached_at is not null)))
        or s.next_response_due_at <= ${now}::timestamptz or (s.next_response_due_at is not null and s.next_response_breached_at is not null)
        or (s.resolution_met_at is null and (s.resolution_due_at <= ${now}::timestamptz or (s.resolution_due_at is not null and s.resolution_breached_at is not null))),
        false) as sla_breached,
      least(
        case when s.first_response_met_at is null and s.first_response_due_at > ${now}::timestamptz then ${share(sql`s.first_response_due_at`, sql`t.created_at`, now)} end,
        case when s.next_response_due_at > ${now}::timestamptz then ${share(sql`s.next_response_due_at`, sql`coalesce(s.next_response_started_at, t.created_at)`, now)} end,
        case when s.resolution_met_at is null and s.resolution_due_at > ${now}::timestamptz then ${share(sql`s.resolution_due_at`, sql`t.created_at`, now)} end
      ) as sla_left,
      (select array[f.points::text, f.reason] from care_flags f
         where f.customer_id = t.requester_id and f.ended_at is null and f.until > ${now}::timestamptz
         order by f.points desc, f.id desc limit 1) as care_customer,
      (select array[f.points::text, f.reason] from care_flags f
         where f.organization_id = t.organization_id and f.ended_at is null and f.until > ${now}::timestamptz
         order by f.points desc, f.id desc limit 1) as care_org
    from tickets t
    join customers c on c.id = t.requester_id
    left join organizations o on o.id = t.organization_id
    left join ticket_sla s on s.ticket_id = t.id
    where t.id = any(${ids}::bigint[])`;
}

/** The stronger of the customer's and the organization's flag (the customer's on a tie). */
function strongest(...flags: ([string, string] | null)[]): ScoreInputs['care'] {
  let best: ScoreInputs['care'] = null;
  for (const f of flags) if (f && (!best || Number(f[0]) > best.points)) best = { points: Number(f[0]), reason: f[1] };
  return best;
}

function inputsOf(r: InputRow): ScoreInputs {
  return {
    priority: r.priority, stage: r.stage, orgVip: !!r.org_vip, signals: r.signals, recentOtherTickets: r.recent,
    brokenPromises: r.broken, sla: { breached: r.sla_breached, leftFraction: r.sla_left === null ? null : Number(r.sla_left) }, level: r.level,
    care: strongest(r.care_customer, r.care_org),
  };
}

/**
 * The parts as PostgreSQL prints the stored jsonb (keys by length, then bytes; ", " and ": "),
 * so the stored value is compared as text without parsing it. Should the two ever differ in
 * form, the row is only written again (the update skips rows whose jsonb is equal).
 */
export function partsText(parts: PriorityPart[]): string {
  const q = JSON.stringify;
  return `[${parts.map((p) => `{"code": ${q(p.code)}, "points": ${p.points}, "label_en": ${q(p.label_en)}, "label_ru": ${q(p.label_ru)}}`).join(', ')}]`;
}

/** Recomputes priority_score and priority_parts of these tickets from their current inputs. */
export async function refreshPriority(deps: Deps, db: Db, ticketIds: string[], opts: { now?: Date; weights?: PriorityWeights } = {}): Promise<number> {
  const ids = [...new Set(ticketIds)];
  if (!ids.length) return 0;
  const now = opts.now ?? new Date();
  // on the caller's connection: a second pool connection inside a transaction could starve the pool
  const weights = opts.weights ?? (await loadWeights(db));
  const rows = (await inputsQuery(ids, now).execute(db)).rows;
  const changed: { id: string; score: number; parts: PriorityPart[] }[] = [];
  for (const r of rows) {
    const s = scoreTicket(inputsOf(r), weights);
    if (s.score !== r.priority_score || partsText(s.parts) !== r.parts_text) changed.push({ id: r.id, ...s });
  }
  if (!changed.length) return 0;
  // a few rows (a ticket and its requester's other tickets) are locked in id order first, so two
  // changes refreshing overlapping sets cannot deadlock; bulk batches are disjoint id ranges.
  // Outside a transaction such a lock would end with its statement: it is not taken.
  if (db.isTransaction && changed.length > 1 && changed.length <= 50) {
    await sql`select id from tickets where id = any(${changed.map((c) => c.id)}::bigint[]) order by id for no key update`.execute(db);
  }
  const r = await sql`
    update tickets t set priority_score = u.score, priority_parts = u.parts
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as u(id bigint, score int, parts jsonb)
    where t.id = u.id and (t.priority_score <> u.score or t.priority_parts <> u.parts)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Unsolved tickets of these customers (as requester) and organizations. */
export async function unsolvedTicketsOf(db: Db, who: { customerIds?: string[]; organizationIds?: string[] }): Promise<string[]> {
  const c = who.customerIds ?? [];
  const o = who.organizationIds ?? [];
  if (!c.length && !o.length) return [];
  const rows = await sql<{ id: string }>`
    select id from tickets where status < 'solved' and requester_id = any(${c}::bigint[])
    union
    select id from tickets where status < 'solved' and organization_id = any(${o}::bigint[])`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Refreshes many tickets in slices (one read and one write per slice). */
export async function refreshMany(deps: Deps, db: Db, ids: string[], opts: { now?: Date } = {}): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 5000) n += await refreshPriority(deps, db, ids.slice(i, i + 5000), opts);
  return n;
}

// --- API ---------------------------------------------------------------------------------

export async function ticketPriority(deps: Deps, actor: Actor, ref: string): Promise<{ score: number; parts: PriorityPart[] }> {
  authorize(actor, 'ticket.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  return { score: t.priority_score, parts: t.priority_parts ?? [] };
}

export async function getWeights(deps: Deps, actor: Actor) {
  authorize(actor, 'settings.read');
  const stored = await storedOverrides(deps.db);
  return { weights: mergeWeights(stored), defaults: DEFAULT_WEIGHTS, overrides: mergeOverrides(stored) };
}

function mergeOverrides(stored: unknown): z.infer<typeof PriorityWeightsOverrides> {
  const w = mergeWeights(stored);
  return Object.fromEntries(Object.entries(w).filter(([k, v]) => DEFAULT_WEIGHTS[k as keyof PriorityWeights] !== v));
}

/** Replaces the overrides and queues a recompute of every unsolved ticket. */
export async function putWeights(deps: Deps, actor: Actor, overrides: z.infer<typeof PriorityWeightsOverrides>) {
  authorize(actor, 'priority.weights.write');
  await inTx(deps.db, async (trx) => {
    await trx.insertInto('settings').values({ key: WEIGHTS_KEY, value: JSON.stringify(overrides), updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(overrides), updated_at: new Date() }))
      .execute();
    await enqueue(deps, trx, 'priority.recompute', { at: new Date().toISOString() });
  });
  cached = null;
  return { ...(await getWeights(deps, actor)), recomputeQueued: !!deps.boss };
}
