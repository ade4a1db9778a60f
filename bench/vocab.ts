// Word lists for generated tickets. Content words are listed most common first and
// drawn with Zipf-like frequency, so the first words are in most tickets and the
// last ones in few. RARE words are never drawn: the generator plants each of them
// in exactly ~100 tickets, for the "rare word" search.

const RU_WORDS = `
заказ оплата доступ ошибка пароль счет доставка аккаунт клиент договор
приложение сайт письмо сервер отчет карта возврат товар интеграция подписка
телефон адрес документ настройка пользователь страница платеж скидка вход интерфейс
менеджер компания акт тариф уведомление база файл поддержка склад курьер
ключ лицензия обновление версия планшет браузер сообщение почта регистрация профиль
корзина статус номер сотрудник проект задача отдел филиал магазин кабинет
сертификат подключение таблица выгрузка загрузка импорт экспорт шаблон форма кнопка
резерв остаток поставщик накладная чек касса терминал смена расписание
график встреча звонок оператор очередь линия канал чат бот робот
сбой авария перезагрузка память диск процессор сеть роутер кабель принтер
сканер монитор клавиатура мышь ноутбук камера микрофон наушники колонка зарядка
батарея экран драйвер прошивка модуль плагин библиотека функция метод запрос
ответ таймаут задержка скорость нагрузка лимит квота баланс кредит долг
штраф пеня неустойка претензия жалоба отзыв оценка рейтинг качество гарантия
ремонт замена деталь запчасть комплект упаковка коробка посылка отправка получение
пункт самовывоз трек маршрут водитель машина топливо парковка офис здание
этаж кабинетный пропуск охрана ключница турникет лифт кондиционер отопление свет
вода кухня кофе обед отпуск больничный зарплата премия налог бухгалтерия
кадры приказ заявление согласование подпись печать архив копия оригинал скан
перевод курс валюта рубль доллар евро банк реквизиты инвойс квитанция
календарь напоминание событие семинар вебинар обучение курсовик экзамен тест вопрос
инструкция руководство регламент политика правило условие требование стандарт процесс этап
`;

const EN_WORDS = `
order payment access error password invoice delivery account customer contract
app website email server report card refund product integration subscription
phone address document settings user page charge discount login interface
manager company receipt plan notification database file support warehouse courier
key license update version tablet browser message mailbox signup profile
cart status number employee project task department branch store dashboard
certificate connection spreadsheet download upload import export template form button
backup stock supplier shipment checkout terminal schedule meeting call agent
queue channel chat bot outage crash reboot memory disk network router cable
printer scanner monitor keyboard laptop camera microphone headset charger battery
screen driver firmware module plugin library function request response timeout
latency speed limit quota balance credit fine complaint feedback rating warranty
repair replacement part package box parcel shipping pickup tracking route
office building badge elevator coffee vacation salary bonus tax accounting
`;

/** Planted words: each sits in ~100 tickets (one residue of id modulo N/100). */
export const RARE_WORDS = ['ксилофонщик', 'марципанов', 'zanzibarite', 'квазарный', 'palimpsest'];

export const RU_STOP = ['и', 'в', 'не', 'на', 'что', 'с', 'по', 'у', 'мы', 'я', 'это', 'как', 'но', 'для', 'уже', 'еще', 'после', 'при'];
export const EN_STOP = ['the', 'a', 'to', 'and', 'is', 'in', 'it', 'of', 'for', 'on', 'my', 'we', 'after', 'still', 'with'];

const split = (s: string) => s.split(/\s+/).filter(Boolean);
export const WORDS = { ru: split(RU_WORDS), en: split(EN_WORDS) } as const;
export type Lang = keyof typeof WORDS;

/** 30 tags; tag k (1-based) is on about 40/k % of tickets. */
export const TAGS = [
  'billing', 'delivery', 'login', 'bug', 'refund', 'mobile', 'vip', 'invoice', 'password', 'api',
  'integration', 'feature-request', 'printer', 'network', 'contract', 'discount', 'warehouse', 'courier',
  'hardware', 'license', 'onboarding', 'security', 'gdpr', 'sla', 'escalation', 'partner', 'b2b', 'webinar',
  'survey', 'legacy',
];
export const tagShare = (rank: number) => 0.4 / rank;

export const GROUPS = ['Первая линия', 'Вторая линия', 'Биллинг', 'Доставка', 'Техподдержка', 'VIP', 'Партнеры', 'Склад', 'Интеграции', 'Юристы'];

import { prng } from '../server/prng.ts';
export { prng };

/** Zipf(s=1) sampler over ranks 0..n-1. */
function zipf(n: number, rnd: () => number): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cdf.push((sum += 1 / k));
  return () => {
    const x = rnd() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function sentenceMaker(lang: Lang, rnd: () => number) {
  const words = WORDS[lang];
  const stop = lang === 'ru' ? RU_STOP : EN_STOP;
  const pick = zipf(words.length, rnd);
  return (min: number, max: number) => {
    const n = min + Math.floor(rnd() * (max - min + 1));
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(rnd() < 0.3 ? stop[Math.floor(rnd() * stop.length)] : words[pick()]);
    out[0] = out[0][0].toUpperCase() + out[0].slice(1);
    return out.join(' ');
  };
}

/** Sentence pool (message texts are 2-3 of these) and subject pool per language. */
export function pools(lang: Lang, sentences: number, subjects: number): { sentences: string[]; subjects: string[] } {
  const rnd = prng(lang === 'ru' ? 1 : 2);
  const make = sentenceMaker(lang, rnd);
  return {
    sentences: Array.from({ length: sentences }, () => make(6, 14) + '.'),
    subjects: Array.from({ length: subjects }, () => make(3, 7)),
  };
}

/** A few ticket bodies for the HTTP create benchmark (same vocabulary). */
export function requestTexts(count: number): { subject: string; body: string }[] {
  const rnd = prng(3);
  const ru = sentenceMaker('ru', rnd);
  return Array.from({ length: count }, () => ({ subject: ru(3, 7), body: `${ru(6, 14)}. ${ru(6, 14)}. ${ru(6, 14)}.` }));
}
