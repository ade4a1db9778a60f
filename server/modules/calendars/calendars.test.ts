import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { makeTicket, setup, type Client, type TestCtx } from '../../test/harness.ts';
import { ICAL_LIMITS } from './ical.ts';
import { calendarForTicket, calendarsForTickets, invalidateCalendars } from './resolve.ts';

let ctx: TestCtx;
let admin: Client & { userId: string };
let agent: Client & { userId: string };
let light: Client & { userId: string };

let feed = '';
let server: http.Server;
let base = '';

before(async () => {
  ctx = await setup();
  admin = await ctx.as('admin');
  agent = await ctx.as('agent');
  light = await ctx.as('light_agent');
  server = http.createServer((req, res) => {
    if (req.url === '/feed.ics') return res.writeHead(200, { 'content-type': 'text/calendar' }).end(feed);
    if (req.url === '/big.ics') {
      res.writeHead(200, { 'content-type': 'text/calendar' }); // no content-length: the limit applies while reading
      const chunk = 'X'.repeat(64 * 1024);
      let sent = 0;
      const push = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', push);
        else res.end();
      };
      return push();
    }
    if (req.url === '/slow.ics') return; // never answers
    res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await ctx.close();
});

const vcal = (events: string[]) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slovo//test//EN\r\n${events.join('')}END:VCALENDAR\r\n`;
const allDay = (uid: string, start: string, end: string | null, summary: string, extra = '') =>
  `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTART;VALUE=DATE:${start}\r\n${end ? `DTEND;VALUE=DATE:${end}\r\n` : ''}SUMMARY:${summary}\r\n${extra}END:VEVENT\r\n`;
const timed = `BEGIN:VEVENT\r\nUID:m@test\r\nDTSTART:20270301T100000Z\r\nDTEND:20270301T110000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n`;

async function newCalendar(body: Record<string, unknown> = {}): Promise<string> {
  const r = await admin.post('/api/v1/calendars', { name: `Cal ${Math.random().toString(36).slice(2)}`, timeZone: 'Europe/Moscow', ...body });
  assert.equal(r.status, 201, r.raw);
  return r.body.id;
}
async function days(id: string) {
  const r = await sql<{ day: string; kind: string; source: string; name: string }>`
    select day::text as day, kind, source, name from calendar_days where calendar_id = ${id} order by day`.execute(ctx.deps.db);
  return r.rows;
}
const add = async (c: Client, id: string, from: string, minutes: number) => c.get(`/api/v1/calendars/${id}/add?from=${encodeURIComponent(from)}&minutes=${minutes}`);

describe('presets', () => {
  test('the Russian production calendar is the default, with moved days and short days', async () => {
    const list = await light.get('/api/v1/calendars');
    assert.equal(list.status, 200, list.raw);
    const ru = list.body.items[0];
    assert.equal(ru.isDefault, true);
    assert.equal(ru.preset, 'ru-production');
    assert.equal(ru.timeZone, 'Europe/Moscow');
    const generic = list.body.items.find((c: { preset: string }) => c.preset === 'generic');
    assert.equal(generic.timeZone, 'UTC');
    assert.deepEqual(generic.week[0], [[540, 1020]]);
    const full = await agent.get(`/api/v1/calendars/${ru.id}`);
    const byDay = new Map(full.body.days.map((d: { day: string; kind: string }) => [d.day, d.kind]));
    assert.equal(byDay.get('2026-01-09'), 'holiday');
    assert.equal(byDay.get('2025-11-01'), 'short');
    assert.equal(byDay.get('2026-11-03'), 'short');
    assert.equal(byDay.get('2025-11-03'), 'holiday');
    // Wednesday 30 Dec 2026 17:00 + 2 h: 31 Dec and 1-8 Jan are off, 9-10 Jan a weekend
    const r = await add(agent, ru.id, '2026-12-30T17:00:00+03:00', 120);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.dueAt, '2027-01-11T07:00:00.000Z');
    // 3 Nov 2026 is an hour short and 4 Nov a holiday
    assert.equal((await add(agent, ru.id, '2026-11-03T16:30:00+03:00', 60)).body.dueAt, '2026-11-05T06:30:00.000Z');
  });
});

describe('calendars CRUD', () => {
  test('validation of zone, week and intervals', async () => {
    const bad = [
      { name: 'x1', timeZone: 'Mars/Olympus' },
      { name: 'x2', timeZone: '+03:00' },
      { name: 'x3', timeZone: 'UTC', week: [[], [], [], [], [], []] },
      { name: 'x4', timeZone: 'UTC', week: [[[600, 700], [650, 800]], [], [], [], [], [], []] },
      { name: 'x5', timeZone: 'UTC', week: [[[700, 800], [600, 650]], [], [], [], [], [], []] },
      { name: 'x6', timeZone: 'UTC', week: [[[1320, 2900]], [], [], [], [], [], []] },
      { name: 'x7', timeZone: 'UTC', week: [[[600, 600]], [], [], [], [], [], []] },
      { name: 'x8', timeZone: 'UTC', week: [[[1500, 1600]], [], [], [], [], [], []] },
      { name: 'x9', timeZone: 'UTC', week: [[[9.5, 600]], [], [], [], [], [], []] },
    ];
    for (const body of bad) {
      const r = await admin.post('/api/v1/calendars', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.raw}`);
      assert.equal(r.body.code, 'validation_failed');
    }
    const n = await sql<{ n: number }>`select count(*)::int as n from calendars where name like 'x%'`.execute(ctx.deps.db);
    assert.equal(n.rows[0]!.n, 0);
  });

  test('create, read, change (the cache follows), duplicate names, roles', async () => {
    assert.equal((await agent.post('/api/v1/calendars', { name: 'Agent cal', timeZone: 'UTC' })).status, 403);
    const r = await admin.post('/api/v1/calendars', { name: 'Night shift', timeZone: 'America/New_York', week: [[[1320, 1800]], [[1320, 1800]], [], [], [], [], []] });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.isDefault, false);
    assert.deepEqual(r.body.days, []);
    const id = r.body.id;
    assert.equal((await admin.post('/api/v1/calendars', { name: 'NIGHT SHIFT', timeZone: 'UTC' })).body.code, 'already_exists');
    // Monday 23:00 New York + 60 min = Tuesday 00:00 (overnight)
    assert.equal((await add(agent, id, '2026-12-07T23:00:00-05:00', 60)).body.dueAt, '2026-12-08T05:00:00.000Z');
    const p = await admin.patch(`/api/v1/calendars/${id}`, { week: [[[540, 1020]], [], [], [], [], [], []], name: 'Mondays' });
    assert.equal(p.status, 200, p.raw);
    assert.equal(p.body.name, 'Mondays');
    assert.equal((await add(agent, id, '2026-12-07T23:00:00-05:00', 60)).body.dueAt, '2026-12-14T15:00:00.000Z');
    assert.equal((await agent.patch(`/api/v1/calendars/${id}`, { alwaysOpen: true })).status, 403);
    assert.equal((await admin.patch(`/api/v1/calendars/${id}`, { alwaysOpen: true })).status, 200);
    assert.equal((await add(light, id, '2026-12-07T23:00:00-05:00', 60)).body.dueAt, '2026-12-08T05:00:00.000Z');
    assert.equal((await admin.get('/api/v1/calendars/999999')).status, 404);
    const row = await ctx.deps.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.always_open, true);
    assert.equal(row.time_zone, 'America/New_York');
  });

  test('day exceptions: put, replace, delete', async () => {
    const id = await newCalendar();
    assert.equal((await add(agent, id, '2027-03-04T17:00:00+03:00', 120)).body.dueAt, '2027-03-05T07:00:00.000Z');
    let r = await admin.put(`/api/v1/calendars/${id}/days/2027-03-05`, { kind: 'holiday', name: 'Закрыто' });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body, { day: '2027-03-05', kind: 'holiday', hours: null, name: 'Закрыто', source: 'manual' });
    assert.equal((await add(agent, id, '2027-03-04T17:00:00+03:00', 120)).body.dueAt, '2027-03-08T07:00:00.000Z');
    r = await admin.put(`/api/v1/calendars/${id}/days/2027-03-06`, { kind: 'workday', hours: [[600, 660]] });
    assert.equal(r.status, 200, r.raw);
    assert.equal((await add(agent, id, '2027-03-04T17:00:00+03:00', 120)).body.dueAt, '2027-03-06T08:00:00.000Z'); // Saturday 10-11
    assert.equal((await admin.put(`/api/v1/calendars/${id}/days/2027-03-06`, { kind: 'holiday', hours: [[600, 660]] })).status, 400);
    assert.equal((await admin.put(`/api/v1/calendars/${id}/days/2027-02-30`, { kind: 'holiday' })).status, 400);
    assert.equal((await admin.put(`/api/v1/calendars/${id}/days/2027-03-07`, { kind: 'short', hours: [] })).status, 400);
    assert.equal((await agent.put(`/api/v1/calendars/${id}/days/2027-03-07`, { kind: 'holiday' })).status, 403);
    assert.deepEqual((await days(id)).map((d) => [d.day, d.kind, d.source]), [['2027-03-05', 'holiday', 'manual'], ['2027-03-06', 'workday', 'manual']]);
    assert.equal((await admin.del(`/api/v1/calendars/${id}/days/2027-03-05`)).status, 200);
    assert.equal((await admin.del(`/api/v1/calendars/${id}/days/2027-03-05`)).status, 404);
    assert.equal((await add(agent, id, '2027-03-04T17:00:00+03:00', 120)).body.dueAt, '2027-03-05T07:00:00.000Z');
  });

  test('the default calendar and deleting: default or in use -> 409 calendar_in_use', async () => {
    const ruId = (await admin.get('/api/v1/calendars')).body.items[0].id;
    const id = await newCalendar({ name: 'Second default' });
    const r = await admin.post(`/api/v1/calendars/${id}/default`);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.isDefault, true);
    const defaults = await ctx.deps.db.selectFrom('calendars').select('id').where('is_default', '=', true).execute();
    assert.deepEqual(defaults.map((d) => d.id), [id]);
    let d = await admin.del(`/api/v1/calendars/${id}`);
    assert.equal(d.status, 409);
    assert.equal(d.body.code, 'calendar_in_use');
    assert.equal(d.body.reason, 'default');
    assert.equal((await admin.post(`/api/v1/calendars/${ruId}/default`)).status, 200);
    const group = await admin.post('/api/v1/groups', { name: 'Calendar users' });
    assert.equal((await admin.put('/api/v1/calendars/assignments', { kind: 'group', id: group.body.id, calendarId: id })).status, 200);
    d = await admin.del(`/api/v1/calendars/${id}`);
    assert.equal(d.status, 409);
    assert.equal(d.body.reason, 'in_use');
    assert.equal(d.body.usedBy.groups, 1);
    assert.equal((await admin.put('/api/v1/calendars/assignments', { kind: 'group', id: group.body.id, calendarId: null })).status, 200);
    assert.equal((await agent.del(`/api/v1/calendars/${id}`)).status, 403);
    assert.equal((await admin.del(`/api/v1/calendars/${id}`)).status, 200);
    assert.equal(await ctx.deps.db.selectFrom('calendars').select('id').where('id', '=', id).executeTakeFirst(), undefined);
  });
});

describe('iCal import', () => {
  test('from a URL: all-day events become holidays, re-import replaces them, manual days stay', async () => {
    const id = await newCalendar();
    await admin.put(`/api/v1/calendars/${id}/days/2027-01-05`, { kind: 'workday', name: 'by hand' });
    feed = vcal([
      allDay('ny@test', '20270101', '20270103', 'New Year'),
      allDay('x@test', '20270105', null, 'Overlaps a manual day'),
      allDay('may@test', '20270501', null, 'May Day', 'RRULE:FREQ=YEARLY;COUNT=2\r\n'),
      timed,
    ]);
    let r = await admin.post(`/api/v1/calendars/${id}/ical`, { url: `${base}/feed.ics` });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body, { imported: 4, removed: 0, skipped: 1, ignoredEvents: 1 });
    assert.deepEqual((await days(id)).map((d) => [d.day, d.kind, d.source]), [
      ['2027-01-01', 'holiday', 'ical'], ['2027-01-02', 'holiday', 'ical'], ['2027-01-05', 'workday', 'manual'],
      ['2027-05-01', 'holiday', 'ical'], ['2028-05-01', 'holiday', 'ical'],
    ]);
    const cal = await admin.get(`/api/v1/calendars/${id}`);
    assert.equal(cal.body.icalUrl, `${base}/feed.ics`);
    feed = vcal([allDay('z@test', '20270610', null, 'Only this')]);
    r = await admin.post(`/api/v1/calendars/${id}/ical`, { url: `${base}/feed.ics` });
    assert.deepEqual(r.body, { imported: 1, removed: 4, skipped: 0, ignoredEvents: 0 });
    assert.deepEqual((await days(id)).map((d) => [d.day, d.source, d.name]), [['2027-01-05', 'manual', 'by hand'], ['2027-06-10', 'ical', 'Only this']]);
    // the imported holiday counts at once
    assert.equal((await add(agent, id, '2027-06-09T17:00:00+03:00', 120)).body.dueAt, '2027-06-11T07:00:00.000Z');
  });

  test('from text, and bad input writes nothing', async () => {
    const id = await newCalendar();
    const r = await admin.post(`/api/v1/calendars/${id}/ical`, { ics: vcal([allDay('a@test', '20271231', '20280101', 'Eve')]) });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.imported, 1);
    const before = await days(id);
    const cases: [unknown, number][] = [
      [{ ics: 'hello world' }, 422],
      [{ ics: 'BEGIN:VEVENT\r\nEND:VEVENT\r\n' }, 422],
      [{ ics: vcal(['BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027xx01\r\nEND:VEVENT\r\n']) }, 422],
      [{ url: `${base}/missing.ics` }, 422],
      [{ url: `${base}/big.ics` }, 413],
      [{ url: 'ftp://example.test/feed.ics' }, 400],
      [{ url: `${base}/feed.ics`, ics: 'x' }, 400],
      [{}, 400],
    ];
    for (const [body, status] of cases) {
      const x = await admin.post(`/api/v1/calendars/${id}/ical`, body);
      assert.equal(x.status, status, `${JSON.stringify(body).slice(0, 80)}: ${x.raw}`);
      assert.match(String(x.headers['content-type']), /application\/problem\+json/);
    }
    const saved = ICAL_LIMITS.timeoutMs;
    ICAL_LIMITS.timeoutMs = 300;
    try {
      const x = await admin.post(`/api/v1/calendars/${id}/ical`, { url: `${base}/slow.ics` });
      assert.equal(x.status, 422, x.raw);
      assert.match(x.body.detail, /no answer within 300 ms/);
    } finally {
      ICAL_LIMITS.timeoutMs = saved;
    }
    assert.deepEqual(await days(id), before);
    assert.equal((await agent.post(`/api/v1/calendars/${id}/ical`, { ics: vcal([]) })).status, 403);
  });
});

describe('calendarForTicket', () => {
  test('customer -> organization -> group -> default -> built-in', async () => {
    const db = ctx.deps.db;
    const group = (await admin.post('/api/v1/groups', { name: 'Resolution group' })).body.id;
    const org = (await admin.post('/api/v1/organizations', { name: 'Resolution org' })).body.id;
    const t = await makeTicket(admin, { groupId: group });
    const ticket = await db.selectFrom('tickets').select(['id', 'requester_id']).where('id', '=', t.id).executeTakeFirstOrThrow();
    await db.updateTable('customers').set({ organization_id: org }).where('id', '=', ticket.requester_id).execute();
    const [ruId, gCal, oCal, cCal] = [(await admin.get('/api/v1/calendars')).body.items[0].id, await newCalendar(), await newCalendar(), await newCalendar()];
    const assign = async (kind: string, id: string, calendarId: string | null) => {
      const r = await admin.put('/api/v1/calendars/assignments', { kind, id, calendarId });
      assert.equal(r.status, 200, r.raw);
    };
    assert.equal((await calendarForTicket(db, ticket.id)).id, ruId);
    await assign('group', group, gCal);
    assert.equal((await calendarForTicket(db, ticket.id)).id, gCal);
    await assign('organization', org, oCal);
    assert.equal((await calendarForTicket(db, ticket.id)).id, oCal);
    await assign('customer', ticket.requester_id, cCal);
    const c = await calendarForTicket(db, ticket.id);
    assert.equal(c.id, cCal);
    const other = await makeTicket(admin);
    const many = await calendarsForTickets(db, [ticket.id, other.id]);
    assert.deepEqual([many.get(ticket.id)?.id, many.get(other.id)?.id], [cCal, ruId]);
    assert.equal(c.timeZone, 'Europe/Moscow');
    await assign('customer', ticket.requester_id, null);
    assert.equal((await calendarForTicket(db, ticket.id)).id, oCal);
    await assign('organization', org, null);
    await assign('group', group, null);
    const ru = await calendarForTicket(db, ticket.id);
    assert.equal(ru.id, ruId);
    assert.equal(ru.days.get('2026-01-09')?.kind, 'holiday');
    // no default calendar at all: the built-in Mon-Fri 09-18 Moscow
    await db.updateTable('calendars').set({ is_default: false }).execute();
    invalidateCalendars();
    const builtin = await calendarForTicket(db, ticket.id);
    assert.equal(builtin.id, null);
    assert.equal(builtin.timeZone, 'Europe/Moscow');
    assert.deepEqual(builtin.week[4], [[540, 1080]]);
    await db.updateTable('calendars').set({ is_default: true }).where('id', '=', ruId).execute();
    invalidateCalendars();
    // assignment errors
    assert.equal((await admin.put('/api/v1/calendars/assignments', { kind: 'group', id: '999999', calendarId: gCal })).status, 404);
    assert.equal((await admin.put('/api/v1/calendars/assignments', { kind: 'group', id: group, calendarId: '999999' })).status, 404);
    assert.equal((await admin.put('/api/v1/calendars/assignments', { kind: 'team', id: group, calendarId: gCal })).status, 400);
    assert.equal((await agent.put('/api/v1/calendars/assignments', { kind: 'group', id: group, calendarId: gCal })).status, 403);
  });
});
