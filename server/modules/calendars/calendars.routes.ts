// Business calendars: list, read, create, change, delete, the default one, day exceptions,
// iCal holiday import, assignment, and a due-time preview.
import { z } from 'zod';
import {
  AddQuery, AddResult, Assignment, AssignmentBody, Calendar, CalendarDay, CalendarWithDays, CreateCalendarBody, DayParams,
  IcalImportBody, IcalImportResult, PutDayBody, UpdateCalendarBody,
} from '../../../api/calendars.ts';
import { IdParams, Ok } from '../../../api/common.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';
import { isoReq } from '../../http/types.ts';
import * as calendars from './calendars.service.ts';

const tags = ['calendars'];

export function presentCalendar(c: calendars.CalendarRow): z.infer<typeof Calendar> {
  return {
    id: c.id, name: c.name, timeZone: c.time_zone, alwaysOpen: c.always_open, week: c.week, preset: c.preset, icalUrl: c.ical_url,
    isDefault: c.is_default, createdAt: isoReq(c.created_at), updatedAt: isoReq(c.updated_at),
  };
}

const withDays = (cal: calendars.CalendarRow, days: calendars.DayRow[]) => ({ ...presentCalendar(cal), days });

export function calendarRoutes(app: App, deps: Deps) {
  app.get('/api/v1/calendars', {
    schema: { tags, summary: 'Business calendars, the default one first', response: { 200: z.object({ items: z.array(Calendar) }) } },
  }, async (req) => ({ items: (await calendars.listCalendars(deps, req.actor)).map(presentCalendar) }));

  app.post('/api/v1/calendars', {
    schema: {
      tags, summary: 'Create a calendar: IANA zone, week (7 lists, Monday first, of [start, end) minutes from local midnight; end up to 2880 for overnight shifts)',
      body: CreateCalendarBody, response: { 201: CalendarWithDays },
    },
  }, async (req, reply) => {
    const cal = await calendars.createCalendar(deps, req.actor, req.body);
    return reply.code(201).send(withDays(cal, []));
  });

  app.get('/api/v1/calendars/:id', {
    schema: { tags, summary: 'A calendar with its day exceptions (holidays, moved working days, short days)', params: IdParams, response: { 200: CalendarWithDays } },
  }, async (req) => {
    const r = await calendars.getCalendar(deps, req.actor, req.params.id);
    return withDays(r.cal, r.days);
  });

  app.patch('/api/v1/calendars/:id', {
    schema: { tags, summary: 'Rename a calendar or change its zone, week or 24/7 flag (due times already computed stay)', params: IdParams, body: UpdateCalendarBody, response: { 200: CalendarWithDays } },
  }, async (req) => {
    await calendars.updateCalendar(deps, req.actor, req.params.id, req.body);
    const r = await calendars.getCalendar(deps, req.actor, req.params.id);
    return withDays(r.cal, r.days);
  });

  app.delete('/api/v1/calendars/:id', {
    schema: { tags, summary: 'Delete a calendar (409 calendar_in_use for the default one or one in use)', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await calendars.deleteCalendar(deps, req.actor, req.params.id);
    return { ok: true as const };
  });

  app.post('/api/v1/calendars/:id/default', {
    schema: { tags, summary: 'Make this the default calendar (tickets with no customer, organization or group calendar)', params: IdParams, response: { 200: Calendar } },
  }, async (req) => presentCalendar(await calendars.setDefault(deps, req.actor, req.params.id)));

  app.put('/api/v1/calendars/:id/days/:day', {
    schema: {
      tags, summary: "Set a day's exception: holiday, workday (own hours, or null = the usual Monday hours) or short (own hours, or null = the usual hours less one hour)",
      params: DayParams, body: PutDayBody, response: { 200: CalendarDay },
    },
  }, async (req) => calendars.putDay(deps, req.actor, req.params.id, req.params.day, req.body));

  app.delete('/api/v1/calendars/:id/days/:day', {
    schema: { tags, summary: "Remove a day's exception (the usual week applies again)", params: DayParams, response: { 200: Ok } },
  }, async (req) => {
    await calendars.deleteDay(deps, req.actor, req.params.id, req.params.day);
    return { ok: true as const };
  });

  app.post('/api/v1/calendars/:id/ical', {
    schema: {
      tags, summary: "Import holidays from an iCal feed ({url} or {ics} text): all-day events become holidays; replaces the earlier imported days, keeps days set by hand or by the preset",
      params: IdParams, body: IcalImportBody, response: { 200: IcalImportResult },
    },
  }, async (req) => calendars.importIcal(deps, req.actor, req.params.id, req.body));

  app.put('/api/v1/calendars/assignments', {
    schema: { tags, summary: 'Give a group, organization or customer its calendar (calendarId null: inherit)', body: AssignmentBody, response: { 200: Assignment } },
  }, async (req) => calendars.assignCalendar(deps, req.actor, req.body));

  app.get('/api/v1/calendars/:id/add', {
    schema: { tags, summary: 'Preview: the instant `minutes` business minutes after `from` in this calendar', params: IdParams, querystring: AddQuery, response: { 200: AddResult } },
  }, async (req) => calendars.previewAdd(deps, req.actor, req.params.id, req.query));
}
