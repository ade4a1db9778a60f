-- Preset business calendars (issue 6): the Russian production calendar (the default) and a generic 9-5.
--
-- Sources for the Russian days (checked 2026-12-03):
--   2025: Government decree of 04.10.2024 No. 1335 "О переносе выходных дней в 2025 году" (days off moved
--         from 4 Jan to 2 May, 5 Jan to 31 Dec, 23 Feb to 8 May, 8 Mar to 13 Jun, 1 Nov to 3 Nov; shortened
--         days 7 Mar, 30 Apr, 11 Jun, 1 Nov; 247 working days), as reported by the government's press service.
--   2026: Government decree of 24.09.2025 No. 1466 "О переносе выходных дней в 2026 году" (3 Jan to 9 Jan,
--         4 Jan to 31 Dec; 8 Mar and 9 May move to 9 Mar and 11 May by art. 112 of the Labour Code; shortened
--         days 30 Apr, 8 May, 11 Jun, 3 Nov; 247 working days).
--   2027: only what the Labour Code itself fixes (art. 112 holidays, art. 112 part 2 transfers of a weekend that
--         falls on a holiday: 1 May -> 3 May, 9 May -> 10 May, 12 Jun -> 14 Jun; art. 95 shortened pre-holiday
--         days). The decree moving the January weekend days (2 and 3 January 2027) was not available in our
--         sources: add those days with PUT /api/v1/calendars/:id/days/:day once it is published.
-- Holidays that fall on a weekend are listed too (for their names). A 'short' day with null hours is the usual
-- hours less one hour (a working Saturday takes the Monday hours less one hour).

insert into calendars (name, time_zone, always_open, week, preset, is_default)
values
  ('Производственный календарь РФ', 'Europe/Moscow', false,
   '[[[540,1080]],[[540,1080]],[[540,1080]],[[540,1080]],[[540,1080]],[],[]]', 'ru-production', true),
  ('Generic 9-5', 'UTC', false,
   '[[[540,1020]],[[540,1020]],[[540,1020]],[[540,1020]],[[540,1020]],[],[]]', 'generic', false);

insert into calendar_days (calendar_id, day, kind, hours, name, source)
select c.id, d.day::date, d.kind, null, d.name, 'preset'
from calendars c
cross join (values
  -- 2025
  ('2025-01-01', 'holiday', 'Новогодние каникулы'),
  ('2025-01-02', 'holiday', 'Новогодние каникулы'),
  ('2025-01-03', 'holiday', 'Новогодние каникулы'),
  ('2025-01-04', 'holiday', 'Новогодние каникулы'),
  ('2025-01-05', 'holiday', 'Новогодние каникулы'),
  ('2025-01-06', 'holiday', 'Новогодние каникулы'),
  ('2025-01-07', 'holiday', 'Рождество Христово'),
  ('2025-01-08', 'holiday', 'Новогодние каникулы'),
  ('2025-02-23', 'holiday', 'День защитника Отечества'),
  ('2025-03-07', 'short', 'Предпраздничный день (на час короче)'),
  ('2025-03-08', 'holiday', 'Международный женский день'),
  ('2025-04-30', 'short', 'Предпраздничный день (на час короче)'),
  ('2025-05-01', 'holiday', 'Праздник Весны и Труда'),
  ('2025-05-02', 'holiday', 'Выходной перенесён с 4 января'),
  ('2025-05-08', 'holiday', 'Выходной перенесён с 23 февраля'),
  ('2025-05-09', 'holiday', 'День Победы'),
  ('2025-06-11', 'short', 'Предпраздничный день (на час короче)'),
  ('2025-06-12', 'holiday', 'День России'),
  ('2025-06-13', 'holiday', 'Выходной перенесён с 8 марта'),
  ('2025-11-01', 'short', 'Рабочая суббота, предпраздничный день (выходной перенесён на 3 ноября)'),
  ('2025-11-03', 'holiday', 'Выходной перенесён с 1 ноября'),
  ('2025-11-04', 'holiday', 'День народного единства'),
  ('2025-12-31', 'holiday', 'Выходной перенесён с 5 января'),
  -- 2026
  ('2026-01-01', 'holiday', 'Новогодние каникулы'),
  ('2026-01-02', 'holiday', 'Новогодние каникулы'),
  ('2026-01-03', 'holiday', 'Новогодние каникулы'),
  ('2026-01-04', 'holiday', 'Новогодние каникулы'),
  ('2026-01-05', 'holiday', 'Новогодние каникулы'),
  ('2026-01-06', 'holiday', 'Новогодние каникулы'),
  ('2026-01-07', 'holiday', 'Рождество Христово'),
  ('2026-01-08', 'holiday', 'Новогодние каникулы'),
  ('2026-01-09', 'holiday', 'Выходной перенесён с 3 января'),
  ('2026-02-23', 'holiday', 'День защитника Отечества'),
  ('2026-03-08', 'holiday', 'Международный женский день'),
  ('2026-03-09', 'holiday', 'Выходной перенесён с 8 марта (ст. 112 ТК РФ)'),
  ('2026-04-30', 'short', 'Предпраздничный день (на час короче)'),
  ('2026-05-01', 'holiday', 'Праздник Весны и Труда'),
  ('2026-05-08', 'short', 'Предпраздничный день (на час короче)'),
  ('2026-05-09', 'holiday', 'День Победы'),
  ('2026-05-11', 'holiday', 'Выходной перенесён с 9 мая (ст. 112 ТК РФ)'),
  ('2026-06-11', 'short', 'Предпраздничный день (на час короче)'),
  ('2026-06-12', 'holiday', 'День России'),
  ('2026-11-03', 'short', 'Предпраздничный день (на час короче)'),
  ('2026-11-04', 'holiday', 'День народного единства'),
  ('2026-12-31', 'holiday', 'Выходной перенесён с 4 января'),
  -- 2027
  ('2027-01-01', 'holiday', 'Новогодние каникулы'),
  ('2027-01-02', 'holiday', 'Новогодние каникулы'),
  ('2027-01-03', 'holiday', 'Новогодние каникулы'),
  ('2027-01-04', 'holiday', 'Новогодние каникулы'),
  ('2027-01-05', 'holiday', 'Новогодние каникулы'),
  ('2027-01-06', 'holiday', 'Новогодние каникулы'),
  ('2027-01-07', 'holiday', 'Рождество Христово'),
  ('2027-01-08', 'holiday', 'Новогодние каникулы'),
  ('2027-02-22', 'short', 'Предпраздничный день (на час короче)'),
  ('2027-02-23', 'holiday', 'День защитника Отечества'),
  ('2027-03-08', 'holiday', 'Международный женский день'),
  ('2027-04-30', 'short', 'Предпраздничный день (на час короче)'),
  ('2027-05-01', 'holiday', 'Праздник Весны и Труда'),
  ('2027-05-03', 'holiday', 'Выходной перенесён с 1 мая (ст. 112 ТК РФ)'),
  ('2027-05-09', 'holiday', 'День Победы'),
  ('2027-05-10', 'holiday', 'Выходной перенесён с 9 мая (ст. 112 ТК РФ)'),
  ('2027-06-11', 'short', 'Предпраздничный день (на час короче)'),
  ('2027-06-12', 'holiday', 'День России'),
  ('2027-06-14', 'holiday', 'Выходной перенесён с 12 июня (ст. 112 ТК РФ)'),
  ('2027-11-03', 'short', 'Предпраздничный день (на час короче)'),
  ('2027-11-04', 'holiday', 'День народного единства'),
  ('2027-12-31', 'short', 'Предпраздничный день (на час короче)')
) as d (day, kind, name)
where c.preset = 'ru-production';
