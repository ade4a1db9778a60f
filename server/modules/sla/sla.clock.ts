// The SLA clocks of one ticket as plain data: load the row, apply what happened (meet, start,
// status change, re-match), then finish() gives the columns to write, alert plan included.
//
// A clock is the business minutes left for a metric. While it runs the row keeps its due time;
// while the ticket waits in a status that stops it (solved/closed always; pending_customer,
// pending_third_party, on_hold per policy flags) the due time is null and left_min keeps the
// minutes. paused_at/paused_status mark any wait (also one the policy does not pause), so the
// wait minutes are counted per kind either way. A solved ticket's resolution clock stays in
// left_min next to resolution_met_at, so a reopen resumes with what was left at solve time.
import type { Selectable } from 'kysely';
import type { SlaAlert, SlaMetric, SlaPoliciesTable, TicketSlaTable, TicketStatus } from '../../db/types.ts';
import { addBusinessMinutes, businessMinutesBetween, type Calendar } from '../calendars/business-time.ts';

export type Policy = Selectable<SlaPoliciesTable>;
export type SlaRow = Selectable<TicketSlaTable>;

export const METRICS: readonly SlaMetric[] = ['first_response', 'next_response', 'resolution'];
const DUE = { first_response: 'first_response_due_at', next_response: 'next_response_due_at', resolution: 'resolution_due_at' } as const;
const WAITS: readonly TicketStatus[] = ['pending_customer', 'pending_third_party', 'on_hold', 'solved', 'closed'];
const DONE = (s: TicketStatus | null) => s === 'solved' || s === 'closed';

export function targetOf(p: Policy | null, m: SlaMetric): number | null {
  if (!p) return null;
  return m === 'first_response' ? p.first_response_min : m === 'next_response' ? p.next_response_min : p.resolution_min;
}

/** Does waiting in this status stop the clocks? */
export function stops(p: Policy | null, s: TicketStatus | null): boolean {
  if (DONE(s)) return true;
  if (s === 'pending_customer') return !!p?.pause_pending_customer;
  if (s === 'pending_third_party') return !!p?.pause_pending_third_party;
  if (s === 'on_hold') return !!p?.pause_on_hold;
  return false;
}

/** Business minutes from now until due; negative when overdue. */
export function leftUntil(cal: Calendar, now: Date, due: Date): number {
  return due >= now ? businessMinutesBetween(cal, now, due) : -businessMinutesBetween(cal, due, now);
}

type Clock = { left: number | null; due: Date | null }; // due set: running unchanged; left null: from due
export type St = { now: Date; cal: Calendar; policy: Policy | null; row: SlaRow; clocks: Partial<Record<SlaMetric, Clock>>; oldPlan: SlaAlert[] };

export function emptyRow(ticketId: string, policy: Policy | null, cal: Calendar, now: Date): SlaRow {
  return {
    ticket_id: ticketId, policy_id: policy?.id ?? null, calendar_id: cal.id,
    first_response_due_at: null, first_response_met_at: null, first_response_breached_at: null,
    next_response_started_at: null, next_response_due_at: null, next_response_breached_at: null, next_response_breaches: 0, next_response_met: 0,
    resolution_due_at: null, resolution_met_at: null, resolution_breached_at: null,
    paused_at: null, paused_status: null, left_min: {}, customer_wait_min: 0, third_party_wait_min: 0,
    alert_plan: [], next_alert_at: null, updated_at: now,
  };
}

export function load(row: SlaRow, policy: Policy | null, cal: Calendar, now: Date): St {
  const st: St = { now, cal, policy, row: { ...row, left_min: { ...row.left_min } }, clocks: {}, oldPlan: row.alert_plan ?? [] };
  for (const m of METRICS) {
    const kept = row.left_min?.[m];
    const due = row[DUE[m]];
    if (typeof kept === 'number') st.clocks[m] = { left: kept, due: null };
    else if (due && (m === 'next_response' || !metAt(row, m))) st.clocks[m] = { left: null, due };
  }
  return st;
}

function metAt(row: SlaRow, m: SlaMetric): Date | null {
  return m === 'first_response' ? row.first_response_met_at : m === 'resolution' ? row.resolution_met_at : null;
}

export function left(st: St, m: SlaMetric): number {
  const c = st.clocks[m]!;
  if (c.left === null) c.left = leftUntil(st.cal, st.now, c.due!);
  return c.left;
}

export function breached(row: SlaRow, m: SlaMetric): boolean {
  if (m === 'first_response') return row.first_response_breached_at !== null;
  if (m === 'resolution') return row.resolution_breached_at !== null;
  return row.next_response_breached_at !== null; // of the current (or last) cycle: a new cycle clears it
}

/** A clock that starts now with `minutes` left. */
export function start(st: St, m: SlaMetric, minutes: number): void {
  st.clocks[m] = { left: minutes, due: null };
  if (m === 'next_response') {
    st.row.next_response_started_at = st.now;
    st.row.next_response_breached_at = null; // next_response_breaches keeps the count
  }
}

/** An agent's public reply: meets the first response (if open) and the running next response. */
export function meetReply(st: St): void {
  if (st.clocks.first_response) {
    st.row.first_response_met_at = st.now;
    delete st.clocks.first_response;
  }
  if (st.clocks.next_response) {
    if (!breached(st.row, 'next_response')) st.row.next_response_met += 1;
    delete st.clocks.next_response;
    st.row.next_response_started_at = null;
  }
}

/** A customer message after the first response starts the next-response clock (if not running). */
export function customerWrote(st: St, firstResponseDone: boolean): void {
  const t = targetOf(st.policy, 'next_response');
  if (firstResponseDone && t !== null && !st.clocks.next_response) start(st, 'next_response', t);
}

/** Status change: leaving a wait counts its minutes; solving meets the resolution; reopening resumes it. */
export function setStatus(st: St, to: TicketStatus): void {
  const r = st.row;
  if (r.paused_status && r.paused_status !== to) {
    const waited = Math.round(businessMinutesBetween(st.cal, r.paused_at ?? st.now, st.now));
    if (r.paused_status === 'pending_customer') r.customer_wait_min += waited;
    if (r.paused_status === 'pending_third_party') r.third_party_wait_min += waited;
    if (DONE(r.paused_status) && !DONE(to)) r.resolution_met_at = null; // reopened
    r.paused_at = null;
    r.paused_status = null;
  }
  if (WAITS.includes(to) && r.paused_status !== to) {
    r.paused_at = st.now;
    r.paused_status = to;
  }
  if (DONE(to) && st.clocks.resolution && !r.resolution_met_at) r.resolution_met_at = st.now;
}

/**
 * Another policy (or calendar) for the ticket. Clocks already running keep what they used:
 * new left = new target - (old target - left), i.e. the business minutes used so far (pauses
 * excluded) carry over. A metric the old policy had no target for starts from the ticket's
 * creation (business minutes since then, pauses not subtracted); a first response already given
 * counts as met. A solved ticket gets no new resolution clock. Breaches stay breaches.
 */
export function rematch(st: St, policy: Policy | null, cal: Calendar, t: { created_at: Date; first_response_at: Date | null; status: TicketStatus }): void {
  if (cal.id !== st.cal.id) {
    for (const m of METRICS) if (st.clocks[m]) { left(st, m); st.clocks[m]!.due = null; }
    st.cal = cal;
    st.row.calendar_id = cal.id;
  }
  const old = st.policy;
  st.policy = policy;
  st.row.policy_id = policy?.id ?? null;
  if ((old?.id ?? null) === (policy?.id ?? null)) return;
  for (const m of METRICS) {
    const was = targetOf(old, m);
    const now = targetOf(policy, m);
    const c = st.clocks[m];
    if (c) {
      if (now === null) {
        delete st.clocks[m];
        if (m === 'next_response') st.row.next_response_started_at = null;
      } else if (was !== now) {
        st.clocks[m] = { left: left(st, m) - (was ?? now) + now, due: null };
      }
    } else if (now !== null && was === null) {
      if (m === 'first_response' && !st.row.first_response_met_at) {
        if (t.first_response_at) {
          st.row.first_response_met_at = t.first_response_at;
          st.row.first_response_due_at = addBusinessMinutes(st.cal, t.created_at, now);
        } else start(st, m, now - businessMinutesBetween(st.cal, t.created_at, st.now));
      }
      if (m === 'resolution' && !DONE(t.status) && !st.row.resolution_met_at) {
        start(st, m, now - businessMinutesBetween(st.cal, t.created_at, st.now));
      }
    }
  }
}

/** The columns to write: due times or kept minutes, and the sorted future alerts. */
export function finish(st: St): Partial<SlaRow> {
  const r = st.row;
  const frozen = stops(st.policy, r.paused_status);
  const leftMin: Partial<Record<SlaMetric, number>> = {};
  const due: Partial<Record<SlaMetric, Date | null>> = {};
  for (const m of METRICS) {
    const c = st.clocks[m];
    if (!c) due[m] = m === 'next_response' || !metAt(r, m) ? null : r[DUE[m]];
    else if (frozen) { leftMin[m] = left(st, m); due[m] = null; }
    else due[m] = c.due ?? addBusinessMinutes(st.cal, st.now, c.left!);
  }
  const plan: SlaAlert[] = [];
  if (!frozen) {
    for (const m of METRICS) {
      const target = targetOf(st.policy, m);
      if (!st.clocks[m] || target === null || breached(r, m)) continue;
      const l = left(st, m);
      for (const p of [...(st.policy?.warn_percents ?? [])].sort((a, b) => a - b)) {
        if (p <= 0 || p >= 100) continue;
        const ahead = l - target * (1 - p / 100);
        if (ahead > 0) plan.push({ at: addBusinessMinutes(st.cal, st.now, ahead).toISOString(), metric: m, level: p });
        else {
          // passed but not fired yet (the sweeper had not come): keep it
          const pending = st.oldPlan.find((a) => a.metric === m && a.level === p);
          if (pending) plan.push(pending);
        }
      }
      plan.push({ at: due[m]!.toISOString(), metric: m, level: 100 });
    }
  }
  plan.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.level - b.level));
  return {
    policy_id: r.policy_id, calendar_id: r.calendar_id,
    first_response_due_at: due.first_response ?? null, first_response_met_at: r.first_response_met_at,
    next_response_started_at: st.clocks.next_response ? r.next_response_started_at : null,
    next_response_due_at: due.next_response ?? null, next_response_breached_at: r.next_response_breached_at, next_response_met: r.next_response_met,
    resolution_due_at: due.resolution ?? null, resolution_met_at: r.resolution_met_at,
    paused_at: r.paused_at, paused_status: r.paused_status, left_min: leftMin,
    customer_wait_min: r.customer_wait_min, third_party_wait_min: r.third_party_wait_min,
    alert_plan: plan, next_alert_at: plan.length ? new Date(plan[0]!.at) : null, updated_at: st.now,
  };
}
