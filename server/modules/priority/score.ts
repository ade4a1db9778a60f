// The priority score: a pure sum of explained parts, clamped to 0..100. No I/O here;
// priority.service.ts loads the inputs and stores the result.
import { PriorityWeights, PriorityWeightsOverrides, type WeightKey } from '../../../api/priority.ts';
import type { CustomerStage, PriorityPart, TicketPriority } from '../../db/types.ts';

export const DEFAULT_WEIGHTS: PriorityWeights = {
  priority_low: 0, priority_normal: 10, priority_high: 25, priority_urgent: 40,
  stage_trial: 20, stage_new: 15, vip: 20, stage_churned: 0,
  business_impact: 15, anger: 10, threat_regulator: 25, threat_public: 20, churn: 15, urgent: 5, broken_promise: 15, repeat_contact: 10,
  promise_broken: 15, sla_at_risk: 10, sla_breached: 20, level_2: 5, level_3: 10,
};

/** A share of SLA time left at or below this is "at risk". */
export const SLA_RISK_FRACTION = 0.25;
/** Other tickets of the requester in the repeat window that make this a repeat contact. */
export const REPEAT_MIN_OTHERS = 2;
export const REPEAT_DAYS = 14;

export type ScoreInputs = {
  priority: TicketPriority;
  stage: CustomerStage;
  orgVip: boolean;
  signals: readonly string[];
  /** the requester's other tickets created in the last REPEAT_DAYS days */
  recentOtherTickets: number;
  /** promises of this ticket in state broken */
  brokenPromises: number;
  /** running SLA metrics: breached, and the least share of time left (0..1) of those not breached */
  sla: { breached: boolean; leftFraction: number | null };
  /** the strongest active care flag of the customer or organization */
  care: { points: number; reason: string } | null;
  level: number;
};

export type Score = { score: number; parts: PriorityPart[] };

/** Effective weights: defaults with the stored overrides (invalid stored values are ignored). */
export function mergeWeights(stored: unknown): PriorityWeights {
  const r = PriorityWeightsOverrides.safeParse(stored ?? {});
  return { ...DEFAULT_WEIGHTS, ...(r.success ? r.data : {}) };
}

type Text = [ru: string, en: string];

const PRIORITY_TEXT: Record<TicketPriority, Text> = {
  low: ['низкий приоритет', 'low priority'],
  normal: ['обычный приоритет', 'normal priority'],
  high: ['высокий приоритет', 'high priority'],
  urgent: ['срочный приоритет', 'urgent priority'],
};

const SIGNAL_TEXT: Record<string, Text> = {
  business_impact: ['влияние на бизнес клиента', 'business impact'],
  anger: ['клиент раздражён', 'angry customer'],
  threat_regulator: ['угроза жалобы регулятору', 'threat to complain to a regulator'],
  threat_public: ['угроза публичной огласки', 'threat to go public'],
  churn: ['риск ухода клиента', 'churn risk'],
  urgent: ['клиент просит срочно', 'customer asks for urgency'],
  broken_promise: ['клиент пишет, что мы не сдержали обещание', 'customer says we broke a promise'],
};

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s);

export function scoreTicket(inp: ScoreInputs, w: PriorityWeights): Score {
  const parts: PriorityPart[] = [];
  const add = (code: string, points: number, [ru, en]: Text) => {
    if (!points) return;
    const sign = points > 0 ? '+' : '−';
    const n = Math.abs(points);
    parts.push({ code, points, label_ru: `${sign}${n} ${ru}`, label_en: `${sign}${n} ${en}` });
  };
  const signals = new Set(inp.signals);

  add('priority', w[`priority_${inp.priority}` as WeightKey], PRIORITY_TEXT[inp.priority]);
  if (inp.stage === 'trial') add('stage_trial', w.stage_trial, ['клиент на пробном периоде', 'trial customer']);
  if (inp.stage === 'new') add('stage_new', w.stage_new, ['новый клиент', 'new customer']);
  if (inp.stage === 'churned') add('stage_churned', w.stage_churned, ['ушедший клиент', 'churned customer']);
  if (inp.stage === 'vip' || inp.orgVip) add('vip', w.vip, ['VIP-клиент', 'VIP customer']);
  for (const [sig, text] of Object.entries(SIGNAL_TEXT)) if (signals.has(sig)) add(sig, w[sig as WeightKey], text);
  if (signals.has('repeat_contact') || inp.recentOtherTickets >= REPEAT_MIN_OTHERS) {
    add('repeat_contact', w.repeat_contact, inp.recentOtherTickets >= REPEAT_MIN_OTHERS
      // no count in the text: a new ticket re-ranks its siblings only when they cross the threshold
      ? [`повторное обращение (${REPEAT_MIN_OTHERS}+ других за ${REPEAT_DAYS} дней)`, `repeat contact (${REPEAT_MIN_OTHERS}+ other tickets in ${REPEAT_DAYS} days)`]
      : ['повторное обращение', 'repeat contact']);
  }
  if (inp.brokenPromises > 0) {
    const n = inp.brokenPromises;
    add('promise_broken', w.promise_broken, n > 1
      ? [`нарушены наши обещания по обращению (${n})`, `${n} broken promises on this ticket`]
      : ['нарушено наше обещание по обращению', 'broken promise on this ticket']);
  }
  if (inp.sla.breached) add('sla_breached', w.sla_breached, ['SLA нарушен', 'SLA breached']);
  else if (inp.sla.leftFraction !== null && inp.sla.leftFraction <= SLA_RISK_FRACTION) {
    add('sla_at_risk', w.sla_at_risk, ['до нарушения SLA осталось ≤ 25 % времени', '≤ 25 % of SLA time left']);
  }
  if (inp.care) add('care', inp.care.points, [`особое внимание: ${short(inp.care.reason)}`, `care flag: ${short(inp.care.reason)}`]);
  if (inp.level === 2) add('level', w.level_2, ['вторая линия поддержки (L2)', 'second support line (L2)']);
  if (inp.level === 3) add('level', w.level_3, ['третья линия поддержки (L3)', 'third support line (L3)']);

  // biggest first; equal points keep the order above (Array#sort is stable)
  parts.sort((a, b) => b.points - a.points);
  const sum = parts.reduce((s, p) => s + p.points, 0);
  return { score: Math.max(0, Math.min(100, sum)), parts };
}
