// Which active rules match which tickets (not yet fired for them). Reads only; a few indexed statements,
// each run only when some rule needs it.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { EscalationTrigger } from '../../db/types.ts';
import { businessMinutesBetween } from '../calendars/business-time.ts';
import { calendarById, calendarForTicket } from '../calendars/resolve.ts';

export type RuleRow = {
  id: string; name: string; active: boolean; trigger: EscalationTrigger; params: Record<string, unknown>;
  action: 'notify_lead' | 'move_to_level'; to_level: number | null; to_group_id: string | null; created_at: Date;
};

export type Pair = { rule: RuleRow; ticketId: string; reason: string };

type Facts = {
  id: string; level: number; signals: string[]; requester_id: string; vip: boolean; hits: string[];
};

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export async function matchingPairs(db: Db, rules: RuleRow[], ticketIds: string[], now: Date): Promise<Pair[]> {
  const ruleIds = rules.map((r) => r.id);
  const facts = (await sql<Facts>`
    select t.id, t.level, t.signals, t.requester_id, (c.stage = 'vip' or coalesce(o.vip, false)) as vip,
           array(select h.rule_id::text from escalation_rule_hits h where h.rule_id = any(${ruleIds}::bigint[]) and h.ticket_id = t.id) as hits
    from tickets t
    join customers c on c.id = t.requester_id
    left join organizations o on o.id = t.organization_id
    where t.id = any(${ticketIds}::bigint[]) and t.status < 'solved' and t.merged_into_id is null`.execute(db)).rows;
  // a move rule also counts as fired for a ticket already at its level (a later de-escalation stands)
  const open = facts.map((f) => ({ f, rules: rules.filter((r) => !f.hits.includes(r.id)) })).filter((x) => x.rules.length);
  if (!open.length) return [];
  const needs = (t: EscalationTrigger) => open.filter((x) => x.rules.some((r) => r.trigger === t)).map((x) => x.f);
  const broken = await brokenPromises(db, needs('broken_promise').map((f) => f.id));
  const risky = await slaAtRisk(db, needs('vip_breach_risk').filter((f) => f.vip).map((f) => f.id), rules, now);
  const repeats = await repeatCounts(db, needs('repeat_contact').filter((f) => !f.signals.includes('repeat_contact')), rules, now);
  const pairs: Pair[] = [];
  for (const { f, rules: rs } of open) {
    for (const r of rs) {
      let reason: string | null = null;
      if (r.trigger === 'signal') {
        const want = Array.isArray(r.params.signals) ? (r.params.signals as string[]) : [];
        const got = want.filter((s) => f.signals.includes(s));
        if (got.length) reason = got.join(', ');
      } else if (r.trigger === 'broken_promise') {
        if (broken.has(f.id)) reason = 'broken_promise';
      } else if (r.trigger === 'vip_breach_risk') {
        const left = risky.get(f.id);
        if (f.vip && left !== undefined && left <= num(r.params.percent, 25)) reason = left <= 0 ? 'SLA breached' : `SLA ${Math.max(0, Math.round(left))}% left`;
      } else if (r.trigger === 'repeat_contact') {
        if (f.signals.includes('repeat_contact')) reason = 'repeat_contact';
        else {
          const n = repeats.get(`${f.id}:${num(r.params.days, 14)}`) ?? 0;
          if (n >= num(r.params.count, 3)) reason = `${n} tickets in ${num(r.params.days, 14)} days`;
        }
      }
      if (reason) pairs.push({ rule: r, ticketId: f.id, reason });
    }
  }
  return pairs;
}

async function brokenPromises(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('promises').select('ticket_id').distinct().where('ticket_id', 'in', ids).where('state', '=', 'broken').execute();
  return new Set(rows.map((r) => String(r.ticket_id)));
}

/** The requester's tickets created within each rule's window (counted up to the rule's count), by `${ticketId}:${days}`. */
async function repeatCounts(db: Db, facts: Facts[], rules: RuleRow[], now: Date): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const windows = new Map<number, number>(); // days -> the largest count a rule asks for
  for (const r of rules) {
    if (r.trigger !== 'repeat_contact') continue;
    const d = num(r.params.days, 14);
    windows.set(d, Math.max(windows.get(d) ?? 0, num(r.params.count, 3)));
  }
  for (const [days, count] of windows) {
    if (!facts.length) break;
    const since = new Date(now.getTime() - days * 86_400_000);
    const rows = (await sql<{ id: string; n: number }>`
      select f.id, (select count(*)::int from (select 1 from tickets x
        where x.requester_id = f.requester_id and x.created_at >= ${since} and x.merged_into_id is null limit ${count}) s) as n
      from unnest(${facts.map((f) => f.id)}::bigint[], ${facts.map((f) => f.requester_id)}::bigint[]) as f(id, requester_id)`.execute(db)).rows;
    for (const r of rows) out.set(`${r.id}:${days}`, r.n);
  }
  return out;
}

type SlaRow = {
  ticket_id: string; calendar_id: string | null; created_at: Date;
  first_response_due_at: Date | null; first_response_met_at: Date | null; first_response_breached_at: Date | null;
  next_response_started_at: Date | null; next_response_due_at: Date | null; next_response_breached_at: Date | null;
  resolution_due_at: Date | null; resolution_met_at: Date | null; resolution_breached_at: Date | null;
  first_response_min: number | null; next_response_min: number | null; resolution_min: number | null;
};

/** The smallest share (percent) of time left over the running SLA metrics of each ticket; <= 0 when breached. */
async function slaAtRisk(db: Db, ids: string[], rules: RuleRow[], now: Date): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!ids.length || !rules.some((r) => r.trigger === 'vip_breach_risk')) return out;
  const rows = (await sql<SlaRow>`
    select s.ticket_id, s.calendar_id, t.created_at,
      s.first_response_due_at, s.first_response_met_at, s.first_response_breached_at,
      s.next_response_started_at, s.next_response_due_at, s.next_response_breached_at,
      s.resolution_due_at, s.resolution_met_at, s.resolution_breached_at,
      p.first_response_min, p.next_response_min, p.resolution_min
    from ticket_sla s join tickets t on t.id = s.ticket_id left join sla_policies p on p.id = s.policy_id
    where s.ticket_id = any(${ids}::bigint[])`.execute(db)).rows;
  for (const s of rows) {
    const metrics: { due: Date | null; done: boolean; breached: boolean; start: Date | null; target: number | null }[] = [
      { due: s.first_response_due_at, done: !!s.first_response_met_at, breached: !!s.first_response_breached_at, start: s.created_at, target: s.first_response_min },
      { due: s.next_response_due_at, done: false, breached: !!s.next_response_breached_at && !!s.next_response_due_at, start: s.next_response_started_at, target: s.next_response_min },
      { due: s.resolution_due_at, done: !!s.resolution_met_at, breached: !!s.resolution_breached_at, start: s.created_at, target: s.resolution_min },
    ];
    let least = Infinity;
    for (const m of metrics) {
      if (m.done) continue;
      if (m.breached) { least = Math.min(least, 0); continue; }
      if (!m.due) continue; // no target, or paused
      least = Math.min(least, await percentLeft(db, s.ticket_id, s.calendar_id, now, m.due, m.start, m.target));
    }
    if (least !== Infinity) out.set(s.ticket_id, least);
  }
  return out;
}

/** Business time left until due as a percent of the target (wall-clock shares when the calendar math is unavailable). */
async function percentLeft(db: Db, ticketId: string, calendarId: string | null, now: Date, due: Date, start: Date | null, target: number | null): Promise<number> {
  if (due <= now) return 0;
  if (target) {
    try {
      const cal = calendarId ? await calendarById(db, calendarId) : await calendarForTicket(db, ticketId);
      return (100 * businessMinutesBetween(cal, now, due)) / target;
    } catch (err) {
      if (!(err instanceof Error && err.message === 'not implemented')) throw err;
    }
  }
  const total = start ? due.getTime() - start.getTime() : 0;
  return total > 0 ? (100 * (due.getTime() - now.getTime())) / total : 100;
}
