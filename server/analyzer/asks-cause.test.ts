import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asksCause, freshText } from './asks-cause.ts';

test('Russian questions about the cause', () => {
  for (const t of [
    'Почему у меня опять не работает почта?',
    'Объясните, в чём причина сбоя.',
    'В чем была причина простоя?',
    'Из-за чего списали деньги дважды?',
    'Хотим понять, чем это вызвано.',
    'По какой причине заблокирован аккаунт?',
    'Какова причина отказа?',
    'Что случилось с сайтом вчера?',
    'Что у вас произошло ночью?',
    'ПОЧЕМУ НИЧЕГО НЕ РАБОТАЕТ',
  ]) assert.equal(asksCause(t), true, t);
});

test('English questions about the cause', () => {
  for (const t of [
    'Why did my payment fail?',
    'What happened to the export last night?',
    'Can you tell me what caused the outage?',
    "What's the reason for the delay?",
    'How come the invoice is wrong again?',
    'Please explain the cause of this error.',
  ]) assert.equal(asksCause(t), true, t);
});

test('no question about the cause', () => {
  for (const t of [
    'Письма не приходят с понедельника.',
    'Почему-то не открывается отчёт, помогите.',
    'Спасибо, всё заработало!',
    "That's why I am writing to you: the export is empty.",
    'The export is empty, please fix it today.',
    'Когда почините?',
    'Причина нам неважна, просто почините.',
    '',
  ]) assert.equal(asksCause(t), false, t);
});

test('quoted history does not count', () => {
  assert.equal(asksCause('Спасибо, понял.\n> Почему не работает?'), false);
  assert.equal(asksCause('Ок.\n\nOn Fri, 20 Nov 2026 at 10:00, Desk <a@b.com> wrote:\nWhy is it broken?'), false);
  assert.equal(asksCause('Ок.\n-----Original Message-----\nПочему не работает?'), false);
  assert.equal(freshText('a\n> b\nc'), 'a\nc');
});
