// SLA policies: CRUD for admins, read for staff. A change applies to tickets matched from now on
// and to clocks started from now on (a next response, a re-match); due times already set on
// running tickets are not rewritten. Deleting is soft: the policy never matches again, tickets
// that run on it keep it to the end.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateSlaPolicyBody, SlaPolicy, UpdateSlaPolicyBody } from '../../../api/sla.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { isoReq } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import type { Policy } from './sla.clock.ts';

type CreateInput = z.infer<typeof CreateSlaPolicyBody>;
type UpdateInput = z.infer<typeof UpdateSlaPolicyBody>;

export function presentPolicy(p: Policy): z.infer<typeof SlaPolicy> {
  return {
    id: p.id, name: p.name, position: p.position, active: p.active, conditions: p.conditions ?? {},
    targets: { firstResponseMin: p.first_response_min, nextResponseMin: p.next_response_min, resolutionMin: p.resolution_min },
    pause: { pendingCustomer: p.pause_pending_customer, pendingThirdParty: p.pause_pending_third_party, onHold: p.pause_on_hold },
    warnPercents: p.warn_percents, calendarId: p.calendar_id, createdAt: isoReq(p.created_at), updatedAt: isoReq(p.updated_at),
  };
}

const live = (db: Db) => db.selectFrom('sla_policies').selectAll().where('deleted_at', 'is', null);

export async function listPolicies(deps: Deps, actor: Actor): Promise<Policy[]> {
  authorize(actor, 'sla.read');
  return live(deps.db).orderBy('position').orderBy('id').limit(1000).execute();
}

async function find(db: Db, id: string, lock = false): Promise<Policy> {
  let q = live(db).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const p = await q.executeTakeFirst();
  if (!p) throw notFound('SLA policy');
  return p;
}

export async function getPolicy(deps: Deps, actor: Actor, id: string): Promise<Policy> {
  authorize(actor, 'sla.read');
  return find(deps.db, id);
}

async function checkCalendar(db: Db, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const c = await db.selectFrom('calendars').select('id').where('id', '=', id).executeTakeFirst();
  if (!c) throw new AppError('validation_failed', 'calendar does not exist', { errors: [{ path: '/calendarId', message: 'no such calendar' }] });
}

function targetColumns(t: Partial<Record<'firstResponseMin' | 'nextResponseMin' | 'resolutionMin', number | null>>) {
  const out: Record<string, number | null> = {};
  if (t.firstResponseMin !== undefined) out.first_response_min = t.firstResponseMin;
  if (t.nextResponseMin !== undefined) out.next_response_min = t.nextResponseMin;
  if (t.resolutionMin !== undefined) out.resolution_min = t.resolutionMin;
  return out;
}

function pauseColumns(p: Partial<Record<'pendingCustomer' | 'pendingThirdParty' | 'onHold', boolean>>) {
  const out: Record<string, boolean> = {};
  if (p.pendingCustomer !== undefined) out.pause_pending_customer = p.pendingCustomer;
  if (p.pendingThirdParty !== undefined) out.pause_pending_third_party = p.pendingThirdParty;
  if (p.onHold !== undefined) out.pause_on_hold = p.onHold;
  return out;
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

export async function createPolicy(deps: Deps, actor: Actor, input: CreateInput): Promise<Policy> {
  authorize(actor, 'sla.write');
  return inTx(deps.db, async (trx) => {
    await checkCalendar(trx, input.calendarId);
    await sql`select pg_advisory_xact_lock(73019523, 0)`.execute(trx); // the next position holds
    const max = await trx.selectFrom('sla_policies').select((eb) => eb.fn.max('position').as('max')).where('deleted_at', 'is', null).executeTakeFirst();
    const now = new Date();
    return trx.insertInto('sla_policies').values({
      name: input.name, position: input.position ?? (max?.max == null ? 0 : Number(max.max) + 1), active: input.active,
      conditions: JSON.stringify(input.conditions), ...targetColumns(input.targets), ...pauseColumns(input.pause),
      warn_percents: sorted(input.warnPercents), calendar_id: input.calendarId, created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
  });
}

export async function updatePolicy(deps: Deps, actor: Actor, id: string, input: UpdateInput): Promise<Policy> {
  authorize(actor, 'sla.write');
  return inTx(deps.db, async (trx) => {
    const p = await find(trx, id, true);
    if (input.calendarId !== undefined) await checkCalendar(trx, input.calendarId);
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (input.name !== undefined) set.name = input.name;
    if (input.position !== undefined) set.position = input.position;
    if (input.active !== undefined) set.active = input.active;
    if (input.conditions !== undefined) set.conditions = JSON.stringify(input.conditions);
    if (input.warnPercents !== undefined) set.warn_percents = sorted(input.warnPercents);
    if (input.calendarId !== undefined) set.calendar_id = input.calendarId;
    if (input.pause) Object.assign(set, pauseColumns(input.pause));
    if (input.targets) {
      const t = targetColumns(input.targets);
      const merged = { first_response_min: p.first_response_min, next_response_min: p.next_response_min, resolution_min: p.resolution_min, ...t };
      if (Object.values(merged).every((v) => v === null)) {
        throw new AppError('validation_failed', 'a policy needs at least one target', { errors: [{ path: '/targets', message: 'at least one target' }] });
      }
      Object.assign(set, t);
    }
    return trx.updateTable('sla_policies').set(set).where('id', '=', p.id).returningAll().executeTakeFirstOrThrow();
  });
}

export async function deletePolicy(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'sla.write');
  await inTx(deps.db, async (trx) => {
    const p = await find(trx, id, true);
    await trx.updateTable('sla_policies').set({ deleted_at: new Date(), active: false, updated_at: new Date() }).where('id', '=', p.id).execute();
  });
}
