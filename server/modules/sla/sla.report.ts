// A ticket's SLA state as the API shows it, and the SLA report over a period.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { SlaMetricState, SlaReport, SlaReportQuery, TicketSla } from '../../../api/sla.ts';
import type { Actor } from '../../actor.ts';
import type { SlaAlert, SlaMetric } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { businessMinutesBetween } from '../calendars/business-time.ts';
import { calendarById } from '../calendars/resolve.ts';
import { authorize } from '../../policy.ts';
import { findTicket } from '../tickets/tickets.service.ts';
import { leftUntil, stops, targetOf, type Policy, type SlaRow } from './sla.clock.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function ticketSla(deps: Deps, actor: Actor, ref: string): Promise<z.infer<typeof TicketSla>> {
  authorize(actor, 'sla.read');
  const t = await findTicket(deps.db, deps, actor, ref);
  const row = await deps.db.selectFrom('ticket_sla').selectAll().where('ticket_id', '=', t.id).executeTakeFirst();
  const policy: Policy | null = row?.policy_id
    ? (await deps.db.selectFrom('sla_policies').selectAll().where('id', '=', row.policy_id).executeTakeFirst()) ?? null
    : null;
  const cal = await calendarById(deps.db, row?.calendar_id ?? null);
  const calName = cal.id ? (await deps.db.selectFrom('calendars').select('name').where('id', '=', cal.id).executeTakeFirst())?.name ?? null : null;
  const now = new Date();
  const frozen = !!row && stops(policy, row.paused_status);
  const metric = (m: SlaMetric, due: Date | null, met: Date | null, breachedAt: Date | null): z.infer<typeof SlaMetricState> => {
    const kept = row?.left_min?.[m];
    const running = !!row && due !== null && (m === 'next_response' || met === null);
    const left = typeof kept === 'number' ? kept : running ? leftUntil(cal, now, due!) : null;
    return {
      targetMin: targetOf(policy, m), dueAt: iso(due), metAt: iso(met), breachedAt: iso(breachedAt),
      businessMinutesLeft: left === null ? null : Math.round(left), running, paused: typeof kept === 'number' && frozen,
    };
  };
  const r = row ?? ({ left_min: {}, alert_plan: [] } as unknown as SlaRow);
  const waitNow = (s: string) => (row?.paused_status === s && row.paused_at ? Math.round(businessMinutesBetween(cal, row.paused_at, now)) : 0);
  return {
    ticketId: t.id,
    policy: policy ? { id: policy.id, name: policy.name, deleted: policy.deleted_at !== null } : null,
    calendar: { id: cal.id, name: calName, timeZone: cal.timeZone },
    paused: frozen,
    waiting: row?.paused_status && row.paused_at ? { status: row.paused_status, since: row.paused_at.toISOString() } : null,
    firstResponse: metric('first_response', r.first_response_due_at ?? null, r.first_response_met_at ?? null, r.first_response_breached_at ?? null),
    nextResponse: {
      ...metric('next_response', r.next_response_due_at ?? null, null, r.next_response_breached_at ?? null),
      startedAt: iso(r.next_response_started_at ?? null), met: r.next_response_met ?? 0, breaches: r.next_response_breaches ?? 0,
    },
    resolution: metric('resolution', r.resolution_due_at ?? null, r.resolution_met_at ?? null, r.resolution_breached_at ?? null),
    waits: {
      customerMin: (row?.customer_wait_min ?? 0) + waitNow('pending_customer'),
      thirdPartyMin: (row?.third_party_wait_min ?? 0) + waitNow('pending_third_party'),
    },
    alerts: (r.alert_plan as SlaAlert[]).map((a) => ({ at: new Date(a.at).toISOString(), metric: a.metric, level: a.level })),
  };
}

type Counts = { met: string; breached: string; running: string };
const n = (v: string | number | null) => Number(v ?? 0);
const metricReport = (c: Counts) => {
  const met = n(c.met);
  const br = n(c.breached);
  return { met, breached: br, running: n(c.running), breachRate: met + br ? br / (met + br) : null };
};

/** Tickets created in [from, to) (of one group, if given): per metric met on time / breached / still running. */
export async function slaReport(deps: Deps, actor: Actor, q: z.infer<typeof SlaReportQuery>): Promise<z.infer<typeof SlaReport>> {
  authorize(actor, 'report.read');
  const has = (m: string) => sql.raw(`(s.left_min -> '${m}') is not null`);
  const r = await sql<Record<string, string | null>>`
    select count(*) as tickets,
      count(*) filter (where s.first_response_met_at is not null and s.first_response_breached_at is null) as fr_met,
      count(*) filter (where s.first_response_breached_at is not null) as fr_breached,
      count(*) filter (where s.first_response_met_at is null and s.first_response_breached_at is null
        and (s.first_response_due_at is not null or ${has('first_response')})) as fr_running,
      coalesce(sum(s.next_response_met), 0) as nr_met,
      coalesce(sum(s.next_response_breaches), 0) as nr_breached,
      count(*) filter (where (s.next_response_due_at is not null or ${has('next_response')})
        and s.next_response_breached_at is null) as nr_running,
      count(*) filter (where s.resolution_met_at is not null and s.resolution_breached_at is null) as res_met,
      count(*) filter (where s.resolution_breached_at is not null) as res_breached,
      count(*) filter (where s.resolution_met_at is null and s.resolution_breached_at is null
        and (s.resolution_due_at is not null or ${has('resolution')})) as res_running,
      coalesce(sum(s.customer_wait_min), 0) as cw_total, coalesce(avg(s.customer_wait_min), 0) as cw_avg,
      coalesce(sum(s.third_party_wait_min), 0) as tw_total, coalesce(avg(s.third_party_wait_min), 0) as tw_avg
    from tickets t join ticket_sla s on s.ticket_id = t.id
    where t.created_at >= ${new Date(q.from)} and t.created_at < ${new Date(q.to)}
      ${q.groupId ? sql`and t.group_id = ${q.groupId}` : sql``}`.execute(deps.db);
  const x = r.rows[0]!;
  const c = (p: string): Counts => ({ met: x[`${p}_met`]!, breached: x[`${p}_breached`]!, running: x[`${p}_running`]! });
  return {
    from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), groupId: q.groupId ?? null, tickets: n(x.tickets),
    firstResponse: metricReport(c('fr')), nextResponse: metricReport(c('nr')), resolution: metricReport(c('res')),
    waits: {
      customerMinTotal: n(x.cw_total), customerMinAvg: Math.round(n(x.cw_avg) * 10) / 10,
      thirdPartyMinTotal: n(x.tw_total), thirdPartyMinAvg: Math.round(n(x.tw_avg) * 10) / 10,
    },
  };
}
