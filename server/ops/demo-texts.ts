// Support conversations for `slovo demo`. Each scenario is a short exchange; a demo
// ticket takes its first 1-6 turns. {name} is the customer's first name, {agent} the
// agent's, {num} a random number.
import type { TicketPriority } from '../db/types.ts';

export type Turn = { by: 'customer' | 'agent' | 'note'; ru: string; en: string };
export type Scenario = {
  subjects: { ru: string[]; en: string[] };
  tags: string[];
  priorities: TicketPriority[];
  group: 0 | 1 | 2; // index into DEMO_GROUPS
  turns: Turn[];
};

export const DEMO_GROUPS = [
  { name: 'Первая линия / L1', description: 'Первичные обращения / First contact' },
  { name: 'Вторая линия / L2', description: 'Сложные технические вопросы / Escalations' },
  { name: 'Биллинг / Billing', description: 'Счета, оплаты, возвраты / Invoices, payments, refunds' },
];

const c = (ru: string, en: string): Turn => ({ by: 'customer', ru, en });
const a = (ru: string, en: string): Turn => ({ by: 'agent', ru, en });
const n = (ru: string, en: string): Turn => ({ by: 'note', ru, en });

export const SCENARIOS: Scenario[] = [
  {
    subjects: { ru: ['Не приходят письма на почту', 'Письма от клиентов не доходят', 'Пропала входящая почта'], en: ['Emails are not arriving', 'Incoming mail stopped'] },
    tags: ['mail', 'delivery'], priorities: ['normal', 'high'], group: 0,
    turns: [
      c('Здравствуйте! Со вчерашнего вечера на ящик отдела продаж не приходит ни одного письма. Отправляем себе с личной почты — тишина.', 'Hi, since last night our sales mailbox receives nothing at all. Test messages from a personal address never show up.'),
      a('{name}, добрый день! Проверили журнал — письма отклоняются на нашей стороне из-за переполненной квоты ящика. Можно удалить старые вложения или мы временно расширим квоту?', 'Hello {name}, the log shows the messages are rejected because the mailbox quota is full. Could you clean up old attachments, or shall we raise the quota for now?'),
      c('Расширьте, пожалуйста, на месяц. Почистим до конца недели.', 'Please raise it for a month, we will clean up by the end of the week.'),
      n('Квоту подняли до 50 ГБ до конца месяца, поставить напоминание.', 'Quota raised to 50 GB until month end, set a reminder.'),
      a('Готово: квота увеличена, письма снова доставляются. Задержанные сообщения придут в течение часа.', 'Done: the quota is raised and mail flows again. Delayed messages will arrive within the hour.'),
      c('Да, всё пришло. Спасибо за быструю помощь!', 'Yes, everything arrived. Thanks for the quick help!'),
    ],
  },
  {
    subjects: { ru: ['Списали оплату дважды', 'Двойное списание за подписку', 'Ошибка в счёте № {num}'], en: ['Charged twice this month', 'Invoice {num} is wrong'] },
    tags: ['billing', 'refund'], priorities: ['high', 'normal'], group: 2,
    turns: [
      c('Добрый день. С карты компании за март списали оплату два раза, выписку прикладываю. Прошу вернуть лишнее.', 'Hello, our company card was charged twice for March; bank statement attached. Please refund the extra charge.'),
      a('{name}, здравствуйте! Вижу два платежа с разницей в минуту — повторное нажатие кнопки оплаты. Оформляю возврат второго платежа.', 'Hi {name}, I can see two payments a minute apart, a double click on the pay button. I am starting a refund of the second one.'),
      n('Возврат оформлен в платёжной системе, номер операции {num}.', 'Refund filed with the payment provider, operation {num}.'),
      c('Спасибо. Когда деньги вернутся? Бухгалтерия спрашивает.', 'Thanks. When will the money be back? Accounting is asking.'),
      a('Банк обычно зачисляет возврат за 3–5 рабочих дней. Акт сверки пришлю, как только операция пройдёт.', 'Banks usually credit refunds within 3-5 business days. I will send the reconciliation statement once it clears.'),
      c('Деньги пришли, вопрос закрыт.', 'The money is back, all good.'),
    ],
  },
  {
    subjects: { ru: ['Не могу войти в личный кабинет', 'Сброс пароля не работает', 'Не приходит ссылка для восстановления пароля'], en: ['Cannot log in', 'Password reset link never comes'] },
    tags: ['login', 'password'], priorities: ['normal', 'low'], group: 0,
    turns: [
      c('Нажимаю «Забыли пароль», ввожу почту, а письмо со ссылкой так и не приходит. Спам проверил.', 'I click "Forgot password", enter my email, but the reset link never arrives. Spam folder checked.'),
      a('{name}, добрый день! Ваша учётная запись заведена на другой адрес — с точкой в имени. Отправил ссылку на него, проверьте, пожалуйста.', 'Hi {name}, your account is registered under a slightly different address, with a dot in the name. I sent the link there, please check.'),
      c('Точно, старый адрес. Вошёл. Можно сменить почту на текущую?', 'Right, the old address. I am in. Can you change it to my current one?'),
      a('Сменить адрес можно самостоятельно: Профиль → Почта. После подтверждения входить нужно будет уже с новым адресом.', 'You can change it yourself in Profile → Email. After you confirm it, sign in with the new address.'),
    ],
  },
  {
    subjects: { ru: ['Сервис недоступен!', 'Всё лежит, ошибка 502', 'Не открывается панель управления'], en: ['Service is down', 'Getting 502 errors everywhere'] },
    tags: ['outage', 'incident'], priorities: ['urgent', 'high'], group: 1,
    turns: [
      c('Срочно! С 9:40 ничего не открывается, ошибка 502. У нас встали продажи.', 'Urgent! Since 9:40 nothing loads, error 502. Our sales are stuck.'),
      n('Похоже на общий инцидент в дата-центре, связали с тикетом мониторинга.', 'Looks like the data-centre incident, linked to the monitoring ticket.'),
      a('{name}, знаем о проблеме: сбой у провайдера в одном из дата-центров. Инженеры переключают трафик, ориентир — 30 минут. Напишу, как только восстановим.', '{name}, we know about it: our provider has a failure in one data centre. Engineers are moving traffic, target 30 minutes. I will write as soon as it is back.'),
      c('Уже час прошёл. Есть новости?', 'It has been an hour. Any news?'),
      a('Сервис восстановлен в 11:05. Приносим извинения; разбор инцидента опубликуем на странице статуса.', 'Service restored at 11:05. Our apologies; the incident report will be on the status page.'),
      c('Работает. Ждём отчёт и компенсацию по SLA.', 'Works now. We expect the report and the SLA credit.'),
    ],
  },
  {
    subjects: { ru: ['Ошибка интеграции с 1С', 'Вебхук возвращает 500', 'API отвечает 401 после обновления'], en: ['Webhook returns 500', 'API integration broken after update'] },
    tags: ['api', 'integration'], priorities: ['high', 'normal'], group: 1,
    turns: [
      c('После вашего обновления обмен с 1С падает: в логе «401 Unauthorized» на каждый запрос. Токен не меняли.', 'After your update our integration fails with "401 Unauthorized" on every call. We did not change the token.'),
      a('{name}, здравствуйте! В обновлении старые токены без срока действия стали отклоняться. Создайте новый токен в настройках и замените его в обработке обмена.', 'Hello {name}, the update started rejecting old tokens without an expiry. Please create a new token in settings and put it into the integration.'),
      c('Заменили, теперь 500 на выгрузке заказов. Пример запроса во вложении.', 'Replaced it, now we get 500 on the orders export. Sample request attached.'),
      n('Воспроизвёл: падает на заказах с пустым ИНН. Завёл задачу разработке #{num}.', 'Reproduced: fails on orders with an empty tax id. Filed bug #{num} for the developers.'),
      a('Нашли причину — заказы без ИНН. Исправление выйдет завтра; пока можно заполнить ИНН или исключить такие заказы из выгрузки.', 'Found it: orders without a tax id. A fix ships tomorrow; for now fill in the tax id or exclude such orders from the export.'),
    ],
  },
  {
    subjects: { ru: ['Не выгружается отчёт в Excel', 'Экспорт зависает на 99%'], en: ['Excel export hangs', 'Report export does not finish'] },
    tags: ['export', 'reports'], priorities: ['normal'], group: 1,
    turns: [
      c('Отчёт по продажам за квартал не выгружается. Что уже пробовали: другой браузер (Chrome, Firefox), очистили кэш, выгружали по месяцам — за январь работает, за март нет, с другого компьютера то же самое.', 'The quarterly sales report will not export. What we tried: another browser (Chrome, Firefox), cleared the cache, exported month by month (January works, March does not), another computer: same.'),
      a('{name}, спасибо за подробности, это очень помогло. В марте есть позиция с очень длинным описанием, на ней падает формирование файла. Передал на вторую линию.', 'Thanks {name}, the details helped a lot. March has an item with a very long description that breaks the file. I passed it to second line.'),
      n('Ограничение 32 767 символов на ячейку в xlsx. Нужно обрезать при экспорте.', 'xlsx limit is 32,767 characters per cell. Needs truncating on export.'),
      a('Исправление выложено: длинные описания обрезаются в файле, полный текст остаётся в системе. Попробуйте, пожалуйста, ещё раз.', 'A fix is live: long descriptions are truncated in the file, the full text stays in the system. Please try again.'),
      c('Выгрузилось, спасибо.', 'Exported fine, thank you.'),
    ],
  },
  {
    subjects: { ru: ['Претензия: буду жаловаться в Роспотребнадзор', 'Официальная жалоба'], en: ['Formal complaint', 'I will report you to the regulator'] },
    tags: ['complaint', 'escalation'], priorities: ['high', 'urgent'], group: 2,
    turns: [
      c('Третий раз пишу про возврат за отменённый тариф. Если до пятницы деньги не вернутся, направлю жалобу в Роспотребнадзор и в банк.', 'This is my third message about the refund for the cancelled plan. If the money is not back by Friday I will file a complaint with the regulator and my bank.'),
      n('Клиент писал 12-го и 19-го, ответов нет — обращения ушли в спам. Эскалировать руководителю.', 'Customer wrote on the 12th and 19th, no replies: both went to spam. Escalate to the lead.'),
      a('{name}, примите извинения: ваши предыдущие письма попали в фильтр, и вы остались без ответа. Возврат оформлен сегодня, подтверждение во вложении. Лично прослежу за зачислением.', '{name}, my apologies: your earlier messages were caught by a filter and left unanswered. The refund was issued today, confirmation attached. I will personally watch it arrive.'),
      c('Хорошо, жду. Но осадок остался.', 'Fine, I will wait. Not a great experience though.'),
      a('Понимаю. В качестве компенсации продлили ваш аккаунт на месяц бесплатно. Ещё раз извините.', 'I understand. As a gesture we extended your account by one free month. Sorry again.'),
    ],
  },
  {
    subjects: { ru: ['Перезвоните мне, пожалуйста', 'Жду обещанного звонка'], en: ['Please call me back', 'Still waiting for the promised call'] },
    tags: ['callback', 'phone'], priorities: ['normal', 'high'], group: 0,
    turns: [
      c('Мне вчера обещали перезвонить по поводу переноса данных до 15:00, звонка не было. Телефон тот же, +7 916 000-00-00.', 'Yesterday I was promised a call back about the data migration before 3 pm. No call. Same number as before.'),
      a('{name}, извините, что звонок сорвался. {agent} наберёт вас сегодня между 14:00 и 15:00 — подойдёт?', 'Sorry the call fell through, {name}. {agent} will call you today between 2 and 3 pm, does that work?'),
      c('Подойдёт, жду.', 'Works for me.'),
      n('Позвонил, договорились о переносе в субботу, 10:00. Созвон записан в календарь.', 'Called, migration agreed for Saturday 10 am. In the calendar.'),
      a('Как договорились по телефону: перенос данных в субботу в 10:00, займёт около двух часов. Накануне пришлю напоминание.', 'As agreed on the phone: migration on Saturday at 10 am, about two hours. I will send a reminder the day before.'),
    ],
  },
  {
    subjects: { ru: ['Как добавить нового сотрудника?', 'Вопрос по правам доступа'], en: ['How do I add a new user?', 'Question about user roles'] },
    tags: ['how-to', 'users'], priorities: ['low', 'normal'], group: 0,
    turns: [
      c('Подскажите, как добавить нового менеджера, чтобы он видел только свои сделки?', 'How can I add a new manager who only sees their own deals?'),
      a('{name}, добрый день! Настройки → Пользователи → «Пригласить». В поле «Роль» выберите «Менеджер» и отметьте «Только свои записи». Приглашение придёт ему на почту.', 'Hi {name}! Settings → Users → "Invite". Pick the "Manager" role and tick "Own records only". The invite goes to their email.'),
      c('Получилось, спасибо!', 'Worked, thanks!'),
    ],
  },
  {
    subjects: { ru: ['Нужны закрывающие документы за квартал', 'Акт и счёт-фактура за {num}'], en: ['Need invoices for the quarter', 'VAT invoice request'] },
    tags: ['billing', 'documents'], priorities: ['low', 'normal'], group: 2,
    turns: [
      c('Добрый день! Пришлите, пожалуйста, акты и счета-фактуры за третий квартал, оригиналы — почтой на юридический адрес.', 'Hello, please send the invoices for Q3; paper originals to our registered address.'),
      a('{name}, документы во вложении. Оригиналы отправим на этой неделе, трек-номер пришлю отдельно.', '{name}, the documents are attached. Originals go out this week, I will send the tracking number.'),
      a('Оригиналы отправлены, трек-номер {num}.', 'Originals sent, tracking number {num}.'),
    ],
  },
  {
    subjects: { ru: ['Очень медленно работает поиск', 'Страницы грузятся по 20 секунд'], en: ['Search is very slow', 'Pages take 20 seconds to load'] },
    tags: ['performance'], priorities: ['normal', 'high'], group: 1,
    turns: [
      c('Последнюю неделю поиск по клиентам занимает 15–20 секунд. Раньше было мгновенно.', 'For a week now customer search takes 15-20 seconds. It used to be instant.'),
      a('{name}, спасибо, что сообщили. Уточните, пожалуйста: медленно при любом запросе или только при поиске по телефону?', 'Thanks for reporting, {name}. Is it slow for any query or only when searching by phone number?'),
      c('Только по телефону, по имени нормально.', 'Only by phone; by name it is fine.'),
      n('Поиск по телефону идёт без индекса после миграции. Передано в L2.', 'Phone search lost its index after the migration. Passed to L2.'),
      a('Восстановили индекс, поиск по телефону снова быстрый. Проверите?', 'We rebuilt the index, phone search is fast again. Could you check?'),
      c('Да, летает.', 'Yes, fast again.'),
    ],
  },
  {
    subjects: { ru: ['Хотим расторгнуть договор', 'Отказ от продления подписки'], en: ['We want to cancel', 'Do not renew our subscription'] },
    tags: ['cancellation', 'churn-risk'], priorities: ['high', 'normal'], group: 2,
    turns: [
      c('Мы переходим на другую систему, продлевать подписку не будем. Как выгрузить все данные?', 'We are moving to another system and will not renew. How do we export all our data?'),
      n('Клиент с нами 3 года. Предложить скидку и звонок руководителя.', 'Customer for 3 years. Offer a discount and a call with the lead.'),
      a('{name}, жаль это слышать. Полная выгрузка: Настройки → Данные → «Экспорт всего». Если дело в цене или каких-то функциях — расскажите, возможно, найдём решение.', 'Sorry to hear that, {name}. Full export: Settings → Data → "Export everything". If it is about price or missing features, tell us, maybe we can find a way.'),
      c('Честно, не хватает интеграции с телефонией. Если появится — вернёмся.', 'Honestly we miss a telephony integration. If you build it, we will be back.'),
      a('Спасибо за честный ответ, передал пожелание команде продукта. Доступ сохранится до конца оплаченного периода.', 'Thank you for the honest answer, I passed it to the product team. Your access stays until the end of the paid period.'),
    ],
  },
  {
    subjects: { ru: ['Кракозябры при импорте CSV', 'Импорт клиентов ломает кириллицу'], en: ['CSV import garbles characters', 'Import breaks non-English names'] },
    tags: ['import', 'csv'], priorities: ['normal', 'low'], group: 1,
    turns: [
      c('Импортировали базу клиентов из CSV, вместо имён — «РђР»РµРєСЃРµР№». Файл из Excel.', 'We imported customers from a CSV exported from Excel and the names came out as gibberish.'),
      a('{name}, Excel сохраняет CSV в кодировке Windows-1251. При импорте выберите кодировку «Windows-1251» или сохраните файл как «CSV UTF-8».', '{name}, Excel saved the file in a legacy encoding. Choose the matching encoding on import, or save it as "CSV UTF-8".'),
      c('С UTF-8 всё загрузилось. А криво загруженных можно удалить разом?', 'With UTF-8 it worked. Can we delete the broken imports in one go?'),
      a('Да: Клиенты → фильтр «Импорт от {num}» → выбрать все → «Удалить». Удаление можно отменить в течение 30 дней.', 'Yes: Customers → filter "Import {num}" → select all → "Delete". You can undo it within 30 days.'),
    ],
  },
  {
    subjects: { ru: ['Сертификат SSL истёк', 'Свой домен не открывается по https'], en: ['SSL certificate expired', 'Custom domain not working over https'] },
    tags: ['ssl', 'domain'], priorities: ['urgent', 'high'], group: 1,
    turns: [
      c('Браузер пишет, что сертификат нашего портала недействителен. Клиенты боятся заходить!', 'The browser says our portal certificate is invalid. Customers are afraid to log in!'),
      a('{name}, сертификат не продлился автоматически: DNS-запись домена указывает на старый адрес. Поменяйте CNAME на portal.slovo.example, дальше мы всё сделаем сами.', '{name}, the certificate did not renew: your DNS record still points to the old address. Change the CNAME to portal.slovo.example and we take it from there.'),
      c('Поменяли 10 минут назад.', 'Changed it ten minutes ago.'),
      a('Сертификат выпущен, портал открывается по https без предупреждений.', 'The certificate is issued; the portal opens over https without warnings.'),
    ],
  },
];
