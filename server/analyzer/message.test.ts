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

// Own sentences, one phenomenon each (RU and EN): the whole signal set must come out exactly.
const TABLE: [string, Signal[]][] = [
  // typos and slang
  ['срочна памагите нет инета', ['urgent']],
  ['пишу уже 3й раз!!! ответте наконецто', ['repeat_contact']],
  ['подам в суд на вас', ['threat_regulator']],
  ['напишу в роспотребнадзор', ['threat_regulator']],
  ['буду жаловатся в прокуратуру', ['threat_regulator']],
  ['ухожу от вас к мтс', ['churn']],
  ['отпишусь от вас нафиг', ['churn', 'anger']],
  ['спс огромное, всё пашет', ['gratitude']],
  ['респект вашей поддержке', ['gratitude']],
  ['ребят вы лучшие', ['gratitude']],
  ['роутер ребутнул, не помогло', ['tried_steps']],
  ['перегрузил комп, почистил куки', ['tried_steps']],
  ['дайте старшего', ['escalation_request']],
  ['обещали перезвонить и тишина', ['broken_promise']],
  ['u guys rock, thx!', ['gratitude']],
  ['plz fix asap', ['urgent']],
  ['ur support is a joke', ['anger']],
  ['gonna sue u', ['threat_regulator']],
  ['imma leave a 1 star review', ['threat_public']],
  ['cancelling my sub, bye', ['churn']],
  ['Если не вернёте деньги, пойду в суд.', ['threat_regulator']],
  ['Буду писать жалобу в Роспотребнадзор и прокуратуру', ['threat_regulator']],
  ['Подаю иск, документы уже у адвоката.', ['threat_regulator']],
  ['Я оспорю списание в своём банке', ['threat_regulator']],
  ['Передам дело юристам', ['threat_regulator']],
  ['We will take legal action if this is not resolved.', ['threat_regulator']],
  ["I'm contacting my attorney tomorrow.", ['threat_regulator']],
  ["I will file a complaint with the FTC.", ['threat_regulator']],
  ["I'll ask my bank to reverse the charge.", ['threat_regulator']],
  ['Я не собираюсь подавать в суд, просто объясните.', []],
  ["We won't be suing anyone, just fix it please.", []],
  ['Соедините меня с вашим юристом, пожалуйста', ['escalation_request']],
  ['Оставлю отзыв на Яндекс Маркете', ['threat_public']],
  ['Расскажу всем в инстаграме, какой у вас сервис', ['threat_public']],
  ['Опубликую эту историю в своём телеграм-канале', ['threat_public']],
  ['Напишу в газету', ['threat_public']],
  ["I'll leave a one star review everywhere.", ['threat_public']],
  ['Going to post this on Twitter so everyone can see.', ['threat_public']],
  ['Не буду писать отзыв, просто почините.', []],
  ['Я видел вашу рекламу в инстаграме, хочу подключиться.', []],
  ['Мы уходим к другому провайдеру.', ['churn']],
  ['Отключите меня, перехожу в Билайн', ['churn']],
  ['Хочу закрыть счёт и перевести деньги в другой банк', ['churn']],
  ['Договор продлевать не будем.', ['churn']],
  ['We are switching to a competitor next month.', ['churn']],
  ["Please close my account, I'm moving to another bank.", ['churn']],
  ["I want to cancel my membership.", ['churn']],
  ['Верните деньги за заказ 123, товар не подошёл.', []],
  ['Хотели уйти, но передумали, спасибо менеджеру', ['gratitude']],
  ['У нас стоит производство, теряем по миллиону в день', ['business_impact']],
  ['Наши клиенты не могут оплатить заказы', ['business_impact']],
  ['Из-за сбоя 200 сотрудников не могут работать', ['business_impact']],
  ['Our customers cannot log in and we are losing sales.', ['business_impact']],
  ['Payroll for 80 employees is stuck.', ['business_impact']],
  ['У меня день рождения завтра, хотела заказать торт.', []],
  ['Срочно нужна помощь!', ['urgent']],
  ['Решите вопрос до пятницы, пожалуйста.', ['urgent']],
  ['Please fix this ASAP.', ['urgent']],
  ['We need this resolved by 5pm today.', ['urgent']],
  ['Опять не работает интернет.', []],
  ['Пишу вам уже второй раз.', ['repeat_contact']],
  ['Я уже обращался в поддержку по этому поводу на прошлой неделе.', ['repeat_contact']],
  ['This is the third time I am contacting you about this.', ['repeat_contact']],
  ['I emailed you yesterday and got no answer.', ['repeat_contact']],
  ['Мне обещали вернуть деньги за неделю, прошёл месяц.', ['broken_promise']],
  ['Вы сказали, что мастер приедет в понедельник, никто не приехал.', ['broken_promise']],
  ['You promised a refund within 3 days. Nothing.', ['broken_promise']],
  ['The technician was supposed to come on Friday, nobody showed up.', ['broken_promise']],
  ['Позовите старшего смены.', ['escalation_request']],
  ['Прошу передать вопрос руководству.', ['escalation_request']],
  ['Can I speak to a manager please?', ['escalation_request']],
  ['Please escalate to tier 2.', ['escalation_request']],
  ['Перезагружал роутер и менял кабель, не помогло.', ['tried_steps']],
  ['Уже пробовала переустановить приложение и почистить кэш.', ['tried_steps']],
  ["I've already tried restarting the modem and resetting the router.", ['tried_steps']],
  ['I cleared the cache and reinstalled the app, still broken.', ['tried_steps']],
  ['Спасибо большое, всё заработало!', ['gratitude']],
  ['Thanks so much, you saved my day!', ['gratitude']],
  ['Заранее спасибо за ответ.', []],
  ['Thanks in advance.', []],
  ['Спасибо за "оперативность", третий день жду.', ['anger']],
  ['Thanks for nothing.', ['anger']],
  ['Great job, again. Another outage.', ['anger']],
  ['Это издевательство над клиентами!', ['anger']],
  ['ВЫ ВООБЩЕ РАБОТАЕТЕ?!', ['anger']],
  ['This is a joke. Absolutely useless support.', ['anger']],
  ['Я расстроен, что заказ задерживается, прошу разобраться.', []],
  ['Я не угрожаю, но претензию уже готовит наш юрист.', ['threat_regulator']],
  ['Думали уйти к конкурентам, но остаёмся.', []],
  ['Привет!\n> Подам в суд!\nСпасибо, всё работает.', ['gratitude']],
  ['Терпение лопнуло. Жалоба в прокуратуру уже составлена.', ['threat_regulator']],
  ['Завтра же иду в Роспотребнадзор с чеками.', ['threat_regulator']],
  ['Будем решать вопрос в судебном порядке.', ['threat_regulator']],
  ['Мой адвокат свяжется с вами.', ['threat_regulator']],
  ['Заблокирую платёж через банк, раз вы не возвращаете.', ['threat_regulator']],
  ['Сделал запрос на возврат средств через банк (чарджбек).', ['threat_regulator']],
  ["I've reported this to Action Fraud and the police.", ['threat_regulator']],
  ['This is going to small claims court.', ['threat_regulator']],
  ['Expect to hear from our legal team.', ['threat_regulator']],
  ['I will dispute this charge with Visa.', ['threat_regulator']],
  ['Дайте контакты вашего юридического отдела, надо согласовать договор.', ['escalation_request']],
  ['Расскажу о вас всем друзьям и в своём инстаграме.', ['threat_public']],
  ['Опишу всю эту историю на форуме.', ['threat_public']],
  ['Сниму видео про ваш сервис для ютуба.', ['threat_public']],
  ['Пусть все знают, как вы обманываете людей.', ['threat_public', 'anger']],
  ["I'll make sure everyone on Facebook knows about this.", ['threat_public']],
  ['A one-star review is coming your way.', ['threat_public']],
  ["I've already written about this on my blog.", ['threat_public']],
  ['Отказываюсь от ваших услуг.', ['churn']],
  ['Не буду больше пользоваться вашим банком.', ['churn']],
  ['Расторгните договор с 1 числа.', ['churn']],
  ['Ищем замену вашему сервису.', ['churn']],
  ['Переношу все сайты на другой хостинг.', ['churn']],
  ["We've decided not to renew our contract.", ['churn']],
  ["I'm taking my business elsewhere.", ['churn']],
  ['Close my account please, I no longer need it.', ['churn']],
  ["We're looking for a new provider.", ['churn']],
  ['Из-за вас сорвалась отгрузка крупному клиенту.', ['business_impact']],
  ['Интернет-магазин не работает, мы теряем деньги.', ['business_impact']],
  ['Сотрудники не могут зайти в CRM с утра.', ['business_impact']],
  ['Ученики жалуются, что не открываются уроки.', ['business_impact']],
  ['Our whole team of 40 people is blocked.', ['business_impact']],
  ['This outage is costing us thousands of dollars per hour.', ['business_impact']],
  ["Our clients can't access their invoices.", ['business_impact']],
  ['Мне нужно получить посылку до субботы, у сына день рождения.', ['urgent']],
  ['Жду ответа в течение часа.', ['urgent']],
  ['Это очень срочно, горит дедлайн.', ['urgent']],
  ['It is urgent, please respond immediately.', ['urgent']],
  ['I need it working before my flight tomorrow morning.', ['urgent']],
  ['Интернет снова пропал.', []],
  ['Уже писала вам на почту в пятницу.', ['repeat_contact']],
  ['Обращаюсь повторно по заявке 5521.', ['repeat_contact']],
  ['Я вчера звонил на горячую линию по этому вопросу.', ['repeat_contact']],
  ['As I mentioned in my previous email, the invoice is wrong.', ['repeat_contact']],
  ["I've raised this issue twice already.", ['repeat_contact']],
  ['Following up on ticket 4455.', ['repeat_contact']],
  ['Оператор заверил, что деньги вернут за 3 дня, но их нет.', ['broken_promise']],
  ['Обещанный звонок так и не поступил.', ['broken_promise']],
  ['Вы гарантировали доставку к пятнице, а сегодня уже понедельник.', ['broken_promise']],
  ["You told me a technician would call. Nobody called.", ['broken_promise']],
  ["Your agent promised a callback that never happened.", ['broken_promise']],
  ['Хочу поговорить с начальником отдела.', ['escalation_request']],
  ['Передайте жалобу руководству компании.', ['escalation_request']],
  ['Please pass this to someone more senior.', ['escalation_request']],
  ['I demand to speak with your supervisor.', ['escalation_request']],
  ['Сбросил настройки до заводских, обновил прошивку, не помогло.', ['tried_steps']],
  ['Заходил с разных браузеров, результат тот же.', ['tried_steps']],
  ['Удалил и заново установил приложение.', ['tried_steps']],
  ['I tried a different browser and cleared cookies.', ['tried_steps']],
  ["I've unplugged the router for 30 seconds and plugged it back in.", ['tried_steps']],
  ['Благодарю за оперативное решение вопроса!', ['gratitude']],
  ['Вы лучшие, спасибо за помощь!', ['gratitude']],
  ['Сотрудник Мария очень помогла, передайте ей спасибо.', ['gratitude']],
  ['Really appreciate your help today!', ['gratitude']],
  ['Big thanks to Tom, he sorted everything out.', ['gratitude']],
  ['Спасибо, что потеряли мою посылку.', ['anger']],
  ['Отличная работа: третий раз привозите не тот товар.', ['anger']],
  ['Wow, thanks for the "fast" delivery, only two weeks late.', ['anger']],
  ['Вы издеваетесь??? Сколько можно ждать???', ['anger']],
  ['What a joke of a company.', ['anger']],
  ['НЕМЕДЛЕННО ВЕРНИТЕ МОИ ДЕНЬГИ!!!', ['anger', 'urgent']],
  ['Я немного расстроена, но понимаю, что бывают накладки.', []],
  ['Не знаю, что делать, помогите пожалуйста.', []],
  ['Спасибо за ответ. Подскажите ещё, где найти договор?', []],
  ['Кстати, мне понравилось ваше новое приложение.', []],
  ['Подскажите, пожалуйста, как поменять пароль?', []],
  ['Can you tell me my current balance?', []],
  ['Я работаю в полиции, нужна справка о доходах для работы.', []],
  ['Суд обязал меня платить алименты, как настроить автоплатёж?', []],
  ['Подскажите, как оплатить штраф ГИБДД через приложение?', []],
  ["I'm a police officer, I need a statement for a background check.", []],
  ['Оставил вам отзыв на 5 звёзд, спасибо за помощь!', ['gratitude']],
  ['Где можно оставить отзыв о работе курьера? Он был очень вежлив.', []],
  ["I left you a 5-star review on Trustpilot, you deserve it!", ['gratitude']],
  ['Читаю ваш блог, очень полезно.', []],
  ['Как отменить заказ, если я передумал?', []],
  ['Хочу перейти на тариф подороже, где это сделать?', []],
  ['Мы переезжаем в новый офис, как перенести интернет?', []],
  ['Please cancel order 1234, I ordered the wrong size.', []],
  ['We need 5 more licenses for new employees.', []],
  ['У нас 3 сотрудника, какой тариф подойдёт?', []],
  ['Подскажите, до какого числа нужно оплатить счёт?', []],
  ['Работаете ли вы до 20:00?', []],
  ['Can I pay by Friday?', []],
  ['Я звонила вам вчера, вопрос решили, спасибо большое!', ['gratitude']],
  ['Менеджер обещал перезвонить завтра, буду ждать.', []],
  ['Хочу узнать у специалиста, подойдёт ли роутер.', []],
  ['Я перезагрузил роутер и всё заработало, спасибо!', ['tried_steps', 'gratitude']],
  ['Спасибо!', ['gratitude']],
  ['Ок, спасибо.', ['gratitude']],
  ['Большое спасибо за подробную инструкцию!', ['gratitude']],
  ['Вы что, издеваетесь? Третий раз одно и то же!', ['anger']],
  ['Это ни в какие ворота не лезет!', ['anger']],
  ['This is unacceptable and frankly ridiculous.', ['anger']],
  ['Я очень недоволен обслуживанием.', []],
  ['Well done on the new app, it looks great!', ['gratitude']],
  ['Ваш сотрудник нагрубил мне по телефону, прошу разобраться.', []],
  ['Пусть ваш юрист свяжется со мной по поводу договора.', ['escalation_request']],
  ['Срочно свяжитесь со мной!', ['urgent']],
  ['До конца месяца надо закрыть сделку, иначе потеряем клиента.', ['urgent', 'business_impact']],
  ["If I don't get my money back by Friday, I'll open a dispute with PayPal.", ['threat_regulator', 'urgent']],
  ["I've already lodged a complaint with the ombudsman.", ['threat_regulator']],
  ["My lawyer has advised me to take this further.", ['threat_regulator']],
  ["I'm reporting this to Trading Standards.", ['threat_regulator']],
  ["Not going to report you to anyone, just want my refund.", []],
  ["I'll be posting a detailed review on Google.", ['threat_public']],
  ["My followers on Instagram will hear about this.", ['threat_public']],
  ["I'm going to the local news with this story.", ['threat_public']],
  ["I saw a Reddit thread about this bug, is it fixed?", []],
  ["We'll be moving to a different provider when the contract ends.", ['churn']],
  ["Please don't auto-renew, we won't continue next year.", ['churn']],
  ["I'm cancelling my account today.", ['churn']],
  ["Your competitor offered us a better deal and we're taking it.", ['churn']],
  ["Can I get a refund for the damaged item? I still love your store.", []],
  ["Our online shop can't take payments and we're losing customers.", ['business_impact']],
  ["None of our 200 employees can log in.", ['business_impact']],
  ["The outage stopped our production line for three hours.", ['business_impact']],
  ["It's my daughter's birthday party and the cake hasn't arrived.", []],
  ["Need an answer within 24 hours.", ['urgent']],
  ["This has to be fixed before Monday's launch.", ['urgent']],
  ["Please respond at your earliest convenience.", []],
  ["I've written to you three times now.", ['repeat_contact']],
  ["I spoke to one of your agents last Tuesday about this.", ['repeat_contact']],
  ["My previous ticket number was 88231.", ['repeat_contact']],
  ["Your colleague assured me it would be fixed by Monday. It wasn't.", ['broken_promise']],
  ["We were promised a refund weeks ago.", ['broken_promise']],
  ["I was told someone would call me back within 2 hours. Nothing.", ['broken_promise']],
  ["Let me speak to someone in charge.", ['escalation_request']],
  ["Please raise this with your management.", ['escalation_request']],
  ["I need a technical specialist, not a script reader.", ['escalation_request']],
  ["I reset the modem to factory settings and replaced the ethernet cable.", ['tried_steps']],
  ["Already tried logging out and back in, no luck.", ['tried_steps']],
  ["We reinstalled the plugin and flushed the cache.", ['tried_steps']],
  ["Thank you, the issue is resolved now.", ['gratitude']],
  ["Cheers for sorting that out so fast!", ['gratitude']],
  ["Your support team is amazing, thanks!", ['gratitude']],
  ["Thanks for nothing, as usual.", ['anger']],
  ["Brilliant, another week without internet. Great job.", ['anger']],
  ["This is absolutely disgraceful.", ['anger']],
  ["WHY IS THIS STILL NOT FIXED?!", ['anger']],
  ["I'm a bit disappointed with the delay, please look into it.", []],
];

test('signal table: varied wording per label, negatives included', () => {
  const wrong: string[] = [];
  for (const [t, exp] of TABLE) {
    const got = sig(t);
    if (JSON.stringify(got) !== JSON.stringify([...exp].sort())) wrong.push(`${t} → ${got.join(',') || '∅'} (expected ${exp.join(',') || '∅'})`);
  }
  assert.deepEqual(wrong, []);
});

test('whole messages: signatures, reply headers and forwards around the live text', () => {
  const cases: [string, Signal[]][] = [
    ['Здравствуйте!\n\nУ нас не работает личный кабинет.\n\n--\nС уважением,\nИван Петров\nООО «Ромашка»\nтел. +7 (900) 123-45-67', []],
    ['Добрый день.\nПодскажите по счёту.\n\nС уважением, Анна\nОтправлено с iPhone', []],
    ['Hi team,\nquick one: is the API down?\n\nThanks,\nJohn\n\nOn Mon, 23 Nov 2026 at 10:00, Support <help@x.com> wrote:\n> We will sue you!!! Cancel everything!', []],
    ['Ответ ниже.\n\n________________________________\nОт: Поддержка\nОтправлено: 20 ноября 2026 г. 10:00\nТема: Заявка\n\nСрочно! Подам в суд!', []],
    ['Спасибо, всё ок.\n\n---- Пересылаемое сообщение ----\nПрокуратура, суд, журналисты', ['gratitude']],
    ['Вы обещали вернуть деньги ещё неделю назад!!! Где они?! Это уже третье моё письмо.', ['broken_promise', 'repeat_contact', 'anger']],
    ['Коллеги, у нас встала вся логистика: 40 заказов не отгружены, склад стоит. Нужен ответственный инженер и решение до 14:00.', ['business_impact', 'escalation_request', 'urgent']],
    ['Я уже писал в чат, перезагружал роутер и сбрасывал настройки. Если не почините до завтра, ухожу к конкуренту и пишу в Роспотребнадзор.', ['repeat_contact', 'tried_steps', 'urgent', 'churn', 'threat_regulator']],
  ];
  for (const [t, exp] of cases) assert.deepEqual(sig(t), [...exp].sort(), t.slice(0, 60));
});
