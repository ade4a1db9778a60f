import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeMessage } from './message.ts';
import type { Signal } from './types.ts';

const sig = (t: string) => analyzeMessage(t).signals;
const has = (t: string, s: Signal) => sig(t).includes(s);
/** The evidence texts of one signal. */
const ev = (t: string, s: Signal) => analyzeMessage(t).details.find((d) => d.code === s)?.evidence.map((e) => e.text) ?? [];

test('shape: sorted unique signals, confidences in 0..1, evidence offsets into the original text', () => {
  const t = 'Добрый день.\nПишу вам уже третий раз!!! Если до пятницы не вернёте деньги, подам в суд и напишу отзыв на Отзовике.';
  const a = analyzeMessage(t, { sentAt: '2026-11-20T10:00:00+03:00' });
  assert.equal(a.lang, 'ru');
  assert.deepEqual(a.langs, ['ru']);
  assert.deepEqual(a.signals, [...new Set(a.signals)].sort());
  assert.deepEqual(a.signals, a.details.map((d) => d.code));
  for (const d of a.details) {
    assert.ok(d.confidence > 0 && d.confidence <= 1, d.code);
    assert.ok(d.evidence.length > 0);
    for (const e of d.evidence) assert.equal(t.slice(e.start, e.end), e.text);
  }
  for (const s of ['threat_regulator', 'threat_public', 'repeat_contact', 'urgent'] as const) assert.ok(a.signals.includes(s), s);
  assert.ok(ev(t, 'threat_regulator').some((e) => e.includes('суд')));
  assert.ok(ev(t, 'threat_public').some((e) => e.includes('Отзовике')));
});

test('threat_regulator: courts, regulators, police, chargebacks; our lawyer is escalation; negation', () => {
  assert.ok(has('Если деньги не вернутся, иду в суд.', 'threat_regulator'));
  assert.ok(has('Копию претензии отправила в жилинспекцию.', 'threat_regulator'));
  assert.ok(has('Я оспорил платёж через свой банк.', 'threat_regulator'));
  assert.ok(has("My solicitor will be in touch about the damages.", 'threat_regulator'));
  assert.ok(has("I've filed a chargeback with my card issuer.", 'threat_regulator'));
  assert.ok(!has('Я не собираюсь обращаться в прокуратуру, просто объясните.', 'threat_regulator'));
  assert.ok(!has("We're not going to sue, we just want the invoice fixed.", 'threat_regulator'));
  const lawyer = sig('Соедините, пожалуйста, с вашим юристом по договору.');
  assert.ok(lawyer.includes('escalation_request') && !lawyer.includes('threat_regulator'));
  // the act kept while the word is denied
  assert.ok(has('Я никому не угрожаю, но иск уже готовит мой адвокат.', 'threat_regulator'));
  // intent given up
  assert.ok(!has('Собирался подать в суд, но вы всё вернули, спасибо.', 'threat_regulator'));
  // a mention of the central bank's rate is no complaint
  assert.ok(!has('ЦБ поднял ставку, изменится ли мой процент?', 'threat_regulator'));
});

test('threat_public: reviews, social networks, media; a mere mention is not a threat', () => {
  assert.ok(has('Выложу видео в тикток, пусть все посмотрят.', 'threat_public'));
  assert.ok(has('Напишу подробный отзыв на Яндекс Картах.', 'threat_public'));
  assert.ok(has("I'm sharing this on Reddit tonight.", 'threat_public'));
  assert.ok(has('Journalists will hear about this.', 'threat_public') || has('I will tell the press about this.', 'threat_public'));
  assert.ok(!has('Видела вашу рекламу во ВКонтакте, есть ли скидка?', 'threat_public'));
  assert.ok(!has('Отзыв писать не буду, просто замените товар.', 'threat_public'));
});

test('churn: leaving, not renewing, competitor quotes; a refund alone is not churn; given-up intent', () => {
  assert.ok(has('Со следующего месяца переходим к другому провайдеру.', 'churn'));
  assert.ok(has('Продлевать лицензию мы не будем.', 'churn'));
  assert.ok(has('Закройте мой счёт, я ухожу в другой банк.', 'churn'));
  assert.ok(has('Please cancel my subscription, we are switching to another vendor.', 'churn'));
  assert.ok(!has('Верните, пожалуйста, деньги за разбитую вазу в заказе 5512.', 'churn'));
  assert.ok(!has('Хотели перейти к конкурентам, но после звонка менеджера остаёмся.', 'churn'));
  assert.ok(!has('Хочу перейти на другой тариф, подешевле.', 'churn'));
});

test('business_impact vs a private event', () => {
  assert.ok(has('Касса в магазине не работает, покупатели уходят без покупок.', 'business_impact'));
  assert.ok(has('У 300 наших клиентов не приходят уведомления.', 'business_impact'));
  assert.ok(has("We're losing orders every minute the checkout is down.", 'business_impact'));
  assert.ok(!has('У дочки завтра утренник, а платье так и не доставили.', 'business_impact'));
});

test('urgent: explicit urgency and limits the customer sets; recurrence and past windows are not', () => {
  assert.ok(has('Очень срочно, помогите!', 'urgent'));
  assert.ok(has('Нужно решить до 15:00 сегодня.', 'urgent'));
  assert.ok(has('Please sort this out by tomorrow noon.', 'urgent'));
  assert.ok(!has('Опять пропал интернет, как и на прошлой неделе.', 'urgent'));
  assert.ok(!has('Курьер должен был приехать с 10 до 14, никого не было.', 'urgent'));
  assert.ok(!has('Сейчас не горит, посмотрите когда будет время.', 'urgent'));
});

test('repeat_contact vs broken_promise', () => {
  const both = sig('Звонила вам в понедельник, оператор пообещал перезвонить. Никто не перезвонил.');
  assert.ok(both.includes('repeat_contact') && both.includes('broken_promise'));
  const promiseOnly = sig('Нам обещали подключить линию к среде, но так и не подключили.');
  assert.ok(promiseOnly.includes('broken_promise') && !promiseOnly.includes('repeat_contact'));
  assert.ok(has('This is my fourth email about the missing refund.', 'repeat_contact'));
  assert.ok(has('The agent said the parcel would arrive on Friday. It did not.', 'broken_promise'));
  // a step we suggested that failed is no broken promise
  assert.ok(!has('Сделал, как вы рекомендовали, очистил кэш — не помогло.', 'broken_promise'));
});

test('escalation_request', () => {
  assert.ok(has('Переведите меня на руководителя смены.', 'escalation_request'));
  assert.ok(has('Нужен инженер второй линии.', 'escalation_request'));
  assert.ok(has('Can I talk to a supervisor please?', 'escalation_request'));
  assert.ok(!has('Получил письмо от вашего руководителя отдела, спасибо.', 'escalation_request'));
});

test('tried_steps: short normalized steps from sentences and lists, the signal iff there are steps', () => {
  const a = analyzeMessage('Роутер перезагружал, кабель поменял, даже прошивку обновил — без толку.');
  assert.deepEqual(a.tried_steps, ['перезагрузил роутер', 'поменял кабель', 'обновил прошивку']);
  assert.ok(a.signals.includes('tried_steps'));
  const list = analyzeMessage('Уже пробовала удалить приложение, почистить кэш и зайти с другого телефона.');
  assert.deepEqual(list.tried_steps, ['удалила приложение', 'почистила кэш', 'зашла с другого телефона']);
  const en = analyzeMessage("I've already tried restarting the router and clearing the cache.");
  assert.deepEqual(en.tried_steps, ['restarted the router', 'cleared the cache']);
  assert.deepEqual(analyzeMessage('I rebooted the modem and swapped the cable, still nothing.').tried_steps, ['rebooted the modem', 'swapped the cable']);
  // not by the customer, negated, or a question
  const none = analyzeMessage('Роутер я не перезагружал. Мастер заменил кабель. Нужно ли сбросить настройки?');
  assert.deepEqual(none.tried_steps, []);
  assert.ok(!none.signals.includes('tried_steps'));
  // evidence points at the step words
  const t = 'Добрый день. Я переустановил драйвер, не помогло.';
  assert.deepEqual(ev(t, 'tried_steps'), ['переустановил драйвер']);
});

test('gratitude: sincere thanks, not formulaic, not sarcastic', () => {
  assert.ok(has('Спасибо огромное, всё заработало!', 'gratitude'));
  assert.ok(has('Thank you so much for the quick fix.', 'gratitude'));
  assert.ok(has('Благодарю Ивана за помощь. Есть ещё вопрос: как поменять тариф?', 'gratitude'));
  assert.ok(!has('Подскажите срок доставки. Заранее спасибо!', 'gratitude'));
  assert.ok(!has('Could you check my invoice? Thanks in advance.', 'gratitude'));
  const sarcastic = sig('Спасибо за «быструю» поддержку, жду ответа пятый день.');
  assert.ok(sarcastic.includes('anger') && !sarcastic.includes('gratitude'));
  const nothing = sig('Thanks for nothing, really.');
  assert.ok(nothing.includes('anger') && !nothing.includes('gratitude'));
});

test('anger: insults, caps/!!! rants, sarcasm; civil frustration and urgency alone are not', () => {
  assert.ok(has('Это просто издевательство над людьми.', 'anger'));
  assert.ok(has('ВЫ ЧТО ТАМ ВСЕ СПИТЕ?! ТРЕТИЙ ДЕНЬ БЕЗ СВЯЗИ!!!', 'anger'));
  assert.ok(has('Great job, again. Third outage this week.', 'anger'));
  assert.ok(!has('Я недоволен задержкой, прошу ускорить доставку.', 'anger'));
  assert.ok(!has('Срочно нужна помощь!!!', 'anger'));
  const e = ev('Ну что ж, спасибо за "оперативность".', 'anger');
  assert.ok(e.some((x) => x.includes('оперативность')));
});

test('quoted history is ignored', () => {
  const t = 'Спасибо, всё работает.\n\nПт, 20 нояб. 2026 г. в 10:00, Иван <ivan@mail.ru> пишет:\n> Подам в суд и напишу в СМИ!!!\n> Уйду к конкурентам.';
  assert.deepEqual(sig(t), ['gratitude']);
  assert.deepEqual(sig('Ок.\n> ВЫ ИЗДЕВАЕТЕСЬ?! Срочно!\nЖдём мастера.'), []);
  assert.deepEqual(sig('Thanks, works now.\n-----Original Message-----\nFrom: a@b.com\nI will sue you.'), ['gratitude']);
});

test('language: URLs and e-mails do not count; mixed text lists both', () => {
  assert.equal(analyzeMessage('Не открывается https://example.com/account/settings/billing, пишет ошибку').lang, 'ru');
  assert.equal(analyzeMessage('Please help, my login fails').lang, 'en');
  assert.deepEqual(analyzeMessage('Не работает экспорт в CSV, кнопка Download неактивна, error 500 in console log').langs, ['ru', 'en']);
});

test('linear time on adversarial input', () => {
  const inputs = ['«'.repeat(300_000), '!?'.repeat(150_000), 'СРОЧНО '.repeat(40_000), '1 '.repeat(150_000), 'пробовал перезагрузить, '.repeat(12_000), "'a".repeat(150_000)];
  for (const t of inputs) {
    const t0 = performance.now();
    analyzeMessage(t);
    assert.ok(performance.now() - t0 < 3000, `${t.slice(0, 10)}… took too long`);
  }
});
