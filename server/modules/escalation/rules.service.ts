// Automatic escalation rules: CRUD for admins (leads read), and their evaluation on ticket events
// and after the SLA and promise sweepers fire. Each rule fires at most once per ticket.
import type { z } from 'zod';
import type { CreateRuleBody, EscalationRule, UpdateRuleBody } from '../../../api/escalation.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { EscalationTrigger } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { isoReq } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { notify, recipients } from '../notifications/notify.ts';
import { autoSummary, triedSteps } from './handoff.service.ts';
import { keepingRow, moveTicket, targetGroup } from './move.ts';
import { matchingPairs, type Pair, type RuleRow } from './rule-match.ts';

export type { RuleRow } from './rule-match.ts';

const CACHE_MS = 5_000;
const cache = new WeakMap<object, { at: number; rules: RuleRow[] }>();

/** The active rules, cached briefly per database (rule writes in this process clear it). Read through
 *  the caller's connection: a hook holding one must not wait for a second (pool exhaustion). */
async function activeRules(deps: Deps, db: Db): Promise<RuleRow[]> {
  const hit = cache.get(deps.config);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.rules;
  const rules = (await db.selectFrom('escalation_rules').selectAll().where('active', '=', true).orderBy('id').limit(200).execute()) as RuleRow[];
  cache.set(deps.config, { at: Date.now(), rules });
  return rules;
}

export function presentRule(r: RuleRow): z.infer<typeof EscalationRule> {
  return {
    id: r.id, name: r.name, active: r.active, trigger: r.trigger, params: r.params, action: r.action, toLevel: r.to_level,
    toGroupId: r.to_group_id, createdAt: isoReq(r.created_at),
  };
}

const invalid = (path: string, message: string) => new AppError('validation_failed', `${path.slice(1)}: ${message}`, { errors: [{ path, message }] });

async function checkRule(db: Db, r: { trigger: EscalationTrigger; params: Record<string, unknown>; action: string; to_level: number | null; to_group_id: string | null }) {
  if (r.trigger === 'signal' && !(Array.isArray(r.params.signals) && r.params.signals.length)) throw invalid('/params/signals', 'a signal rule needs at least one signal');
  if (r.action === 'move_to_level') {
    if (!r.to_level) throw invalid('/toLevel', 'move_to_level needs toLevel (2 or 3)');
    if (r.to_group_id) await targetGroup(db, r.to_level, r.to_group_id);
  } else if (r.to_level || r.to_group_id) throw invalid('/toLevel', 'only move_to_level takes toLevel and toGroupId');
}

export async function listRules(deps: Deps, actor: Actor): Promise<RuleRow[]> {
  authorize(actor, 'escalation.rules.read');
  return (await deps.db.selectFrom('escalation_rules').selectAll().orderBy('id').limit(500).execute()) as RuleRow[];
}

export async function createRule(deps: Deps, actor: Actor, input: z.infer<typeof CreateRuleBody>): Promise<RuleRow> {
  authorize(actor, 'escalation.rules.write');
  const row = {
    name: input.name, active: input.active, trigger: input.trigger, params: input.params as Record<string, unknown>, action: input.action,
    to_level: input.toLevel ?? null, to_group_id: input.toGroupId ?? null,
  };
  await checkRule(deps.db, row);
  const r = await deps.db.insertInto('escalation_rules').values({ ...row, params: JSON.stringify(row.params), created_at: new Date() })
    .returningAll().executeTakeFirstOrThrow();
  cache.delete(deps.config);
  return r as RuleRow;
}

export async function updateRule(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateRuleBody>): Promise<RuleRow> {
  authorize(actor, 'escalation.rules.write');
  const r = await inTx(deps.db, async (trx) => {
    const old = (await trx.selectFrom('escalation_rules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) as RuleRow | undefined;
    if (!old) throw notFound('escalation rule');
    const row = {
      name: input.name ?? old.name, active: input.active ?? old.active, trigger: input.trigger ?? old.trigger,
      params: (input.params as Record<string, unknown> | undefined) ?? old.params, action: input.action ?? old.action,
      to_level: input.toLevel !== undefined ? input.toLevel : old.to_level, to_group_id: input.toGroupId !== undefined ? input.toGroupId : old.to_group_id,
    };
    if (row.action === 'notify_lead' && input.action === 'notify_lead') Object.assign(row, { to_level: null, to_group_id: null });
    await checkRule(trx, row);
    return trx.updateTable('escalation_rules').set({ ...row, params: JSON.stringify(row.params) }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  });
  cache.delete(deps.config);
  return r as RuleRow;
}

export async function deleteRule(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'escalation.rules.write');
  const r = await deps.db.deleteFrom('escalation_rules').where('id', '=', id).executeTakeFirst();
  cache.delete(deps.config);
  if (!Number(r.numDeletedRows)) throw notFound('escalation rule');
}

const TRIGGER_TEXT: Record<EscalationTrigger, [string, string]> = {
  signal: ['сигнал в сообщении клиента', "a signal in the customer's message"],
  vip_breach_risk: ['VIP-клиент, SLA под угрозой', 'VIP customer, SLA at risk'],
  repeat_contact: ['повторное обращение', 'repeat contact'],
  broken_promise: ['нарушенное обещание', 'broken promise'],
};

/**
 * Fires the active rules that match these tickets and have not fired for them yet. Cheap when
 * nothing matches: the rules come from a short cache, the facts from one indexed statement.
 * Returns how many rules fired.
 */
export async function evaluateRules(deps: Deps, db: Db, ticketIds: string[], now: Date = new Date()): Promise<number> {
  if (!ticketIds.length) return 0;
  const rules = await activeRules(deps, db);
  if (!rules.length) return 0;
  const ids = [...new Set(ticketIds)];
  const pairs: Pair[] = [];
  for (let i = 0; i < ids.length; i += 1000) pairs.push(...(await matchingPairs(db, rules, ids.slice(i, i + 1000), now)));
  if (!pairs.length) return 0;
  return inTx(db, async (trx) => {
    const hits = await trx.insertInto('escalation_rule_hits')
      .values(pairs.map((p) => ({ rule_id: p.rule.id, ticket_id: p.ticketId, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .returning(['rule_id', 'ticket_id'])
      .execute();
    const fired = new Set(hits.map((h) => `${h.rule_id}:${h.ticket_id}`));
    let n = 0;
    for (const p of pairs) {
      if (!fired.has(`${p.rule.id}:${p.ticketId}`)) continue;
      n++;
      if (p.rule.action === 'notify_lead') await notifyLeads(deps, trx, p.rule, p.ticketId, p.reason);
      else await moveByRule(deps, trx, p.rule, p.ticketId, p.reason);
    }
    return n;
  });
}

async function notifyLeads(deps: Deps, db: Db, rule: RuleRow, ticketId: string, reason: string): Promise<void> {
  const t = await db.selectFrom('tickets').select(['number', 'subject', 'level']).where('id', '=', ticketId).executeTakeFirstOrThrow();
  const [ru, en] = TRIGGER_TEXT[rule.trigger];
  const users = await recipients(db, ticketId, ['leads']);
  await notify(deps, db, users.map((userId) => ({
    userId, kind: 'auto_escalation' as const, ticketId, dedupeKey: `auto_escalation:${rule.id}:${ticketId}:${userId}`,
    data: { ruleId: rule.id, ruleName: rule.name, trigger: rule.trigger, reason, triggerRu: ru, triggerEn: en, number: t.number, subject: t.subject, level: t.level },
  })));
}

async function moveByRule(deps: Deps, db: Db, rule: RuleRow, ticketId: string, reason: string): Promise<void> {
  const t = await keepingRow(db, ticketId, true);
  const level = rule.to_level ?? 2;
  if (t.level >= level || t.status === 'closed' || t.merged_into_id) return; // already there (or moved by hand meanwhile)
  let groupId = t.group_id;
  try {
    groupId = (await targetGroup(db, level, rule.to_group_id)).id;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    deps.log.warn({ ruleId: rule.id, level }, 'escalation rule: no group of the level; the ticket keeps its group');
  }
  const [ru, en] = TRIGGER_TEXT[rule.trigger];
  const head = `Автоматическая эскалация по правилу «${rule.name}» (${ru}: ${reason}) / Automatic escalation by rule "${rule.name}" (${en}: ${reason})`;
  await moveTicket(deps, db, null, t, {
    kind: 'escalate', toLevel: level, toGroupId: groupId, assigneeId: null, ruleId: rule.id,
    summary: `${head}\n\n${await autoSummary(db, t)}`, tried: await triedSteps(db, t.id), needed: '',
  });
}
