// Ledger settings (settings key 'promises') and the alert plan of a promise.
import type { z } from 'zod';
import type { PromiseSettings } from '../../../api/promises.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { authorize } from '../../policy.ts';
import type { PromiseAlert, PromiseKind } from '../../db/types.ts';

export type Settings = z.infer<typeof PromiseSettings>;
export const SETTINGS_KEY = 'promises';

export const DEFAULT_SETTINGS: Settings = {
  reminders: [60, 15],
  autoKeepOnReply: { callback: false, update: true, fix: false, info: true, other: false },
  showInReply: true,
};

/** The stored settings over the defaults (a missing or partial value falls back key by key). */
export async function promiseSettings(db: Db): Promise<Settings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  const v = (row?.value ?? {}) as Partial<Settings>;
  const reminders = Array.isArray(v.reminders) ? v.reminders.filter((m) => Number.isInteger(m) && m > 0) : DEFAULT_SETTINGS.reminders;
  return {
    reminders, autoKeepOnReply: { ...DEFAULT_SETTINGS.autoKeepOnReply, ...(v.autoKeepOnReply ?? {}) },
    showInReply: typeof v.showInReply === 'boolean' ? v.showInReply : DEFAULT_SETTINGS.showInReply,
  };
}

export const autoKeepKinds = (s: Settings): PromiseKind[] =>
  (Object.keys(s.autoKeepOnReply) as PromiseKind[]).filter((k) => s.autoKeepOnReply[k]);

/** Reminders still ahead of `now` (wall-clock minutes before due), then the due check; sorted by time. */
export function alertPlan(dueAt: Date, now: Date, reminders: number[]): PromiseAlert[] {
  const plan: PromiseAlert[] = [...new Set(reminders)]
    .sort((a, b) => b - a)
    .map((m) => ({ at: new Date(dueAt.getTime() - m * 60_000), minutes: m }))
    .filter((r) => r.at.getTime() > now.getTime())
    .map((r) => ({ at: r.at.toISOString(), level: 'remind' as const, minutes: r.minutes }));
  plan.push({ at: dueAt.toISOString(), level: 'due', minutes: 0 });
  return plan;
}

export async function getSettings(deps: Deps, actor: Actor): Promise<Settings> {
  authorize(actor, 'settings.read');
  return promiseSettings(deps.db);
}

export async function putSettings(deps: Deps, actor: Actor, input: Settings): Promise<Settings> {
  authorize(actor, 'settings.write');
  const value = JSON.stringify({ reminders: [...new Set(input.reminders)].sort((a, b) => b - a), autoKeepOnReply: input.autoKeepOnReply, showInReply: input.showInReply });
  await deps.db.insertInto('settings').values({ key: SETTINGS_KEY, value, updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() })).execute();
  return promiseSettings(deps.db);
}
