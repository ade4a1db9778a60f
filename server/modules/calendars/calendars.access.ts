import { randomBytes } from 'node:crypto';
import { ADMINS, STAFF, type AccessCase, type Fixture } from '../../test/access.ts';

const unique = () => randomBytes(4).toString('hex');
const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slovo//test//EN\r\nBEGIN:VEVENT\r\nUID:h1@test\r\nDTSTART;VALUE=DATE:20270105\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

/** A new calendar made by the admin. */
async function calendar(f: Fixture): Promise<string> {
  const r = await f.admin.post('/api/v1/calendars', { name: `Access ${unique()}`, timeZone: 'Europe/Moscow' });
  return r.body.id;
}

async function defaultCalendar(f: Fixture): Promise<string> {
  const r = await f.admin.get('/api/v1/calendars');
  return r.body.items.find((c: { isDefault: boolean }) => c.isDefault).id;
}

export default [
  { route: 'GET /api/v1/calendars', allow: STAFF, request: () => ({ url: '/api/v1/calendars' }) },
  { route: 'POST /api/v1/calendars', allow: ADMINS, request: () => ({ url: '/api/v1/calendars', body: { name: `Новый ${unique()}`, timeZone: 'Asia/Yekaterinburg' } }) },
  { route: 'GET /api/v1/calendars/:id', allow: STAFF, request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}` }) },
  { route: 'PATCH /api/v1/calendars/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}`, body: { alwaysOpen: true } }) },
  { route: 'DELETE /api/v1/calendars/:id', allow: ADMINS, request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}` }) },
  // the current default again: no change for the rest of the matrix
  { route: 'POST /api/v1/calendars/:id/default', allow: ADMINS, request: async (f) => ({ url: `/api/v1/calendars/${await defaultCalendar(f)}/default` }) },
  {
    route: 'PUT /api/v1/calendars/:id/days/:day', allow: ADMINS,
    request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}/days/2027-03-05`, body: { kind: 'short' } }),
  },
  {
    route: 'DELETE /api/v1/calendars/:id/days/:day', allow: ADMINS,
    request: async (f) => {
      const id = await calendar(f);
      await f.admin.put(`/api/v1/calendars/${id}/days/2027-03-05`, { kind: 'holiday' });
      return { url: `/api/v1/calendars/${id}/days/2027-03-05` };
    },
  },
  { route: 'POST /api/v1/calendars/:id/ical', allow: ADMINS, request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}/ical`, body: { ics: ICS } }) },
  {
    route: 'PUT /api/v1/calendars/assignments', allow: ADMINS,
    request: async (f) => {
      const group = await f.admin.post('/api/v1/groups', { name: `Группа ${unique()}` });
      return { url: '/api/v1/calendars/assignments', body: { kind: 'group', id: group.body.id, calendarId: await calendar(f) } };
    },
  },
  { route: 'GET /api/v1/calendars/:id/add', allow: STAFF, request: async (f) => ({ url: `/api/v1/calendars/${await calendar(f)}/add?from=2026-12-04T17:00:00%2B03:00&minutes=120` }) },
] satisfies AccessCase[];
