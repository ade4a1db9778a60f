// Demo data for keeping the word: support levels, SLA policies, escalation rules, a care
// flag after an incident, open / kept / broken promises, then every unsolved ticket's SLA
// clocks and priority score, computed by the same code the product runs.
import { sql } from 'kysely';
import { SYSTEM } from '../actor.ts';
import type { Db } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { refreshMany } from '../modules/priority/priority.service.ts';
import { createPromises } from '../modules/promises/promises.service.ts';
import { onTicketEvent } from '../modules/sla/sla.service.ts';

const HOUR = 3_600_000;

export type DemoKeeping = { policies: number; rules: number; careFlags: number; promises: number; ticketsWithSla: number };

export async function loadDemoKeeping(deps: Deps, trx: Db, o: { now: Date; groupIds: string[]; orgIds: string[] }): Promise<DemoKeeping> {
  const { now } = o;
  // L1 first line, L2 second line, billing works at L1
  await trx.updateTable('groups').set({ level: 2 }).where('id', '=', o.groupIds[1]).execute();

  const policies = [
    { name: 'VIP и пробный период / VIP and trial', position: 10, conditions: { stages: ['vip', 'trial'] }, first_response_min: 60, next_response_min: 120, resolution_min: 8 * 60 },
    { name: 'Срочные / Urgent', position: 20, conditions: { priorities: ['urgent'] }, first_response_min: 30, next_response_min: 60, resolution_min: 4 * 60 },
    { name: 'Стандарт / Standard', position: 100, conditions: {}, first_response_min: 4 * 60, next_response_min: 8 * 60, resolution_min: 3 * 9 * 60 },
  ];
  await trx.insertInto('sla_policies').values(policies.map((p) => ({ ...p, conditions: JSON.stringify(p.conditions) }))).execute();

  const rules = [
    { name: 'Угроза регулятором или оглаской → старшему / Threats → lead', trigger: 'signal' as const, params: { signals: ['threat_regulator', 'threat_public'] }, action: 'notify_lead' as const, to_level: null, to_group_id: null },
    { name: 'Нарушено обещание → L2 / Broken promise → L2', trigger: 'broken_promise' as const, params: {}, action: 'move_to_level' as const, to_level: 2, to_group_id: o.groupIds[1] },
    { name: 'Третье обращение → старшему / Third contact → lead', trigger: 'repeat_contact' as const, params: { count: 3, days: 14 }, action: 'notify_lead' as const, to_level: null, to_group_id: null },
  ];
  await trx.insertInto('escalation_rules').values(rules.map((r) => ({ ...r, params: JSON.stringify(r.params) }))).execute();

  // an incident on our side: the first organization's mail was lost for hours
  const incident = await trx.selectFrom('tickets').select('id').where('organization_id', '=', o.orgIds[0]).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  await trx.insertInto('care_flags').values({
    organization_id: o.orgIds[0], ticket_id: incident?.id ?? null, points: 15, created_at: new Date(now.getTime() - 2 * 24 * HOUR),
    reason: 'Сбой доставки почты: письма клиента терялись 6 часов. Отвечать первыми и объяснять причину. / Mail delivery outage on our side: reply first and name the cause.',
    until: new Date(now.getTime() + 26 * 24 * HOUR),
  }).execute();

  // SLA clocks of unsolved tickets, from their creation (breaches in the past are real breaches)
  const open = await trx.selectFrom('tickets').select(['id', 'created_at', 'status', 'assignee_id']).where(sql<boolean>`status < 'solved'`).orderBy('id').execute();
  for (const t of open) await onTicketEvent(deps, trx, { kind: 'created', ticketId: t.id, at: t.created_at, status: t.status, byCustomer: true, signals: [] });

  // promises: callbacks and updates due soon, one already broken
  const assigned = open.filter((t) => t.assignee_id).slice(0, 12);
  let promises = 0;
  for (const [i, t] of assigned.entries()) {
    const owner = { ...SYSTEM, id: t.assignee_id!, role: 'agent' as const, via: 'session' as const };
    const due = new Date(now.getTime() + (i % 4 === 0 ? 0.75 : 2 + i * 3) * HOUR);
    const ru = i % 2 === 0;
    const text = i % 3 === 0
      ? (ru ? 'Перезвоним и расскажем, что нашли' : 'We will call you back with what we found')
      : (ru ? 'Сообщим о результатах проверки' : 'We will update you on the investigation');
    promises += (await createPromises(deps, trx, owner, t.id, [{ text, dueAt: due, kind: i % 3 === 0 ? 'callback' : 'update' }], { source: 'manual' })).length;
  }
  const late = open.find((t) => t.assignee_id && !assigned.includes(t));
  if (late) {
    const due = new Date(now.getTime() - 5 * HOUR);
    await trx.insertInto('promises').values({
      ticket_id: late.id, owner_id: late.assignee_id, created_by: late.assignee_id, kind: 'callback', text: 'Перезвоним сегодня до 12:00',
      due_at: due, state: 'broken', resolved_at: due, source: 'manual', alert_plan: JSON.stringify([]), created_at: new Date(due.getTime() - 20 * HOUR),
    }).execute();
    promises++;
  }
  await refreshMany(deps, trx, open.map((t) => t.id), { now });
  return { policies: policies.length, rules: rules.length, careFlags: 1, promises, ticketsWithSla: open.length };
}
