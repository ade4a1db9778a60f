// Time expressions: run with `node --import tsx --test server/analyzer/time.test.ts`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTimes, type TimeMention, type TimeOptions } from './time.ts';
import type { BusinessCalendar } from './types.ts';

type Kind = TimeMention['kind'];
/** [text, the mention expected in it, its due, its kind] */
type Case = [string, string, string | null, Kind];

const MSK = 'Europe/Moscow';
const NY = 'America/New_York';
/** Friday 2026-11-20 10:15 Moscow */
const FRI = new Date('2026-11-20T10:15:00+03:00');
/** Wednesday 2026-11-18 09:30 New York */
const WED_NY = new Date('2026-11-18T09:30:00-05:00');

const msk = (s: string) => `${s.replace(' ', 'T')}:00+03:00`;
const est = (s: string) => `${s.replace(' ', 'T')}:00-05:00`;
const edt = (s: string) => `${s.replace(' ', 'T')}:00-04:00`;

function group(name: string, cases: Case[], opts: TimeOptions): void {
  test(name, async (t) => {
    for (const [text, mention, due, kind] of cases) {
      await t.test(text, () => {
        const got = findTimes(text, opts);
        const m = got.find((g) => g.text === mention);
        assert.ok(m, `no mention «${mention}» in ${JSON.stringify(got)}`);
        assert.equal(text.slice(m.start, m.end), m.text);
        assert.equal(m.due, due);
        assert.equal(m.kind, kind);
      });
    }
  });
}

function none(name: string, texts: string[], opts: TimeOptions): void {
  test(name, async (t) => {
    for (const text of texts) {
      await t.test(text, () => assert.deepEqual(findTimes(text, opts), []));
    }
  });
}

const P: Kind = 'point';
const D: Kind = 'duration';
const WIN: Kind = 'window';

group('Russian: days, weekdays, dates (Friday 10:15 MSK)', [
  ['Восстановим связь сегодня до 16:00.', 'сегодня до 16:00', msk('2026-11-20 16:00'), P],
  ['Ответим сегодня.', 'сегодня', msk('2026-11-20 18:00'), P],
  ['Сделаем до конца дня', 'до конца дня', msk('2026-11-20 18:00'), P],
  ['до конца рабочего дня пришлём', 'до конца рабочего дня', msk('2026-11-20 18:00'), P],
  ['в течение дня перезвоним', 'в течение дня', msk('2026-11-20 18:00'), P],
  ['Перезвоним завтра', 'завтра', msk('2026-11-21 18:00'), P],
  ['перезвоним завтра до 12:00', 'завтра до 12:00', msk('2026-11-21 12:00'), P],
  ['до 12:00 завтра', 'до 12:00 завтра', msk('2026-11-21 12:00'), P],
  ['Завтра до 13:00 я лично проверю', 'Завтра до 13:00', msk('2026-11-21 13:00'), P],
  ['Ответ будет послезавтра', 'послезавтра', msk('2026-11-22 18:00'), P],
  ['Исправим в понедельник', 'в понедельник', msk('2026-11-23 18:00'), P],
  ['к понедельнику', 'к понедельнику', msk('2026-11-23 18:00'), P],
  ['до понедельника', 'до понедельника', msk('2026-11-23 18:00'), P],
  ['в понедельник в 10 утра', 'в понедельник в 10 утра', msk('2026-11-23 10:00'), P],
  ['во вторник', 'во вторник', msk('2026-11-24 18:00'), P],
  ['в среду', 'в среду', msk('2026-11-25 18:00'), P],
  ['к среде', 'к среде', msk('2026-11-25 18:00'), P],
  ['до среды', 'до среды', msk('2026-11-25 18:00'), P],
  ['в четверг до 12:00', 'в четверг до 12:00', msk('2026-11-26 12:00'), P],
  ['к пятнице', 'к пятнице', msk('2026-11-27 18:00'), P],
  ['в пятницу', 'в пятницу', msk('2026-11-27 18:00'), P],
  ['в эту пятницу', 'в эту пятницу', msk('2026-11-20 18:00'), P],
  ['в следующий понедельник', 'в следующий понедельник', msk('2026-11-23 18:00'), P],
  ['в субботу вечером', 'в субботу вечером', msk('2026-11-21 21:00'), P],
  ['в воскресенье', 'в воскресенье', msk('2026-11-22 18:00'), P],
  ['в пт', 'в пт', msk('2026-11-27 18:00'), P],
  ['не позже пятницы', 'не позже пятницы', msk('2026-11-27 18:00'), P],
  ['25 ноября', '25 ноября', msk('2026-11-25 18:00'), P],
  ['к 25 ноябрю', 'к 25 ноябрю', msk('2026-11-25 18:00'), P],
  ['до 10 декабря', 'до 10 декабря', msk('2026-12-10 18:00'), P],
  ['25-го ноября', '25-го ноября', msk('2026-11-25 18:00'), P],
  ['25.11', '25.11', msk('2026-11-25 18:00'), P],
  ['до 01.12.2026', 'до 01.12.2026', msk('2026-12-01 18:00'), P],
  ['до 25/11', 'до 25/11', msk('2026-11-25 18:00'), P],
  ['до 1 декабря 2026 г.', 'до 1 декабря 2026 г.', msk('2026-12-01 18:00'), P],
  ['15 ноября (уже прошло)', '15 ноября', msk('2027-11-15 18:00'), P],
  ['20 ноября', '20 ноября', msk('2026-11-20 18:00'), P],
  ['к 25-му числу', 'к 25-му числу', msk('2026-11-25 18:00'), P],
  ['до 5 числа', 'до 5 числа', msk('2026-12-05 18:00'), P],
  ['в пятницу, 27 ноября, в 15:00', 'в пятницу, 27 ноября, в 15:00', msk('2026-11-27 15:00'), P],
  ['27 ноября в 15:00', '27 ноября в 15:00', msk('2026-11-27 15:00'), P],
  ['на следующий день', 'на следующий день', msk('2026-11-21 18:00'), P],
  ['сегодня или завтра', 'сегодня или завтра', msk('2026-11-21 18:00'), P],
  ['до конца завтрашнего дня', 'до конца завтрашнего дня', msk('2026-11-21 18:00'), P],
  ['до завтрашнего утра', 'до завтрашнего утра', msk('2026-11-21 09:00'), P],
  ['после выходных', 'после выходных', msk('2026-11-23 18:00'), P],
  ['на выходных', 'на выходных', msk('2026-11-22 18:00'), P],
], { sentAt: FRI, timeZone: MSK });

group('Russian: clock times (Friday 10:15 MSK)', [
  ['до 12', 'до 12', msk('2026-11-20 12:00'), P],
  ['к 18:00', 'к 18:00', msk('2026-11-20 18:00'), P],
  ['в 15:30', 'в 15:30', msk('2026-11-20 15:30'), P],
  ['до 12 часов', 'до 12 часов', msk('2026-11-20 12:00'), P],
  ['в 3 часа дня', 'в 3 часа дня', msk('2026-11-20 15:00'), P],
  ['в 12.00', 'в 12.00', msk('2026-11-20 12:00'), P],
  ['в 15 ч', 'в 15 ч', msk('2026-11-20 15:00'), P],
  ['в 10 вечера', 'в 10 вечера', msk('2026-11-20 22:00'), P],
  ['в 11 ночи', 'в 11 ночи', msk('2026-11-20 23:00'), P],
  ['в 2 ночи', 'в 2 ночи', msk('2026-11-21 02:00'), P],
  ['в 12 дня', 'в 12 дня', msk('2026-11-20 12:00'), P],
  ['в час дня', 'в час дня', msk('2026-11-20 13:00'), P],
  ['в два часа дня', 'в два часа дня', msk('2026-11-20 14:00'), P],
  ['к пяти вечера', 'к пяти вечера', msk('2026-11-20 17:00'), P],
  ['до пяти', 'до пяти', msk('2026-11-20 17:00'), P],
  ['до 5', 'до 5', msk('2026-11-20 17:00'), P],
  ['в 07:00', 'в 07:00', msk('2026-11-21 07:00'), P],
  ['в 7:00', 'в 7:00', msk('2026-11-21 07:00'), P],
  ['в 5:30', 'в 5:30', msk('2026-11-21 05:30'), P],
  ['в 3 дня', 'в 3 дня', msk('2026-11-20 15:00'), P],
  ['в 9 утра', 'в 9 утра', msk('2026-11-21 09:00'), P],
  ['к 10 утра по Москве', 'к 10 утра по Москве', msk('2026-11-21 10:00'), P],
  ['в 10 (мск)', 'в 10 (мск)', msk('2026-11-21 10:00'), P],
  ['к полудню', 'к полудню', msk('2026-11-20 12:00'), P],
  ['в половине третьего', 'в половине третьего', msk('2026-11-20 14:30'), P],
  ['в 14-00', 'в 14-00', msk('2026-11-20 14:00'), P],
  ['к 14ч', 'к 14ч', msk('2026-11-20 14:00'), P],
  ['к 9 утра понедельника', 'к 9 утра понедельника', msk('2026-11-23 09:00'), P],
  ['до 18:00 пятницы', 'до 18:00 пятницы', msk('2026-11-27 18:00'), P],
  ['не позднее 25.11.2026', 'не позднее 25.11.2026', msk('2026-11-25 18:00'), P],
  ['по 25 ноября включительно', 'по 25 ноября включительно', msk('2026-11-25 18:00'), P],
  ['в среду 25.11', 'в среду 25.11', msk('2026-11-25 18:00'), P],
  ['завтра в первой половине дня', 'завтра в первой половине дня', msk('2026-11-21 13:00'), P],
  ['до обеда завтра', 'до обеда завтра', msk('2026-11-21 13:00'), P],
], { sentAt: FRI, timeZone: MSK });

group('Russian: parts of the day and periods (Friday 10:15 MSK)', [
  ['утром', 'утром', msk('2026-11-20 12:00'), P],
  ['завтра утром', 'завтра утром', msk('2026-11-21 12:00'), P],
  ['завтра с утра', 'завтра с утра', msk('2026-11-21 12:00'), P],
  ['в понедельник утром', 'в понедельник утром', msk('2026-11-23 12:00'), P],
  ['днём', 'днём', msk('2026-11-20 18:00'), P],
  ['после обеда', 'после обеда', msk('2026-11-20 18:00'), P],
  ['к обеду', 'к обеду', msk('2026-11-20 13:00'), P],
  ['вечером', 'вечером', msk('2026-11-20 21:00'), P],
  ['сегодня вечером в 8', 'сегодня вечером в 8', msk('2026-11-20 20:00'), P],
  ['к вечеру', 'к вечеру', msk('2026-11-20 18:00'), P],
  ['ночью', 'ночью', msk('2026-11-21 06:00'), P],
  ['к утру', 'к утру', msk('2026-11-21 09:00'), P],
  ['к полуночи', 'к полуночи', msk('2026-11-21 00:00'), P],
  ['в полдень', 'в полдень', msk('2026-11-20 12:00'), P],
  ['до конца недели', 'до конца недели', msk('2026-11-20 18:00'), P],
  ['на этой неделе', 'на этой неделе', msk('2026-11-20 18:00'), P],
  ['на следующей неделе', 'на следующей неделе', msk('2026-11-27 18:00'), P],
  ['в начале следующей недели', 'в начале следующей недели', msk('2026-11-24 18:00'), P],
  ['до конца месяца', 'до конца месяца', msk('2026-11-30 18:00'), P],
  ['в следующем месяце', 'в следующем месяце', msk('2026-12-31 18:00'), P],
  ['до конца декабря', 'до конца декабря', msk('2026-12-31 18:00'), P],
  ['в декабре', 'в декабре', msk('2026-12-31 18:00'), P],
  ['до конца года', 'до конца года', msk('2026-12-31 18:00'), P],
  ['после 15:00', 'после 15:00', msk('2026-11-20 18:00'), WIN],
  ['завтра после 12', 'завтра после 12', msk('2026-11-21 18:00'), WIN],
  ['после 19:00', 'после 19:00', null, WIN],
  ['после 25 ноября', 'после 25 ноября', null, WIN],
], { sentAt: FRI, timeZone: MSK });

group('Russian: durations (Friday 10:15 MSK)', [
  ['через 2 часа', 'через 2 часа', msk('2026-11-20 12:15'), D],
  ['через два часа', 'через два часа', msk('2026-11-20 12:15'), D],
  ['через час', 'через час', msk('2026-11-20 11:15'), D],
  ['через полчаса', 'через полчаса', msk('2026-11-20 10:45'), D],
  ['через 15 минут', 'через 15 минут', msk('2026-11-20 10:30'), D],
  ['в течение 15 минут', 'в течение 15 минут', msk('2026-11-20 10:30'), D],
  ['в течение часа', 'в течение часа', msk('2026-11-20 11:15'), D],
  ['в течение двух часов', 'в течение двух часов', msk('2026-11-20 12:15'), D],
  ['в течение 2-х часов', 'в течение 2-х часов', msk('2026-11-20 12:15'), D],
  ['через 1,5 часа', 'через 1,5 часа', msk('2026-11-20 11:45'), D],
  ['через полтора часа', 'через полтора часа', msk('2026-11-20 11:45'), D],
  ['через пару часов', 'через пару часов', msk('2026-11-20 12:15'), D],
  ['часа через два', 'часа через два', msk('2026-11-20 12:15'), D],
  ['минут через 15', 'минут через 15', msk('2026-11-20 10:30'), D],
  ['в течение суток', 'в течение суток', msk('2026-11-21 10:15'), D],
  ['в течение 24 часов', 'в течение 24 часов', msk('2026-11-21 10:15'), D],
  ['в течение двадцати четырёх часов', 'в течение двадцати четырёх часов', msk('2026-11-21 10:15'), D],
  ['через 3 дня', 'через 3 дня', msk('2026-11-23 10:15'), D],
  ['через 2-3 дня', 'через 2-3 дня', msk('2026-11-23 10:15'), D],
  ['через неделю', 'через неделю', msk('2026-11-27 10:15'), D],
  ['в ближайшие 2 часа', 'в ближайшие 2 часа', msk('2026-11-20 12:15'), D],
  ['в течение ближайших двух часов', 'в течение ближайших двух часов', msk('2026-11-20 12:15'), D],
  ['в ближайшие полчаса', 'в ближайшие полчаса', msk('2026-11-20 10:45'), D],
  ['в течение получаса', 'в течение получаса', msk('2026-11-20 10:45'), D],
  ['в течение 2 недель', 'в течение 2 недель', msk('2026-12-04 10:15'), D],
  ['в течение 3 рабочих дней', 'в течение 3 рабочих дней', msk('2026-11-25 18:00'), D],
  ['в течение 1-2 рабочих дней', 'в течение 1-2 рабочих дней', msk('2026-11-24 18:00'), D],
  ['деньги вернутся в течение 5 рабочих дней', 'в течение 5 рабочих дней', msk('2026-11-27 18:00'), D],
  ['до 3 рабочих дней', 'до 3 рабочих дней', msk('2026-11-25 18:00'), D],
  ['5 рабочих дней', '5 рабочих дней', msk('2026-11-27 18:00'), D],
], { sentAt: FRI, timeZone: MSK });

group('Russian: vague and event', [
  ['в ближайшее время', 'в ближайшее время', null, 'vague'],
  ['специалист вам скоро перезвонит', 'скоро', null, 'vague'],
  ['как можно скорее', 'как можно скорее', null, 'vague'],
  ['в кратчайшие сроки', 'в кратчайшие сроки', null, 'vague'],
  ['через несколько дней', 'через несколько дней', null, 'vague'],
  ['позвоню позже', 'позже', null, 'vague'],
  ['после оплаты', 'после оплаты', null, 'event'],
  ['как только получим', 'как только получим', null, 'event'],
  ['Напишу, как только посылка уедет со склада', 'как только посылка уедет', null, 'event'],
  ['в течение часа после этого', 'в течение часа после этого', null, 'event'],
  ['позвонит сразу после этого', 'сразу после этого', null, 'event'],
  ['в течение 3 рабочих дней после того, как товар придёт', 'в течение 3 рабочих дней после того, как товар придёт', null, 'event'],
  ['в течение 24 часов с момента оплаты', 'в течение 24 часов с момента оплаты', null, 'event'],
  ['по получении документов', 'по получении документов', null, 'event'],
  ['после праздников', 'после праздников', null, 'event'],
], { sentAt: FRI, timeZone: MSK });

group('English (Wednesday 09:30 New York)', [
  ['it will be fixed by 1 pm today', 'by 1 pm today', est('2026-11-18 13:00'), P],
  ['by end of day', 'by end of day', est('2026-11-18 18:00'), P],
  ['by the end of the day', 'by the end of the day', est('2026-11-18 18:00'), P],
  ['EOD', 'EOD', est('2026-11-18 18:00'), P],
  ['by COB tomorrow', 'by COB tomorrow', est('2026-11-19 18:00'), P],
  ['today', 'today', est('2026-11-18 18:00'), P],
  ['later today', 'later today', est('2026-11-18 18:00'), P],
  ['tomorrow', 'tomorrow', est('2026-11-19 18:00'), P],
  ['tomorrow at 5', 'tomorrow at 5', est('2026-11-19 17:00'), P],
  ['5 pm tomorrow', '5 pm tomorrow', est('2026-11-19 17:00'), P],
  ['tomorrow by noon', 'tomorrow by noon', est('2026-11-19 12:00'), P],
  ['tomorrow morning', 'tomorrow morning', est('2026-11-19 12:00'), P],
  ['the day after tomorrow', 'the day after tomorrow', est('2026-11-20 18:00'), P],
  ['by Friday', 'by Friday', est('2026-11-20 18:00'), P],
  ['by Friday EOD', 'by Friday EOD', est('2026-11-20 18:00'), P],
  ['on Monday', 'on Monday', est('2026-11-23 18:00'), P],
  ['on Wednesday', 'on Wednesday', est('2026-11-25 18:00'), P],
  ['this Wednesday', 'this Wednesday', est('2026-11-18 18:00'), P],
  ['next Monday', 'next Monday', est('2026-11-23 18:00'), P],
  ['on Monday at 10am', 'on Monday at 10am', est('2026-11-23 10:00'), P],
  ['at 10am on Monday', 'at 10am on Monday', est('2026-11-23 10:00'), P],
  ['Monday morning', 'Monday morning', est('2026-11-23 12:00'), P],
  ['on Fri', 'on Fri', est('2026-11-20 18:00'), P],
  ['by 5pm', 'by 5pm', est('2026-11-18 17:00'), P],
  ['by 5 p.m.', 'by 5 p.m.', est('2026-11-18 17:00'), P],
  ['at 10:30 am', 'at 10:30 am', est('2026-11-18 10:30'), P],
  ['at 9 am', 'at 9 am', est('2026-11-19 09:00'), P],
  ['at 3', 'at 3', est('2026-11-18 15:00'), P],
  ['at 5:30', 'at 5:30', est('2026-11-18 17:30'), P],
  ['tomorrow at 9am.', 'tomorrow at 9am', est('2026-11-19 09:00'), P],
  ["at 4 o'clock", "at 4 o'clock", est('2026-11-18 16:00'), P],
  ['by noon', 'by noon', est('2026-11-18 12:00'), P],
  ['at midnight', 'at midnight', est('2026-11-19 00:00'), P],
  ['12pm', '12pm', est('2026-11-18 12:00'), P],
  ['12am', '12am', est('2026-11-19 00:00'), P],
  ['tonight', 'tonight', est('2026-11-18 21:00'), P],
  ['in the morning', 'in the morning', est('2026-11-18 12:00'), P],
  ['this afternoon', 'this afternoon', est('2026-11-18 18:00'), P],
  ['in the evening', 'in the evening', est('2026-11-18 21:00'), P],
  ['overnight', 'overnight', est('2026-11-19 06:00'), P],
  ['Nov 25', 'Nov 25', est('2026-11-25 18:00'), P],
  ['by November 25th', 'by November 25th', est('2026-11-25 18:00'), P],
  ['December 5th', 'December 5th', est('2026-12-05 18:00'), P],
  ['Dec. 5, 2026', 'Dec. 5, 2026', est('2026-12-05 18:00'), P],
  ['the 5th of December', 'the 5th of December', est('2026-12-05 18:00'), P],
  ['on the 25th', 'on the 25th', est('2026-11-25 18:00'), P],
  ['at half past three', 'at half past three', est('2026-11-18 15:30'), P],
  ['quarter to five', 'quarter to five', est('2026-11-18 16:45'), P],
  ['quarter past 10 am', 'quarter past 10 am', est('2026-11-18 10:15'), P],
  ['by close of business Friday', 'by close of business Friday', est('2026-11-20 18:00'), P],
  ['before 3pm tomorrow', 'before 3pm tomorrow', est('2026-11-19 15:00'), P],
  ['no later than noon on Monday', 'no later than noon on Monday', est('2026-11-23 12:00'), P],
  ['by 10 tomorrow morning', 'by 10 tomorrow morning', est('2026-11-19 10:00'), P],
  ['tomorrow, Nov 19', 'tomorrow, Nov 19', est('2026-11-19 18:00'), P],
  ['Thursday 26th', 'Thursday 26th', est('2026-11-26 18:00'), P],
  ['Thu 26 Nov', 'Thu 26 Nov', est('2026-11-26 18:00'), P],
  ['26th November', '26th November', est('2026-11-26 18:00'), P],
  ['on 26/11/2026', 'on 26/11/2026', est('2026-11-26 18:00'), P],
  ['this evening at 7', 'this evening at 7', est('2026-11-18 19:00'), P],
  ['Monday the 23rd', 'Monday the 23rd', est('2026-11-23 18:00'), P],
  ['around 3pm', 'around 3pm', est('2026-11-18 15:00'), P],
  ['by 12/05', 'by 12/05', est('2026-12-05 18:00'), P],
  ['2026-12-05', '2026-12-05', est('2026-12-05 18:00'), P],
  ['May 5', 'May 5', edt('2027-05-05 18:00'), P],
  ['end of the week', 'end of the week', est('2026-11-20 18:00'), P],
  ['this week', 'this week', est('2026-11-20 18:00'), P],
  ['next week', 'next week', est('2026-11-27 18:00'), P],
  ['early next week', 'early next week', est('2026-11-24 18:00'), P],
  ['by the end of the month', 'by the end of the month', est('2026-11-30 18:00'), P],
  ['end of November', 'end of November', est('2026-11-30 18:00'), P],
  ['in December', 'in December', est('2026-12-31 18:00'), P],
  ['after the weekend', 'after the weekend', est('2026-11-23 18:00'), P],
  ['after 5pm', 'after 5pm', est('2026-11-18 18:00'), WIN],
], { sentAt: WED_NY, timeZone: NY });

group('English durations, windows, vague and event (Wednesday 09:30 New York)', [
  ['within an hour', 'within an hour', est('2026-11-18 10:30'), D],
  ['within 30 minutes', 'within 30 minutes', est('2026-11-18 10:00'), D],
  ['in 15 min', 'in 15 min', est('2026-11-18 09:45'), D],
  ['in 5 mins', 'in 5 mins', est('2026-11-18 09:35'), D],
  ['in an hour or so', 'in an hour or so', est('2026-11-18 10:30'), D],
  ['within 10 working days', 'within 10 working days', est('2026-12-02 18:00'), D],
  ['within 24 hours', 'within 24 hours', est('2026-11-19 09:30'), D],
  ['within 24h', 'within 24h', est('2026-11-19 09:30'), D],
  ['in two hours', 'in two hours', est('2026-11-18 11:30'), D],
  ['in half an hour', 'in half an hour', est('2026-11-18 10:00'), D],
  ['in a couple of hours', 'in a couple of hours', est('2026-11-18 11:30'), D],
  ['within twenty-four hours', 'within twenty-four hours', est('2026-11-19 09:30'), D],
  ['in the next 2 hours', 'in the next 2 hours', est('2026-11-18 11:30'), D],
  ['2 hours from now', '2 hours from now', est('2026-11-18 11:30'), D],
  ['in 2 days', 'in 2 days', est('2026-11-20 09:30'), D],
  ['within a day or two', 'within a day or two', est('2026-11-20 09:30'), D],
  ['within a week', 'within a week', est('2026-11-25 09:30'), D],
  ['within 2 business days', 'within 2 business days', est('2026-11-20 18:00'), D],
  ['3-5 business days', '3-5 business days', est('2026-11-25 18:00'), D],
  ['within 4 business hours', 'within 4 business hours', est('2026-11-18 13:30'), D],
  ['between 2 and 4 pm', 'between 2 and 4 pm', est('2026-11-18 16:00'), WIN],
  ['from 10am to 2pm', 'from 10am to 2pm', est('2026-11-18 14:00'), WIN],
  ['between 10 and 2', 'between 10 and 2', est('2026-11-18 14:00'), WIN],
  ['tomorrow between 9 and 11 am', 'tomorrow between 9 and 11 am', est('2026-11-19 11:00'), WIN],
  ['from Monday to Wednesday', 'from Monday to Wednesday', est('2026-11-25 18:00'), WIN],
  ['from 5 to 8', 'from 5 to 8', est('2026-11-18 20:00'), WIN],
  ['the Thursday 8–10am slot', 'Thursday 8–10am', est('2026-11-19 10:00'), WIN],
  ['2-4 pm tomorrow', '2-4 pm tomorrow', est('2026-11-19 16:00'), WIN],
  ['from 9 to 5', 'from 9 to 5', est('2026-11-18 17:00'), WIN],
  ['for Friday between 7am and 1pm.', 'for Friday between 7am and 1pm', est('2026-11-20 13:00'), WIN],
  ['soon', 'soon', null, 'vague'],
  ['shortly', 'shortly', null, 'vague'],
  ['ASAP', 'ASAP', null, 'vague'],
  ['as soon as possible', 'as soon as possible', null, 'vague'],
  ['in the near future', 'in the near future', null, 'vague'],
  ['in a few days', 'in a few days', null, 'vague'],
  ["I'll call you later", 'later', null, 'vague'],
  ['after payment', 'after payment', null, 'event'],
  ['within 2 business days after payment', 'within 2 business days after payment', null, 'event'],
  ['within 24 hours after payment', 'within 24 hours after payment', null, 'event'],
  ['within 48 hours of receiving', 'within 48 hours of receiving', null, 'event'],
  ["I'll email you once it's done", "once it's done", null, 'event'],
  ['as soon as we receive it', 'as soon as we receive', null, 'event'],
  ['upon receipt', 'upon receipt', null, 'event'],
], { sentAt: WED_NY, timeZone: NY });

group('windows (Russian, Friday 10:15 MSK)', [
  ['с 10 до 14', 'с 10 до 14', msk('2026-11-20 14:00'), WIN],
  ['завтра с 10 до 14', 'завтра с 10 до 14', msk('2026-11-21 14:00'), WIN],
  ['наш курьер заберёт посылку завтра с 10:00 до 14:00', 'завтра с 10:00 до 14:00', msk('2026-11-21 14:00'), WIN],
  ['мастер придёт в понедельник с 10 до 13', 'в понедельник с 10 до 13', msk('2026-11-23 13:00'), WIN],
  ['с 9 до 18 часов', 'с 9 до 18 часов', msk('2026-11-20 18:00'), WIN],
  ['с 10 до 2', 'с 10 до 2', msk('2026-11-20 14:00'), WIN],
  ['с 3 до 5', 'с 3 до 5', msk('2026-11-20 17:00'), WIN],
  ['с 7:00 до 9:00', 'с 7:00 до 9:00', msk('2026-11-21 09:00'), WIN],
  ['с 10-00 до 14-00', 'с 10-00 до 14-00', msk('2026-11-20 14:00'), WIN],
  ['10:00–14:00', '10:00–14:00', msk('2026-11-20 14:00'), WIN],
  ['с 25 по 27 ноября', 'с 25 по 27 ноября', msk('2026-11-27 18:00'), WIN],
  ['25–27 ноября', '25–27 ноября', msk('2026-11-27 18:00'), WIN],
  ['с понедельника по среду', 'с понедельника по среду', msk('2026-11-25 18:00'), WIN],
  ['с 8:00 до 9:00 (уже прошло)', 'с 8:00 до 9:00', msk('2026-11-21 09:00'), WIN],
], { sentAt: FRI, timeZone: MSK });

none('not time expressions', [
  'Пробный период продлим на 7 дней',
  'позвонит за час',
  'объявление было размещено за 3 дня',
  'за три дня без интернета',
  'на 3 дня подключили безлимит',
  'в 2 раза быстрее',
  'до 5 раз в сутки',
  'версия 2.10',
  '24/7 support',
  'Good morning, Anna',
  'позвоните 8-800-555-01-20 и назовите заявку 55120',
  '+7 (495) 123-45-67',
  'пакет 20 ГБ',
  'вернём 100% оплаты',
  '3 450 ₽ вернутся',
  'uptime is 99.95%',
  'on the other hand',
  'you may 5',
  'in may we trust',
  'скорее всего это кэш',
  'в рабочей среде',
  'настройки среды',
  'в 3 этапа',
  'не позже чем вы',
  'after all',
  'it took longer than expected',
  '',
  'Здравствуйте! Попробуйте перезагрузить телефон и переставить сим-карту.',
], { sentAt: FRI, timeZone: MSK });

test('combined phrases are one mention', () => {
  for (const text of ['завтра до 12:00', 'by Friday EOD', 'в понедельник в 10 утра', 'tomorrow at 10:30 am', 'в пятницу, 27 ноября, в 15:00',
    'завтра с 10 до 14', 'сегодня вечером в 8', 'on Monday, Nov 23 at 9am', 'до конца дня пятницы']) {
    const got = findTimes(text, { sentAt: FRI, timeZone: MSK });
    assert.equal(got.length, 1, `${text}: ${JSON.stringify(got)}`);
    assert.equal(got[0].text, text);
  }
});

test('several mentions in one reply, offsets in UTF-16 code units', () => {
  const text = '👍 Исправим сегодня до 16:00 — пришлю инструкцию в течение 15 минут. Если к 16:00 не заработает, позвоните.';
  const got = findTimes(text, { sentAt: FRI, timeZone: MSK });
  assert.deepEqual(got.map((g) => [g.text, g.due, g.kind]), [
    ['сегодня до 16:00', msk('2026-11-20 16:00'), 'point'],
    ['в течение 15 минут', msk('2026-11-20 10:30'), 'duration'],
    ['к 16:00', msk('2026-11-20 16:00'), 'point'],
  ]);
  for (const g of got) assert.equal(text.slice(g.start, g.end), g.text);
  assert.equal(got[0].start, text.indexOf('сегодня'));
});

test('Russian case forms and ё', () => {
  const o = { sentAt: FRI, timeZone: MSK };
  const due = (t: string) => findTimes(t, o)[0]?.due;
  for (const t of ['в понедельник', 'до понедельника', 'к понедельнику', 'перед понедельником']) {
    assert.equal(due(t), msk('2026-11-23 18:00'), t);
  }
  for (const t of ['25 ноября', 'к 25 ноябрю', '25 Ноября']) assert.equal(due(t), msk('2026-11-25 18:00'), t);
  assert.equal(due('в ноябре'), msk('2026-11-30 18:00'));
  assert.equal(due('днём'), due('днем'));
  assert.equal(due('в течение четырёх часов'), msk('2026-11-20 14:15'));
  assert.equal(due('в течение четырех часов'), msk('2026-11-20 14:15'));
  assert.equal(due('ЗАВТРА ДО 12:00'), msk('2026-11-21 12:00'));
});

test('more phrases: next business day, weekday next week, parentheses, collective numerals, zones, «когда»', () => {
  const mon = { sentAt: new Date('2026-11-16T10:00:00+03:00'), timeZone: MSK }; // Monday
  const one = (t: string, o: TimeOptions = mon) => {
    const got = findTimes(t, o);
    assert.equal(got.length, 1, `${t}: ${JSON.stringify(got)}`);
    return [got[0].text, got[0].due, got[0].kind];
  };
  assert.deepEqual(one('Friday next week'), ['Friday next week', msk('2026-11-27 18:00'), 'point']);
  assert.deepEqual(one('в пятницу на следующей неделе'), ['в пятницу на следующей неделе', msk('2026-11-27 18:00'), 'point']);
  assert.deepEqual(one('next week on Tuesday'), ['next week on Tuesday', msk('2026-11-24 18:00'), 'point']);
  assert.deepEqual(one('в следующую пятницу'), ['в следующую пятницу', msk('2026-11-20 18:00'), 'point']);
  assert.deepEqual(one('next business day', { sentAt: FRI, timeZone: MSK }), ['next business day', msk('2026-11-23 18:00'), 'point']);
  assert.deepEqual(one('на следующий рабочий день до 12:00', { sentAt: FRI, timeZone: MSK }),
    ['на следующий рабочий день до 12:00', msk('2026-11-23 12:00'), 'point']);
  assert.deepEqual(one('first thing tomorrow'), ['first thing tomorrow', msk('2026-11-17 09:00'), 'point']);
  assert.deepEqual(findTimes('the first thing you do', mon), []);
  assert.deepEqual(one('в течение 3 (трёх) рабочих дней'), ['в течение 3 (трёх) рабочих дней', msk('2026-11-19 18:00'), 'duration']);
  assert.deepEqual(one('через двое суток'), ['через двое суток', msk('2026-11-18 10:00'), 'duration']);
  assert.deepEqual(one('within the hour'), ['within the hour', msk('2026-11-16 11:00'), 'duration']);
  assert.deepEqual(one('by 5pm EST'), ['by 5pm EST', msk('2026-11-16 17:00'), 'point']);
  assert.deepEqual(one('к выходным'), ['к выходным', msk('2026-11-20 18:00'), 'point']);
  assert.deepEqual(one('до Нового года'), ['до Нового года', msk('2026-12-31 18:00'), 'point']);
  assert.deepEqual(one('today before noon'), ['today before noon', msk('2026-11-16 12:00'), 'point']);
  assert.deepEqual(one('когда получим ответ'), ['когда получим', null, 'event']);
  assert.deepEqual(one('я напишу вам, когда проверю'), ['когда проверю', null, 'event']);
  assert.deepEqual(one("we'll ship it when it's ready"), ["when it's ready", null, 'event']);
  assert.deepEqual(findTimes('когда вам удобно', mon), []);
});

test('a weekday is the next such day strictly after today', () => {
  const o = { sentAt: FRI, timeZone: MSK };
  assert.equal(findTimes('в пятницу', o)[0].due, msk('2026-11-27 18:00'));
  assert.equal(findTimes('by Friday', o)[0].due, msk('2026-11-27 18:00'));
  assert.equal(findTimes('в субботу', o)[0].due, msk('2026-11-21 18:00'));
  // Sunday: the week ends today, «на этой неделе» is the next Friday
  const sun = { sentAt: new Date('2026-11-22T12:00:00+03:00'), timeZone: MSK };
  assert.equal(findTimes('в понедельник', sun)[0].due, msk('2026-11-23 18:00'));
  assert.equal(findTimes('до конца недели', sun)[0].due, msk('2026-11-27 18:00'));
});

test('a clock time without a day is its next occurrence', () => {
  const late = { sentAt: new Date('2026-11-20T16:30:00+03:00'), timeZone: MSK };
  assert.equal(findTimes('до 12', late)[0].due, msk('2026-11-21 12:00'));
  assert.equal(findTimes('в 17:00', late)[0].due, msk('2026-11-20 17:00'));
  assert.equal(findTimes('утром', late)[0].due, msk('2026-11-21 12:00'));
  // «сегодня» stays today even after the business day
  const evening = { sentAt: new Date('2026-11-20T19:40:00+03:00'), timeZone: MSK };
  assert.equal(findTimes('сегодня', evening)[0].due, msk('2026-11-20 18:00'));
  assert.equal(findTimes('завтра до 12:00', evening)[0].due, msk('2026-11-21 12:00'));
});

test('DST in America/New_York (2026-11-01 falls back)', () => {
  const sat = { sentAt: new Date('2026-10-31T10:00:00-04:00'), timeZone: NY };
  const due = (t: string, o = sat) => findTimes(t, o)[0]?.due;
  assert.equal(due('tomorrow'), est('2026-11-01 18:00'));
  assert.equal(due('tomorrow at 9am'), est('2026-11-01 09:00'));
  assert.equal(due('within 24 hours'), est('2026-11-01 09:00')); // 24 elapsed hours
  assert.equal(due('in 1 day'), est('2026-11-01 10:00')); // a calendar day keeps the wall time
  assert.equal(due('by Monday'), est('2026-11-02 18:00'));
  assert.equal(due('within 2 business days'), est('2026-11-03 18:00'));
  assert.equal(due('today'), edt('2026-10-31 18:00'));
  const early = { sentAt: new Date('2026-11-01T01:30:00-04:00'), timeZone: NY };
  assert.equal(due('in 1 hour', early), est('2026-11-01 01:30'));
  assert.equal(due('by 5pm', early), est('2026-11-01 17:00'));
  // spring forward: 02:30 does not exist on 2026-03-08
  const spring = { sentAt: new Date('2026-03-07T12:00:00-05:00'), timeZone: NY };
  assert.equal(due('tomorrow at 2:30 am', spring), edt('2026-03-08 03:30'));
  assert.equal(due('tomorrow', spring), edt('2026-03-08 18:00'));
});

test('month and year ends', () => {
  const nye = { sentAt: new Date('2026-12-31T15:00:00+03:00'), timeZone: MSK }; // Thursday
  const due = (t: string, o: TimeOptions = nye) => findTimes(t, o)[0]?.due;
  assert.equal(due('завтра'), msk('2027-01-01 18:00'));
  assert.equal(due('до конца месяца'), msk('2026-12-31 18:00'));
  assert.equal(due('до конца года'), msk('2026-12-31 18:00'));
  assert.equal(due('в следующем месяце'), msk('2027-01-31 18:00'));
  assert.equal(due('5 января'), msk('2027-01-05 18:00'));
  assert.equal(due('25 ноября'), msk('2027-11-25 18:00'));
  assert.equal(due('в понедельник'), msk('2027-01-04 18:00'));
  assert.equal(due('через 2 дня'), msk('2027-01-02 15:00'));
  assert.equal(due('в течение 3 рабочих дней'), msk('2027-01-05 18:00'));
  const holidays: BusinessCalendar = { holidays: ['2027-01-01', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08'] };
  assert.equal(due('в течение 3 рабочих дней', { ...nye, calendar: holidays }), msk('2027-01-13 18:00'));
  const feb = { sentAt: new Date('2026-02-10T10:00:00+03:00'), timeZone: MSK };
  assert.equal(due('до конца месяца', feb), msk('2026-02-28 18:00'));
  assert.equal(due('к 30 числу', feb), msk('2026-03-30 18:00'));
  const jan31 = { sentAt: new Date('2026-01-31T10:00:00+03:00'), timeZone: MSK };
  assert.equal(due('через месяц', jan31), msk('2026-02-28 10:00'));
  assert.equal(due('29 февраля', jan31), null); // no such day in 2026
});

test('business calendar: end of day, holidays, moved working days, business hours', () => {
  // Friday ends at 17:00; Saturday 2026-11-21 is a working day; Monday 2026-11-23 a holiday
  const day = { start: 9 * 60, end: 18 * 60 };
  const cal: BusinessCalendar = {
    week: [day, day, day, day, { start: 9 * 60, end: 17 * 60 }, null, null],
    holidays: ['2026-11-23'],
    workdays: ['2026-11-21'],
  };
  const o = { sentAt: FRI, timeZone: MSK, calendar: cal };
  const due = (t: string) => findTimes(t, o)[0]?.due;
  assert.equal(due('сегодня'), msk('2026-11-20 17:00'));
  assert.equal(due('до конца дня'), msk('2026-11-20 17:00'));
  assert.equal(due('в пятницу'), msk('2026-11-27 17:00'));
  assert.equal(due('в понедельник'), msk('2026-11-23 18:00')); // a holiday: 18:00
  assert.equal(due('в течение 1 рабочего дня'), msk('2026-11-21 18:00'));
  assert.equal(due('в течение 2 рабочих дней'), msk('2026-11-24 18:00'));
  assert.equal(due('within 10 business hours'), msk('2026-11-21 12:15')); // 6:45 on Friday, 3:15 on Saturday
  assert.equal(due('через 2 часа'), msk('2026-11-20 12:15')); // plain durations ignore the calendar
  // default calendar Mon–Fri
  assert.equal(findTimes('within 2 business days', { sentAt: FRI, timeZone: MSK })[0].due, msk('2026-11-24 18:00'));
});

test('time zones: UTC offsets are written as +00:00; a bad zone falls back to UTC', () => {
  const london = { sentAt: new Date('2026-11-30T12:15:00Z'), timeZone: 'Europe/London' };
  assert.equal(findTimes('you have access within 30 minutes', london)[0].due, '2026-11-30T12:45:00+00:00');
  const bad = { sentAt: new Date('2026-11-30T12:15:00Z'), timeZone: 'Not/AZone' };
  assert.equal(findTimes('tomorrow', bad)[0].due, '2026-12-01T18:00:00+00:00');
  const nsk = { sentAt: new Date('2026-12-02T15:00:00+07:00'), timeZone: 'Asia/Novosibirsk' };
  assert.equal(findTimes('Сегодня до 18:00 пришлю список', nsk)[0].due, '2026-12-02T18:00:00+07:00');
});

test('fuzz: random mixes of time words, digits and marks never throw and give consistent spans', () => {
  const parts = ['завтра', 'до', '12', ':', '00', 'в', 'понедельник', 'с', '10', 'по', '25', 'ноября', '.', '11', '-', '–',
    'через', '2', 'часа', 'рабочих', 'дней', 'после', 'оплаты', 'как', 'только', 'by', 'Friday', 'EOD', 'pm', 'am', 'at',
    'within', 'an', 'hour', 'business', 'days', 'the', '5th', 'of', 'December', 'between', 'and', ',', '(', ')', '/', 'утра',
    'дня', 'вечером', 'конца', 'недели', 'месяца', 'in', 'next', 'week', 'once', 'we', 'soon', '24', '7', '2026', ' ', '\n',
    'ё', 'Ё', '👍', 'час', 'полчаса', 'пару', 'the end', 'of the', 'двух', 'часов', '31', '0', '99', '.', '%'];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
  const o = { sentAt: FRI, timeZone: NY };
  for (let k = 0; k < 3000; k++) {
    let text = '';
    const len = 1 + rnd(12);
    for (let j = 0; j < len; j++) text += parts[rnd(parts.length)] + (rnd(3) ? ' ' : '');
    const got = findTimes(text, o);
    let prevEnd = 0;
    for (const m of got) {
      assert.ok(m.start >= prevEnd && m.end > m.start && m.end <= text.length, text);
      assert.equal(text.slice(m.start, m.end), m.text);
      assert.ok(m.due === null || iso.test(m.due), `${text}: ${m.due}`);
      if (m.kind === 'vague' || m.kind === 'event') assert.equal(m.due, null);
      prevEnd = m.end;
    }
  }
});

/** CPU milliseconds (user + system) spent by fn */
function cpuMs(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

test('linear time on 1 MB adversarial inputs', () => {
  const o = { sentAt: FRI, timeZone: MSK };
  findTimes('завтра до 12:00 '.repeat(100), o); // warm up
  const inputs = [
    'завтра до '.repeat(100000),
    '1:2:3:12:30:'.repeat(85000),
    '25.11.2026.'.repeat(90000),
    'с 10 до '.repeat(125000),
    'через 2 '.repeat(125000),
    'в течение '.repeat(100000),
    'after '.repeat(170000),
    '1 2 3 4 5 6 7 8 9 '.repeat(55000),
    '1'.repeat(1000000),
    '-'.repeat(1000000),
    'as soon as '.repeat(90000),
  ];
  // CPU time of this process, the best of two runs. Linear, not fast, is what is asserted (speed is the
  // bench's): a quarter of the input must take about a quarter of the time (quadratic would be 1/16),
  // with a ceiling far above any linear run on a busy machine
  const best = (text: string) => Math.min(cpuMs(() => findTimes(text, o)), cpuMs(() => findTimes(text, o)));
  for (const s of inputs) {
    const full = best(s);
    const quarter = best(s.slice(0, s.length >> 2));
    assert.ok(full < 5000, `${s.slice(0, 20)}…: ${full.toFixed(0)} ms`);
    assert.ok(full < 200 || full / Math.max(quarter, 1) < 9, `${s.slice(0, 20)}…: ${full.toFixed(0)} ms for 1 MB, ${quarter.toFixed(0)} ms for a quarter`);
  }
});
