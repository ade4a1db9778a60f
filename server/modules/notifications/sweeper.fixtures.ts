// Test helpers for the sweeper tests: due SLA rows and due promises written directly (as their
// modules would plan them), and the exactly-once check of what the sweeps produced.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeTicket, type Client, type TestCtx } from '../../test/harness.ts';

export const MIN = 60_000;
export type Due = { slaTickets: { id: string; assignee: string }[]; promises: { id: string; ticketId: string; owner: string }[] };

/** n tickets whose resolution SLA warned (90 %) and broke in the past but was not swept, and m open
 *  promises whose reminder and due time passed; each ticket has its own assignee / owner. */
export async function makeDue(ctx: TestCtx, creator: Client, n: number, m: number): Promise<Due> {
  const db = ctx.deps.db;
  const now = Date.now();
  const due: Due = { slaTickets: [], promises: [] };
  for (let i = 0; i < n + m; i++) {
    const t = await makeTicket(creator, { subject: `Срок прошёл ${i}` });
    const u = await ctx.createUser('agent');
    await db.updateTable('tickets').set({ assignee_id: u.id }).where('id', '=', t.id).execute();
    if (i < n) {
      const dueAt = new Date(now - 2 * MIN);
      const plan = [
        { at: new Date(now - 5 * MIN).toISOString(), metric: 'resolution', level: 90 },
        { at: dueAt.toISOString(), metric: 'resolution', level: 100 },
      ];
      await sql`
        insert into ticket_sla (ticket_id, resolution_due_at, alert_plan, next_alert_at)
        values (${t.id}, ${dueAt}, ${JSON.stringify(plan)}::jsonb, ${new Date(plan[0].at)})
        on conflict (ticket_id) do update set resolution_due_at = excluded.resolution_due_at, alert_plan = excluded.alert_plan,
          next_alert_at = excluded.next_alert_at, paused_at = null`.execute(db);
      due.slaTickets.push({ id: t.id, assignee: u.id });
    } else {
      const dueAt = new Date(now - MIN);
      const plan = [
        { at: new Date(dueAt.getTime() - 15 * MIN).toISOString(), level: 'remind', minutes: 15 },
        { at: dueAt.toISOString(), level: 'due', minutes: 0 },
      ];
      const p = await db.insertInto('promises').values({
        ticket_id: t.id, owner_id: u.id, created_by: u.id, kind: 'callback', text: `Перезвонить клиенту ${i}`, due_at: dueAt,
        alert_plan: JSON.stringify(plan), next_alert_at: new Date(plan[0].at),
      }).returning('id').executeTakeFirstOrThrow();
      due.promises.push({ id: p.id, ticketId: t.id, owner: u.id });
    }
  }
  return due;
}

/** Every alert made exactly one notification per recipient and every mailed one exactly one outbox row. */
export async function assertExactlyOnce(ctx: TestCtx, due: Due): Promise<{ notifications: number; mails: number }> {
  const db = ctx.deps.db;
  const leads = (await db.selectFrom('users').select('id').where('active', '=', true).where('role', 'in', ['lead', 'admin']).execute()).map((r) => r.id);
  const expected: string[] = []; // "ticket kind user", one per notification that must exist
  for (const t of due.slaTickets) {
    expected.push(`${t.id} sla_warning ${t.assignee}`);
    for (const u of new Set([t.assignee, ...leads])) expected.push(`${t.id} sla_breach ${u}`);
  }
  for (const p of due.promises) for (const u of new Set([p.owner, ...leads])) expected.push(`${p.ticketId} promise_broken ${u}`);
  const ids = [...due.slaTickets.map((t) => t.id), ...due.promises.map((p) => p.ticketId)];
  const rows = await db.selectFrom('notifications').select(['ticket_id', 'kind', 'user_id', 'dedupe_key']).where('ticket_id', 'in', ids).execute();
  assert.deepEqual(rows.map((r) => `${r.ticket_id} ${r.kind} ${r.user_id}`).sort(), expected.sort(), 'one notification per alert and recipient');
  // mailed by default: breaches and broken promises. One mail per recipient per sweep (a digest when
  // several): every mail is named after a mailed notification, and per recipient the mails cover
  // (X-Slovo-Notifications) exactly their mailed notifications
  const mailedRows = rows.filter((r) => r.kind !== 'sla_warning');
  const named = new Set(mailedRows.map((r) => `notif:${r.dedupe_key}`));
  const out = await db.selectFrom('outbox').select(['dedupe_key', 'to_address', 'headers']).where('kind', '=', 'notification')
    .where('dedupe_key', 'in', rows.map((r) => `notif:${r.dedupe_key}`)).execute();
  assert.ok(out.every((o) => named.has(o.dedupe_key!)), 'no mail for a notification that is not mailed');
  const emails = new Map((await db.selectFrom('users').select(['id', 'email']).execute()).map((u) => [u.id, u.email]));
  const want = new Map<string, number>();
  for (const r of mailedRows) want.set(emails.get(r.user_id)!, (want.get(emails.get(r.user_id)!) ?? 0) + 1);
  const got = new Map<string, number>();
  for (const o of out) got.set(o.to_address, (got.get(o.to_address) ?? 0) + Number(o.headers['X-Slovo-Notifications']));
  assert.deepEqual([...got].sort(), [...want].sort(), 'mails cover each mailed notification once');
  const left = await sql<{ n: number }>`
    select (select count(*) from ticket_sla where next_alert_at is not null and ticket_id = any(${ids}::bigint[]))
      + (select count(*) from promises where next_alert_at is not null and ticket_id = any(${ids}::bigint[])) as n`.execute(db);
  assert.equal(Number(left.rows[0].n), 0, 'nothing left due');
  const broken = await db.selectFrom('promises').select('state').where('id', 'in', due.promises.map((p) => p.id)).execute();
  assert.ok(broken.every((p) => p.state === 'broken'));
  return { notifications: rows.length, mails: out.length };
}
