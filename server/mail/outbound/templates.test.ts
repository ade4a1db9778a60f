// Outbound texts: subjects that do not grow, the marker on top, both languages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ackMail, cleanSubject, MARKER, replyMail, ticketSubject } from './templates.ts';

test('subjects: our number in front, "Re:" for replies, old prefixes and old numbers of ours dropped', () => {
  assert.equal(ticketSubject('SL-9', 'Не работает вход', false), '[SL-9] Не работает вход');
  assert.equal(ticketSubject('SL-9', 'Re: [SL-5] Printer', true), 'Re: [SL-9] Printer');
  assert.equal(ticketSubject('SL-9', 'RE: Fwd: [SL-5]  Re: Printer [JIRA-1]', false), '[SL-9] Printer [JIRA-1]');
  assert.equal(cleanSubject('Отв: [JIRA-2] x'), '[JIRA-2] x', "other systems' tags stay");
});

test('reply and acknowledgement: marker first, the text, the number in the footer; HTML escaped where we write it', () => {
  const ru = replyMail('ru', { ref: 'SL-1', html: '<p>Готово</p>', text: 'Готово', agentName: 'Анна <Support>' });
  assert.ok(ru.text.startsWith(`${MARKER.ru}\n\nГотово\n\nАнна <Support>`));
  assert.match(ru.text, /Обращение SL-1\./);
  assert.match(ru.html, /<p>Готово<\/p>/);
  assert.match(ru.html, /Анна &lt;Support&gt;/);
  const en = ackMail('en', { ref: 'SL-2', subject: 'Re: <b>x</b>' });
  assert.ok(en.text.startsWith(MARKER.en));
  assert.match(en.text, /We have received your request SL-2 "<b>x<\/b>"/);
  assert.match(en.html, /&lt;b&gt;x&lt;\/b&gt;/);
});
