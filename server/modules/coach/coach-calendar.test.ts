// The coach resolves "by the end of tomorrow's working day" in the ticket's business calendar.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
});
after(() => ctx.close());

test("a promise's due time ends where the customer's calendar ends the working day", async () => {
  const everyDay = Array.from({ length: 7 }, () => [[600, 960]]); // 10:00-16:00 every day: any date is a working day
  const cal = await admin.post('/api/v1/calendars', { name: 'Каждый день 10-16', timeZone: 'Europe/Moscow', week: everyDay });
  assert.equal(cal.status, 201, cal.raw);
  const t = await makeTicket(admin, { requester: { email: 'short-days@clients.test', name: 'Клиент' } });
  const coach = async () => (await admin.post('/api/v1/coach', { ticket: t.id, text: 'Пришлём исправление до конца завтрашнего рабочего дня.' })).body;
  assert.ok((await coach()).promises.some((p: { due: string | null }) => p.due), 'a promise with a due time (default calendar)');
  const a = await admin.put('/api/v1/calendars/assignments', { kind: 'customer', id: t.requester.id, calendarId: cal.body.id });
  assert.equal(a.status, 200, a.raw);
  const after = (await coach()).promises.find((p: { due: string | null }) => p.due);
  const due = DateTime.fromISO(after.due, { zone: 'Europe/Moscow' });
  assert.equal(due.hour, 16, JSON.stringify(after));
  assert.equal(due.toISODate(), DateTime.now().setZone('Europe/Moscow').plus({ days: 1 }).toISODate());
});
