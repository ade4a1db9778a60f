// Priority score of tickets: loads every input of many tickets in one statement, scores them
// in JS (score.ts) and writes the changed ones in one statement. A score change is not an
// agent's edit: version and updated_at stay as they are.
import { sql } from 'kysely';
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
  id: string; priority: TicketPriority; signals: string[]; level: number; created_at: Date;
  priority_score: number; priority_parts: PriorityPart[]; stage: CustomerStage; org_vip: boolean | null;
  recent: number; broken: number;
  fr_due: Date | null; fr_met: Date | null; nr_due: Date | null; nr_start: Date | null;
  res_due: Date | null; res_met: Date | null; breached_open: boolean;
  care_points: number | null; care_reason: string | null;
};

// One statement for all the ids. Care: the strongest active flag of the requester or the
// ticket's organization (index care_flags_customer / care_flags_org); repeat contacts: the
// requester's other tickets created in the window (index tickets_requester).
function inputsQuery(ids: string[], now: Date) {
  return sql<InputRow>`
    select t.id, t.priority, t.signals, t.level, t.created_at, t.priority_score, t.priority_parts, c.stage, o.vip as org_vip,
      (select count(*)::int from tickets r where r.requester_id = t.requester_id and r.id <> t.id
         and r.created_at > ${now}::timestamptz - make_interval(days => ${REPEAT_DAYS})) as recent,
      (select count(*)::int from promises p where p.ticket_id = t.id and p.state = 'broken') as broken,
      s.first_response_due_at as fr_due, s.first_response_met_at as fr_met,
      s.next_response_due_at as nr_due, s.next_response_started_at as nr_start,
      s.resolution_due_at as res_due, s.resolution_met_at as res_met,
      coalesce((s.first_response_breached_at is not null and s.first_response_met_at is null and s.first_response_due_at is not null)
        or (s.next_response_breached_at is not null and s.next_response_due_at is not null)
        or (s.resolution_breached_at is not null and s.resolution_met_at is null and s.resolution_due_at is not null), false) as breached_open,
      cf.points as care_points, cf.reason as care_reason
    from tickets t
    join customers c on c.id = t.requester_id
    left join organizations o on o.id = t.organization_id
    left join ticket_sla s on s.ticket_id = t.id
    left join lateral (
      select f.points, f.reason from care_flags f
      where f.ended_at is null and f.until > ${now}::timestamptz
        and (f.customer_id = t.requester_id or f.organization_id = t.organization_id)
      order by f.points desc, f.id desc limit 1
    ) cf on true
    where t.id = any(${ids}::bigint[])`;
}

/**
 * SLA inputs from ticket_sla: a metric runs while it has a due time and is not met (paused
 * metrics have no due time). Share of time left is wall-clock: (due - now) / (due - start),
 * start = ticket creation (first response, resolution) or the awaited customer message (next
 * response). Business hours are not subtracted, so the share is an approximation of the
 * business-time share (exact at the 75 % warning only for 24/7 calendars).
 */
export function slaInputs(r: Pick<InputRow, 'created_at' | 'fr_due' | 'fr_met' | 'nr_due' | 'nr_start' | 'res_due' | 'res_met' | 'breached_open'>, now: Date): ScoreInputs['sla'] {
  let breached = r.breached_open;
  let left: number | null = null;
  const metric = (due: Date | null, met: Date | null, start: Date | null) => {
    if (!due || met) return;
    const d = due.getTime();
    if (d <= now.getTime()) { breached = true; return; }
    const span = d - (start ?? r.created_at).getTime();
    const f = span > 0 ? (d - now.getTime()) / span : 0;
    left = left === null ? f : Math.min(left, f);
  };
  metric(r.fr_due, r.fr_met, r.created_at);
  metric(r.nr_due, null, r.nr_start);
  metric(r.res_due, r.res_met, r.created_at);
  return { breached, leftFraction: left };
}

function inputsOf(r: InputRow, now: Date): ScoreInputs {
  return {
    priority: r.priority, stage: r.stage, orgVip: !!r.org_vip, signals: r.signals, recentOtherTickets: r.recent,
    brokenPromises: r.broken, sla: slaInputs(r, now), level: r.level,
    care: r.care_points === null ? null : { points: r.care_points, reason: r.care_reason ?? '' },
  };
}

// field by field: jsonb gives keys back in its own order
const sameParts = (a: PriorityPart[], b: PriorityPart[]) => a.length === b.length
  && a.every((p, i) => p.code === b[i].code && p.points === b[i].points && p.label_ru === b[i].label_ru && p.label_en === b[i].label_en);

/** Recomputes priority_score and priority_parts of these tickets from their current inputs. */
export async function refreshPriority(deps: Deps, db: Db, ticketIds: string[], opts: { now?: Date; weights?: PriorityWeights } = {}): Promise<number> {
  const ids = [...new Set(ticketIds)];
  if (!ids.length) return 0;
  const now = opts.now ?? new Date();
  const weights = opts.weights ?? (await loadWeights(deps.db));
  const rows = (await inputsQuery(ids, now).execute(db)).rows;
  const changed: { id: string; score: number; parts: PriorityPart[] }[] = [];
  for (const r of rows) {
    const s = scoreTicket(inputsOf(r, now), weights);
    if (s.score !== r.priority_score || !sameParts(s.parts, r.priority_parts)) changed.push({ id: r.id, ...s });
  }
  if (!changed.length) return 0;
  await sql`
    update tickets t set priority_score = u.score, priority_parts = u.parts
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as u(id bigint, score int, parts jsonb)
    where t.id = u.id`.execute(db);
  return changed.length;
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
  const row = await deps.db.selectFrom('tickets').select(['priority_score', 'priority_parts']).where('id', '=', t.id).executeTakeFirstOrThrow();
  return { score: row.priority_score, parts: row.priority_parts };
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
