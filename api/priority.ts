// Priority score shapes: a ticket's score with its explanation, and the configurable weights.
import { z } from 'zod';

export const PriorityPart = z.object({
  code: z.string(),
  points: z.number().int(),
  label_ru: z.string(),
  label_en: z.string(),
});

/** GET /tickets/:ref/priority: the stored score (0..100) and the parts it is the clamped sum of. */
export const PriorityExplanation = z.object({ score: z.number().int(), parts: z.array(PriorityPart) });

/** Points of each part (negative points lower a ticket). Defaults: server/modules/priority/score.ts. */
export const WEIGHT_KEYS = [
  'priority_low', 'priority_normal', 'priority_high', 'priority_urgent',
  'stage_trial', 'stage_new', 'vip', 'stage_churned',
  'business_impact', 'anger', 'threat_regulator', 'threat_public', 'churn', 'urgent', 'broken_promise', 'repeat_contact',
  'promise_broken', 'sla_at_risk', 'sla_breached', 'level_2', 'level_3',
] as const;
export type WeightKey = (typeof WEIGHT_KEYS)[number];

const Points = z.number().int().min(-100).max(100);
export const PriorityWeights = z.object(Object.fromEntries(WEIGHT_KEYS.map((k) => [k, Points])) as Record<WeightKey, typeof Points>);
export type PriorityWeights = z.infer<typeof PriorityWeights>;

/** PUT body and the stored setting: overrides of some defaults (the rest keep their default). */
export const PriorityWeightsOverrides = PriorityWeights.partial().strict();

export const PriorityWeightsResponse = z.object({
  weights: PriorityWeights, // in effect
  defaults: PriorityWeights,
  overrides: PriorityWeightsOverrides,
  /** PUT only: a recompute of every unsolved ticket was queued */
  recomputeQueued: z.boolean().optional(),
});
