// Inputs for the analyzer bench and the adversarial test: realistic ru/en customer messages
// (greeting, problem, details, sometimes triggers, signature, quoted history), agent replies
// with their customer message and context, and 1 MB hostile texts. Seeded: the same every run.

import { prng as rng } from '../server/prng.ts';
export { rng };

type Lang = 'ru' | 'en';
type Pools = Record<'greet' | 'problem' | 'detail' | 'trigger' | 'steps' | 'close' | 'sign', string[]>;

const RU: Pools = {
  greet: ['Здравствуйте!', 'Добрый день.', 'Добрый вечер, служба поддержки.', 'Привет.', 'Уважаемая поддержка,', 'здравствуйте'],
  problem: [
    'С {date} не работает интернет, индикатор на роутере мигает красным.',
    'Оплатил тариф {amount} ₽, а доступ так и не открылся, в личном кабинете статус «ожидает оплаты».',
    'Заказ {order} должен был приехать вчера, курьер не позвонил, трек-номер не обновляется с понедельника.',
    'После обновления приложение вылетает при входе, на экране просто белый фон и всё.',
    'С карты списали {amount} ₽ дважды за одну и ту же подписку, выписку прикладываю.',
    'Письма клиентам не уходят с {time}, в логах ошибка 550, очередь растёт.',
    'Не могу зайти в личный кабинет: код из СМС не приходит, пробовали на двух номерах.',
    'Счётчик показывает одно, а в квитанции за ноябрь начислено почти в два раза больше.',
    'Сайт на вашем хостинге отдаёт 502 уже третий час, панель управления тоже не открывается.',
    'Курс оплачен, но уроки второго модуля недоступны, пишет «нет прав».',
    'Скорость упала до 2 Мбит/с вместо 100 по договору, по вечерам вообще ничего не грузится.',
    'Продавец на маркетплейсе отменил заказ {order}, а деньги {amount} ₽ до сих пор не вернулись.',
  ],
  detail: [
    'Номер договора {order}, адрес подключения тот же, что в профиле.',
    'Сумма {amount} ₽, оплата прошла {date} в {time}.',
    'Скриншоты ошибки во вложении: 1) экран входа, 2) сообщение об ошибке, 3) история платежей.',
    'Модель роутера TP-Link Archer C6, прошивка последняя, кабель новый.',
    'Браузер Chrome 131, Windows 11; на телефоне (Android 14) то же самое.',
    'В чате оператор дал номер обращения {order}, но ничего не поменялось.',
    'Работаем с 9:00 до 21:00, звонить можно в любое время по номеру ниже.',
    'Если нужно, могу дать удалённый доступ или приехать в офис.',
  ],
  trigger: [
    'Пишу уже третий раз, и каждый раз одно и то же.',
    'Вы обещали перезвонить до вечера и не перезвонили.',
    'Если до {time} не решите, будем расторгать договор и уходить к конкурентам.',
    'Это просто издевательство, вы вообще работаете?!',
    'Срочно, у нас стоят продажи, 300 клиентов не могут оформить заказ.',
    'Соедините, пожалуйста, с руководителем или вторым уровнем поддержки.',
    'Готовлю жалобу в Роспотребнадзор, если вопрос не решится.',
    'Напишу отзыв на Отзовике и в телеграм-канал, пусть все знают.',
    'Спасибо Ольге из вашей поддержки, в прошлый раз всё починили быстро.',
    'Я не собираюсь писать в суд, просто хочу понять, когда всё заработает.',
  ],
  steps: [
    'Перезагрузил роутер, сбросил настройки до заводских, сменил кабель — не помогло.',
    'Очистила кэш и куки, переустановила приложение, пробовала с другого телефона.',
    'Проверили настройки DNS, отключили антивирус и VPN, результат тот же.',
  ],
  close: ['Жду ответа.', 'Прошу разобраться.', 'Когда это исправят?', 'Заранее спасибо.', 'Перезвоните, пожалуйста.', 'Что мне делать дальше?'],
  sign: ['С уважением,\nАнна Петрова\n+7 912 345-67-89', '--\nИгорь, ООО «Ромашка»\nтел. 8 (495) 123-45-67', 'Мария', 'Отправлено с iPhone', 'С уважением, Дмитрий Сергеевич\nглавный инженер'],
};

const EN: Pools = {
  greet: ['Hello,', 'Hi team,', 'Good morning.', 'Dear support,', 'hey', 'Hi there'],
  problem: [
    'Since {date} our internet connection drops every few minutes and the router light is red.',
    'I paid {amount} USD for the annual plan but my account still shows the free tier.',
    'Order {order} was supposed to arrive yesterday; the tracking has not moved since Monday.',
    'After the latest update the app crashes on login and shows a blank white screen.',
    'My card was charged {amount} USD twice for the same subscription, statement attached.',
    'Our outgoing emails have been bouncing with error 550 since {time}, the queue keeps growing.',
    'I cannot log in: the verification code never arrives, we tried two phone numbers.',
    'The site hosted with you returns 502 for the third hour and the control panel is down too.',
  ],
  detail: [
    'Account number {order}, billing address unchanged.',
    'Amount {amount} USD, paid on {date} at {time}.',
    'Screenshots attached: 1) login screen, 2) the error, 3) payment history.',
    'Chrome 131 on macOS 15; same on my Android phone.',
    'The chat agent gave me case number {order} but nothing changed.',
    'We are available 9am-6pm, call the number below anytime.',
  ],
  trigger: [
    'This is my 4th email about this.',
    'You promised a callback by the end of the day and nobody called.',
    'If this is not fixed by {time} we will cancel our subscription and move to a competitor.',
    'This is a joke. Do you even read these tickets?!',
    'URGENT: our checkout is down and hundreds of customers cannot pay.',
    'Please escalate this to a manager or someone senior.',
    'I will dispute the charge with my bank and file an FTC complaint.',
    'I am going to post about this on Twitter and leave a review on Trustpilot.',
    'Thanks a lot to Sam from your team, he was really helpful last time.',
    'I am not going to sue anyone, I just need it working.',
  ],
  steps: [
    'I restarted the router, reset it to factory settings and replaced the cable, no luck.',
    'Cleared the cache and cookies, reinstalled the app and tried another phone.',
    'We checked the DNS records, disabled the firewall and the VPN, same result.',
  ],
  close: ['Waiting for your reply.', 'Please look into it.', 'When will this be fixed?', 'Thanks in advance.', 'Please call me back.', 'What should I do next?'],
  sign: ['Best regards,\nJohn Smith\n+1 415 555 0134', '--\nEmma, Acme Ltd\nphone: +44 20 7946 0958', 'Sent from my iPhone', 'Cheers,\nTom', 'Kind regards, Laura Chen\nHead of Operations'],
};

const QUOTE_HEAD: Record<Lang, string[]> = {
  ru: ['{date} в {time}, Служба поддержки <support@example.ru> пишет:', '-----Original Message-----\nОт: support@example.ru\nТема: Re: Обращение {order}', '---------- Пересланное сообщение ----------'],
  en: ['On {date} at {time} Support <support@example.com> wrote:', '-----Original Message-----\nFrom: support@example.com\nSubject: Re: Case {order}', '---------- Forwarded message ---------'],
};
const QUOTED: Record<Lang, string[]> = {
  ru: ['Здравствуйте! Ваше обращение принято, специалист свяжется с вами в ближайшее время.', 'Приносим извинения за неудобства. Мы передали заявку в технический отдел.', 'Пожалуйста, перезагрузите роутер и проверьте кабель.'],
  en: ['Hello! Your request has been received, a specialist will contact you shortly.', 'We apologize for any inconvenience. The ticket was passed to the technical team.', 'Please restart your router and check the cable.'],
};

const REPLY: Record<Lang, string[]> = {
  ru: [
    'Здравствуйте, {name}!', 'Спасибо за подробное описание и скриншоты.', 'Причина в сбое на нашем оборудовании на узле связи, авария уже локализована.',
    'Перезвоним вам завтра до 12:00 и расскажем, что сделано.', 'Пока можно пользоваться мобильным интернетом: мы начислили 20 ГБ бесплатно.',
    'В качестве компенсации вернём абонентскую плату за неделю.', 'Пожалуйста, ожидайте, заявка в работе.', 'Приносим извинения за доставленные неудобства.',
    'Наши специалисты всегда работают оперативно и профессионально.', 'Попробуйте перезагрузить роутер и очистить кэш браузера.',
    'Проверим платёж до 18:00 и напишем вам в этот же тред.', 'Если к вечеру не заработает, инженер приедет в понедельник с 10 до 14.',
    'У остальных абонентов всё работает, возможно, дело в вашем оборудовании.', 'С уважением, Ольга, служба поддержки',
  ],
  en: [
    'Hi {name},', 'Thanks for the details and the screenshots.', 'The cause was a failed deployment on our side; it has been rolled back.',
    'We will call you tomorrow before noon with an update.', 'Meanwhile you can use the web version, which is not affected.',
    'As a goodwill gesture we have added a free month to your account.', 'Please bear with us, we are working on it.', 'We apologize for any inconvenience.',
    'Our world-class team always resolves issues quickly.', 'Please clear your cache and reinstall the app.',
    'I will check the payment by 6 pm today and reply here.', 'If it still fails, an engineer will visit on Monday between 10 and 2.',
    'It works fine on our end, so it may be your network.', 'Best regards,\nSam, Support',
  ],
};

const EVENTS: Record<Lang, string[]> = {
  ru: ['снова всё отвалилось', 'позвонил на горячую линию, ждал 40 минут', 'пришло СМС «заявка закрыта», хотя ничего не сделано', 'на пару минут заработало и опять пропало',
    'написал в чат, ответил бот', 'приходил мастер, сказал, что проблема не у нас', 'списали абонентскую плату', 'прислали письмо с извинениями без сроков',
    'сменили пароль от Wi-Fi', 'оплатили счёт {order} на {amount} ₽', 'курьер перенёс доставку без предупреждения', 'в приложении висит «технические работы»'],
  en: ['it dropped again', 'called the hotline, waited 40 minutes', 'got a text saying the ticket was closed, nothing was done', 'worked for a couple of minutes and died again',
    'wrote in the chat, a bot answered', 'a technician came and said the problem is not on our side', 'the monthly fee was charged', 'got an apology email with no dates',
    'changed the Wi-Fi password', 'paid invoice {order} for {amount} USD', 'the courier moved the delivery without notice', 'the app shows "maintenance"'],
};

const NAMES = { ru: ['Анна', 'Игорь', 'Мария', 'Дмитрий', 'Елена'], en: ['Anna', 'John', 'Emma', 'Tom', 'Laura'] };

function fill(s: string, r: () => number, lang: Lang): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return s
    .replace(/\{date\}/g, () => `${pad(1 + Math.floor(r() * 28))}.${pad(1 + Math.floor(r() * 12))}.2026`)
    .replace(/\{time\}/g, () => `${pad(8 + Math.floor(r() * 12))}:${pad(Math.floor(r() * 4) * 15)}`)
    .replace(/\{amount\}/g, () => String(100 + Math.floor(r() * 20000)))
    .replace(/\{order\}/g, () => `${Math.floor(r() * 900000 + 100000)}-${Math.floor(r() * 90 + 10)}`)
    .replace(/\{name\}/g, () => pick(NAMES[lang], r));
}

const pick = <T>(xs: T[], r: () => number): T => xs[Math.floor(r() * xs.length)];

/** A customer message of about `size` characters (default 1000-2000), 75% Russian. */
export function customerMessage(i: number, size?: number): string {
  const r = rng(i * 7919 + 13);
  const lang: Lang = r() < 0.75 ? 'ru' : 'en';
  const p = lang === 'ru' ? RU : EN;
  const target = size ?? 1000 + Math.floor(r() * 1000);
  const f = (xs: string[]) => fill(pick(xs, r), r, lang);
  const body: string[] = [f(p.greet), f(p.problem)];
  if (r() < 0.4) body.push(f(p.steps));
  const quoted = r() < 0.35;
  const signature = f(p.sign);
  // fresh text up to ~70% of the size when history is quoted below, else the whole size
  const fresh = quoted ? target * 0.7 : target - signature.length - 2;
  const used = new Set<string>(body);
  const ev = EVENTS[lang];
  for (let tries = 0; body.join(' ').length < fresh && tries < target / 5; tries++) {
    const x = r();
    const template = x < 0.3 ? pick(p.detail, r) : x < 0.5 ? pick(p.trigger, r) : x < 0.6 ? pick(p.problem, r) : x < 0.7 ? pick(p.close, r) : `${x < 0.85 ? '- ' : ''}{date} {time}: ${pick(ev, r)}`;
    if (used.has(template) && !template.includes('{')) continue;
    used.add(template);
    const line = fill(template, r, lang);
    if (body.join(' ').length + line.length > fresh + 150) break;
    body.push(line);
  }
  const paragraphs: string[] = [];
  for (let k = 0; k < body.length;) {
    const n = 1 + Math.floor(r() * 3);
    paragraphs.push(body.slice(k, k + n).join(body[k].startsWith('- ') ? '\n' : r() < 0.2 ? '\n' : ' '));
    k += n;
  }
  let text = `${paragraphs.join('\n\n')}\n\n${signature}`;
  if (r() < 0.15) text = text.toLowerCase();
  if (quoted) {
    const lines = [fill(pick(QUOTE_HEAD[lang], r), r, lang)];
    while (text.length + lines.join('\n').length < target) lines.push(`> ${fill(pick([...QUOTED[lang], ...p.detail], r), r, lang)}`);
    text += `\n\n${lines.join('\n')}`;
  }
  return text;
}

export type ReplyCase = { reply: string; customerMessage: string; context: { unresolved: boolean; our_fault: boolean; customer_asked_cause: boolean }; sentAt: string; timeZone: string };

/** An agent reply of 300-800 characters with the customer message it answers and a context. */
export function replyCase(i: number): ReplyCase {
  const r = rng(i * 104729 + 7);
  const msg = customerMessage(i + 1_000_000);
  const lang: Lang = /[а-яё]/i.test(msg.slice(0, 200)) ? 'ru' : 'en';
  const lines = REPLY[lang];
  const target = 300 + Math.floor(r() * 500);
  const parts = [fill(lines[0], r, lang)];
  const used = new Set<number>();
  while (parts.join(' ').length < target - 40 && used.size < lines.length - 2) {
    const k = 1 + Math.floor(r() * (lines.length - 2));
    if (used.has(k)) continue;
    used.add(k);
    parts.push(fill(lines[k], r, lang));
  }
  parts.push(lines[lines.length - 1]);
  const days = Math.floor(r() * 28);
  return {
    reply: parts.join(' ').slice(0, 800),
    customerMessage: msg,
    context: { unresolved: r() < 0.7, our_fault: r() < 0.4, customer_asked_cause: r() < 0.3 },
    sentAt: new Date(Date.UTC(2026, 10, 2 + days, 6 + Math.floor(r() * 12), Math.floor(r() * 60))).toISOString(),
    timeZone: pick(['Europe/Moscow', 'Europe/Moscow', 'Asia/Yekaterinburg', 'Europe/London', 'America/New_York'], r),
  };
}

const MB = 1 << 20;
const fillTo = (unit: string, size = MB) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** 1 MB hostile inputs: each should be analysed in well under a second. */
export function adversarialInputs(): { name: string; text: string }[] {
  const r = rng(42);
  return [
    { name: 'repeated trigger words (ru)', text: fillTo('срочно суд Роспотребнадзор отзыв уйдём к конкурентам пишу третий раз обещали руководителя перезагрузил роутер спасибо ') },
    { name: 'repeated trigger words (en)', text: fillTo('urgent lawyer chargeback FTC review tweet cancel my subscription 4th email you promised escalate restarted the router thanks ') },
    { name: 'repeated promises and waits', text: fillTo('Перезвоним завтра до 12:00, ожидайте. We will update you by Friday, shortly. ') },
    { name: 'exclamation marks', text: fillTo('!') },
    { name: 'exclamation and question runs', text: fillTo('?!?!?!!!!!!!???') },
    { name: 'CAPS rant', text: fillTo('ВЫ ВООБЩЕ РАБОТАЕТЕ?! ЭТО ИЗДЕВАТЕЛЬСТВО!!! THIS IS A JOKE!!! ') },
    { name: 'one line of nested quote marks', text: `${'>'.repeat(MB - 20)} подам в суд` },
    { name: 'deepening quoted lines', text: fillTo(Array.from({ length: 200 }, (_, k) => `${'>'.repeat(k)} пишет: суд\n`).join('')) },
    { name: 'many reply headers', text: fillTo('On Mon, Nov 2, 2026 at 10:00 Support wrote:\n-----Original Message-----\nпишет:\n') },
    { name: 'digits and colons', text: fillTo('12:00:13:45:99:00:') },
    { name: 'digits, colons and dates', text: fillTo('до 18:00 20.11.2026 через 2 часа с 10 до 14 ') },
    { name: 'no spaces (ru words glued)', text: fillTo('перезагрузилроутерсрочноподамвсудотзывнаотзовикеуйдёмкконкурентам') },
    { name: 'a single 1 MB word (Cyrillic)', text: 'а'.repeat(MB) },
    { name: 'a single 1 MB word (Latin)', text: 'a'.repeat(MB) },
    { name: 'newlines only', text: '\n'.repeat(MB) },
    { name: 'negations before triggers', text: fillTo('не не не не буду не собираюсь писать в суд not going to sue ') },
    { name: 'random letters and punctuation', text: Array.from({ length: MB }, () => ' аеоsntr.,!?>:\n'[Math.floor(r() * 15)]).join('') },
    { name: 'emoji and surrogate pairs', text: fillTo('😡🔥 срочно!!! 🙏 ') },
  ];
}
