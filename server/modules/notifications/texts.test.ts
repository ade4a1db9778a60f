// Notification lines: every kind in both languages, with and without data; no "undefined" or "NaN".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFICATION_KINDS } from '../../../api/notifications.ts';
import { formatTime, noticeMail, noticeTitle } from './texts.ts';

test('every kind reads well in ru and en, with its data and without', () => {
  const full = {
    metric: 'next_response', level: 90, dueAt: '2026-03-29T00:30:00Z', text: 'перезвонить', minutes: 60, toLevel: 2, summary: 'не работает вход',
    ruleName: 'Угроза регулятором', triggerRu: 'угроза жалобой', triggerEn: 'regulator threat', reason: 'сбой платежей', thirdPartyName: 'Банк',
  };
  for (const kind of NOTIFICATION_KINDS) {
    for (const l of ['ru', 'en'] as const) {
      for (const data of [{}, full, { level: 'x', minutes: -1, dueAt: 'not a date', metric: 7 }]) {
        const line = noticeTitle(kind, data, l, 'Europe/Moscow');
        assert.ok(line.length > 5, `${kind} ${l}`);
        assert.doesNotMatch(line, /undefined|NaN|null|\[object/, `${kind} ${l}: ${line}`);
        if (l === 'ru') assert.match(line, /[а-я]/i, `${kind}: ${line}`);
        else if (data !== full) assert.doesNotMatch(line, /[а-я]/i, `${kind}: ${line}`); // (full data itself is Russian)
      }
    }
  }
});

test('lines carry the facts: metric, percent, due time in the reader\'s zone, promise text, direction, rule', () => {
  assert.equal(noticeTitle('sla_warning', { metric: 'first_response', level: 75, dueAt: '2026-12-03T11:00:00Z' }, 'ru', 'Asia/Yekaterinburg'),
    'SLA: прошло 75% времени до первого ответа (срок 3 дек., 16:00)');
  assert.equal(noticeTitle('sla_breach', { metric: 'resolution' }, 'en'), 'SLA breached: resolution overdue');
  assert.equal(noticeTitle('promise_reminder', { minutes: 15, text: 'call back' }, 'en'), 'Promise due in 15 min: "call back"');
  assert.equal(noticeTitle('escalated', { direction: 'down', toLevel: 1 }, 'ru'), 'Обращение возвращено на L1');
  assert.equal(noticeTitle('auto_escalation', { ruleName: 'VIP', triggerEn: 'VIP close to a breach' }, 'en'), 'Automatic escalation by rule "VIP": VIP close to a breach');
  assert.equal(formatTime('2026-03-29T00:30:00Z', 'en', 'No/Such_Zone'), '2026-03-29T00:30:00.000Z');
  assert.equal(noticeTitle('mention', { authorName: 'Anna', excerpt: 'check the relay logs' }, 'en'), 'Anna mentioned you in a note: "check the relay logs"');
  assert.equal(noticeTitle('mention', { authorName: 'Анна', excerpt: 'глянь логи' }, 'ru'), 'Анна упоминает вас в заметке: «глянь логи»');
  assert.equal(noticeTitle('mention', {}, 'ru'), 'Вас упомянули в заметке');
  const long = noticeTitle('promise_broken', { text: 'x'.repeat(5000) }, 'ru');
  assert.ok(long.length < 260);
});

test('the mail: reference in the subject, ticket and link in the body', () => {
  const m = noticeMail('sla_breach', { metric: 'resolution' }, 'ru', 'UTC', { ref: 'SL-7', subject: 'Не работает', url: 'https://desk.example/tickets/7' });
  assert.equal(m.subject, '[SL-7] SLA нарушен: срок решения истёк');
  assert.match(m.body, /^SLA нарушен/);
  assert.match(m.body, /Обращение SL-7: Не работает\nhttps:\/\/desk\.example\/tickets\/7\n/);
  const none = noticeMail('care_expired', { reason: 'сбой' }, 'en', 'UTC', null);
  assert.equal(none.subject, 'Care flag expired: сбой');
});
