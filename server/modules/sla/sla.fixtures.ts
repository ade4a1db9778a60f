// Test helpers for the SLA tests: calendars, customers, policies, tickets, status changes.
import assert from 'node:assert/strict';
import type { Client, TestCtx } from '../../test/harness.ts';
import { makeTicket } from '../../test/harness.ts';
import type { CustomerStage } from '../../db/types.ts';

let seq = 0;
export const MIN = 60_000;

/** A 24/7 calendar: due = start + target exactly. */
export async function alwaysOpen(ctx: TestCtx): Promise<string> {
  const c = await ctx.deps.db.insertInto('calendars')
    .values({ name: `24/7 ${++seq}`, time_zone: 'UTC', always_open: true, week: JSON.stringify([[], [], [], [], [], [], []]) })
    .returning('id').executeTakeFirstOrThrow();
  return c.id;
}

export async function customer(ctx: TestCtx, stage: CustomerStage, orgVip?: boolean): Promise<string> {
  const db = ctx.deps.db;
  const org = orgVip === undefined ? null
    : (await db.insertInto('organizations').values({ name: `Org ${++seq}`, vip: orgVip }).returning('id').executeTakeFirstOrThrow()).id;
  const c = await db.insertInto('customers').values({ name: `Клиент ${++seq}`, stage, organization_id: org }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('customer_emails').values({ email: `sla${seq}@clients.test`, customer_id: c.id, is_primary: true }).execute();
  return c.id;
}

export async function policy(admin: Client, body: Record<string, unknown>): Promise<string> {
  const r = await admin.post('/api/v1/sla-policies', { name: `Policy ${++seq}`, ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}

export async function ticket(c: Client, over: Record<string, unknown> = {}): Promise<{ id: string; number: string; createdAt: Date }> {
  const t = await makeTicket(c, over);
  return { id: t.id, number: String(t.number), createdAt: new Date(t.createdAt) };
}

export async function sla(ctx: TestCtx, ticketId: string) {
  return ctx.deps.db.selectFrom('ticket_sla').selectAll().where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();
}

export async function patch(c: Client, ticketId: string, body: Record<string, unknown>) {
  const cur = await c.get(`/api/v1/tickets/${ticketId}`);
  const r = await c.patch(`/api/v1/tickets/${ticketId}`, { ...body, version: cur.body.version });
  assert.equal(r.status, 200, r.raw);
  return r.body;
}

export async function reply(c: Client, ticketId: string, body: Record<string, unknown> = {}) {
  const r = await c.post(`/api/v1/tickets/${ticketId}/messages`, { kind: 'reply', body: 'Смотрим, ответим сегодня.', ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body;
}

/** Moves a running wait back in time, as if the ticket had waited `minutes` already. */
export async function waitedAlready(ctx: TestCtx, ticketId: string, minutes: number): Promise<void> {
  await ctx.deps.db.updateTable('ticket_sla').set({ paused_at: new Date(Date.now() - minutes * MIN) }).where('ticket_id', '=', ticketId).execute();
}

export const near = (a: Date | null, b: Date, ms = 5, msg?: string) => {
  assert.ok(a, msg ?? 'expected a time');
  assert.ok(Math.abs(a.getTime() - b.getTime()) <= ms, `${msg ?? ''} ${a.toISOString()} vs ${b.toISOString()}`);
};
