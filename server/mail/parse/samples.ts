// Realistic mails of the common clients, written by hand after what they send (for tests and the bench).
const CRLF = '\r\n';
const lines = (...l: string[]) => l.join(CRLF);

export const koi8 = (s: string) => encodeSingle(s, 'koi8-r');
export const cp1251 = (s: string) => encodeSingle(s, 'windows-1251');

/** Encodes text into a single-byte charset by inverting TextDecoder's table. */
function encodeSingle(s: string, charset: string): Buffer {
  const dec = new TextDecoder(charset);
  const map = new Map<string, number>();
  for (let i = 0x80; i < 0x100; i++) map.set(dec.decode(Uint8Array.of(i)), i);
  return Buffer.from([...s].map((c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : (map.get(c) ?? 0x3f))));
}

const hdr = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join(CRLF) + CRLF;
const base = (subject: string, extra: Record<string, string> = {}) => ({
  From: 'Ivan Petrov <Ivan.Petrov@Example.RU>', To: 'Support <support@example.test>', Subject: subject,
  Date: 'Tue, 1 Dec 2026 10:00:00 +0300', 'Message-ID': '<CAF=reply-1@mail.gmail.com>', 'MIME-Version': '1.0', ...extra,
});
const alt = (h: Record<string, string>, text: string, html: string, boundary = '000000000000a1b2c3') =>
  Buffer.from(hdr({ ...h, 'Content-Type': `multipart/alternative; boundary="${boundary}"` }) + CRLF +
    lines(`--${boundary}`, 'Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: 8bit', '', text, `--${boundary}`,
      'Content-Type: text/html; charset="UTF-8"', 'Content-Transfer-Encoding: 8bit', '', html, `--${boundary}--`, ''));
const reply = { 'In-Reply-To': '<t123.m456@example.test>', References: '<t123@example.test> <t123.m456@example.test>' };

export const GMAIL = alt(base('Re: Заказ #123', reply),
  lines('Thanks, it works now!', '', 'On Mon, 30 Nov 2026 at 18:00, Support Team <support@example.test>', 'wrote:', '', '> ##- Please type your reply above this line -##', '>', '> Please try again.', ''),
  '<div dir="ltr">Thanks, it works now!</div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, 30 Nov 2026 at 18:00, Support Team &lt;<a href="mailto:support@example.test">support@example.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div>##- Please type your reply above this line -##</div><div>Please try again.</div></blockquote></div>');

export const OUTLOOK = alt(base('RE: Invoice', { ...reply, 'Message-ID': '<AM0PR01MB1234@AM0PR01MB1234.eurprd01.prod.outlook.com>' }),
  lines('Hello, the invoice is attached.', '', 'Best regards,', 'Anna', '', '________________________________', 'From: Support <support@example.test>', 'Sent: Monday, November 30, 2026 6:00 PM', 'To: Anna <anna@corp.test>', 'Subject: Invoice', '', 'Please send the invoice.', ''),
  '<html><body><div style="font-family:Calibri">Hello, the invoice is attached.<br><br>Best regards,<br>Anna</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri" style="font-size:11pt" color="#000000"><b>From:</b> Support &lt;support@example.test&gt;<br><b>Sent:</b> Monday, November 30, 2026 6:00 PM<br><b>Subject:</b> Invoice</font><div>&nbsp;</div></div><div>Please send the invoice.</div></body></html>');

export const APPLE = alt(base('Re: Login problem', reply),
  lines('Still cannot log in.', '', 'Sent from my iPhone', '', '> On 30 Nov 2026, at 18:00, Support <support@example.test> wrote:', '> ', '> Please reset your password.', ''),
  '<html><body dir="auto">Still cannot log in.<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 30 Nov 2026, at 18:00, Support &lt;support@example.test&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Please reset your password.</div></blockquote></body></html>', 'Apple-Mail-1A2B3C');

export const THUNDERBIRD = alt(base('Re: Доступ', reply),
  lines('Спасибо, доступ появился.', '', '-- ', 'Иван Петров', 'ООО Ромашка', '', '01.12.2026 09:00, Служба поддержки пишет:', '> Проверьте, пожалуйста.', ''),
  '<html><body><p>Спасибо, доступ появился.</p><div class="moz-signature">-- <br>Иван Петров</div><div class="moz-cite-prefix">01.12.2026 09:00, Служба поддержки пишет:<br></div><blockquote type="cite" cite="mid:t123.m456@example.test">Проверьте, пожалуйста.</blockquote></body></html>', '------------tb1234');

export const YANDEX = alt(base('Re: Возврат', reply),
  lines('Добрый день! Деньги пришли.', '', '01.12.2026, 10:00, "Служба поддержки" <support@example.test>:', '> Мы оформили возврат.', ''),
  '<div>Добрый день! Деньги пришли.</div><div> </div><div>01.12.2026, 10:00, "Служба поддержки" &lt;support@example.test&gt;:</div><blockquote><div>Мы оформили возврат.</div></blockquote>', '----ya-1');

export const MAILRU = alt(base('Re: Доставка', reply),
  lines('Курьер так и не приехал.', '', '', 'Понедельник, 30 ноября 2026, 18:00 +03:00 от Служба поддержки <support@example.test>:', '', '>Курьер будет завтра.', ''),
  '<HTML><BODY><div>Курьер так и не приехал.</div><div>&nbsp;</div><div>Понедельник, 30 ноября 2026, 18:00 +03:00 от Служба поддержки &lt;<a href="mailto:support@example.test">support@example.test</a>&gt;:<br>&nbsp;<blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;"><div id="">Курьер будет завтра.</div></blockquote></div></BODY></HTML>', '--ALT--mailru1');

export const RU_GMAIL_TEXT = Buffer.from(hdr({ ...base('Re: Счёт', reply), 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Transfer-Encoding': '8bit' }) + CRLF +
  lines('Счёт оплачен.', '', '1 декабря 2026 г., в 10:00, Служба поддержки <support@example.test> пишет:', '', '> ##- Пишите ответ выше этой строки -##', '> Ждём оплату.', ''));

export const MARKER_ONLY = Buffer.from(hdr({ ...base('Re: Вопрос', reply), 'Content-Type': 'text/plain; charset=UTF-8' }) + CRLF +
  lines('Ответ клиента.', '##- Пишите ответ выше этой строки -##', 'Старое письмо', ''));

export const ORIGINAL_MESSAGE = Buffer.from(hdr({ ...base('RE: Question', reply), 'Content-Type': 'text/plain; charset=us-ascii' }) + CRLF +
  lines('New text here.', '', '-----Original Message-----', 'From: Support [mailto:support@example.test]', 'Sent: Monday, November 30, 2026 6:00 PM', 'Old text.', ''));

const forward = (subject: string, extra: Record<string, string>) => Buffer.from(hdr({ ...base(subject, extra), 'Content-Type': 'text/plain; charset=UTF-8' }) + CRLF +
  lines('Посмотрите, пожалуйста.', '', '-------- Пересылаемое сообщение --------', '01.12.2026, 10:00, "Магазин" <shop@x.test>:', '', 'Ваш заказ отменён.', '-------- Конец пересылаемого сообщения --------', ''));
export const FORWARD_FRESH = forward('Fwd: Заказ отменён', {});
export const FORWARD_IN_REPLY = forward('Re: Заказ отменён', reply);

export const BOTTOM_POSTED = Buffer.from(hdr({ ...base('Re: Bottom', reply), 'Content-Type': 'text/plain' }) + CRLF +
  lines('> Could you check the logs?', '> Thanks', '', 'Checked: nothing there.', ''));

export const POSTFIX_DSN = Buffer.from(hdr({
  'Return-Path': '<>', From: 'MAILER-DAEMON@mx.example.test (Mail Delivery System)', To: 'support@example.test',
  Subject: 'Undelivered Mail Returned to Sender', 'Auto-Submitted': 'auto-replied', 'Message-ID': '<20261201100000.ABC123@mx.example.test>', 'MIME-Version': '1.0',
  'Content-Type': 'multipart/report; report-type=delivery-status; boundary="ABC123.1764583200/mx.example.test"',
}) + CRLF + lines('This is a MIME-encapsulated message.', '', '--ABC123.1764583200/mx.example.test', 'Content-Description: Notification', 'Content-Type: text/plain; charset=us-ascii', '',
  'I\'m sorry to have to inform you that your message could not be delivered.', '', '<nobody@gone.test>: host mx.gone.test said: 550 5.1.1 User unknown', '',
  '--ABC123.1764583200/mx.example.test', 'Content-Description: Delivery report', 'Content-Type: message/delivery-status', '',
  'Reporting-MTA: dns; mx.example.test', 'Arrival-Date: Tue,  1 Dec 2026 10:00:00 +0300 (MSK)', '', 'Final-Recipient: rfc822; nobody@gone.test', 'Original-Recipient: rfc822;nobody@gone.test',
  'Action: failed', 'Status: 5.1.1', 'Remote-MTA: dns; mx.gone.test', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '',
  '--ABC123.1764583200/mx.example.test', 'Content-Description: Undelivered Message', 'Content-Type: message/rfc822', '',
  'From: Support <support@example.test>', 'To: nobody@gone.test', 'Subject: Re: Your ticket', 'Message-ID: <t42.m99.abcdef@example.test>', 'X-Slovo-Loop: example.test', '', 'Hello.', '',
  '--ABC123.1764583200/mx.example.test--', ''));

export const EXCHANGE_DSN_HEADERS = Buffer.from(hdr({
  From: 'postmaster@corp.test', To: 'support@example.test', Subject: 'Undeliverable: Your ticket', 'MIME-Version': '1.0',
  'Content-Type': 'multipart/report; report-type="delivery-status"; boundary="_b_"',
}) + CRLF + lines('--_b_', 'Content-Type: text/plain; charset=utf-8', '', 'Delivery has failed.', '--_b_', 'Content-Type: message/delivery-status', '',
  'Reporting-MTA: dns;corp.test', '', 'Final-Recipient: rfc822;gone@corp.test', 'Action: delayed', 'Status: 4.4.7', '',
  '--_b_', 'Content-Type: text/rfc822-headers', '', 'From: support@example.test', 'Message-ID: <t7.m8@example.test>', 'Subject: Your ticket', '', '--_b_--', ''));

export const AUTO_REPLY = Buffer.from(hdr({
  ...base('Automatic reply: Заказ', {}), 'Auto-Submitted': 'auto-replied', Precedence: 'bulk', 'X-Autoreply': 'yes', 'X-Auto-Response-Suppress': 'All',
  'List-Id': 'Support list <support.list.example.test>', 'List-Unsubscribe': '<mailto:leave@list.test>', 'Return-Path': '<bounce+123@example.ru>',
  'X-Slovo-Loop': 'example.test', 'X-Slovo-Probe': 'probe-token-1', 'Delivered-To': 'Support@Example.TEST', 'X-Original-To': '<help@example.test>',
  'Content-Type': 'text/plain; charset=utf-8',
}) + CRLF + 'I am out of office.' + CRLF);

/** A plain new request in one of a few shapes; i picks the shape (for the bench's normal set). */
export function normalMail(i: number): Buffer {
  const shapes = [GMAIL, OUTLOOK, APPLE, THUNDERBIRD, YANDEX, MAILRU, RU_GMAIL_TEXT, ORIGINAL_MESSAGE, AUTO_REPLY, POSTFIX_DSN];
  const s = shapes[i % shapes.length].toString('latin1').replace(/Message-ID: <[^>]*>/, `Message-ID: <n${i}@bench.test>`);
  return Buffer.from(s, 'latin1');
}

// Signatures the HTML marks but the text part does not ("-- " missing): Outlook on the web, Gmail, iOS Mail.
export const OWA_SIGNATURE = alt(base('RE: Счёт', { ...reply, 'Message-ID': '<DB9PR02MB7777@DB9PR02MB7777.eurprd02.prod.outlook.com>' }),
  lines('Добрый день!', '', 'Счёт получили, оплатим завтра.', '', 'С уважением,', 'Анна Смирнова', 'Главный бухгалтер', 'ООО «Ромашка»', '+7 495 000-00-00', ''),
  '<html><body><div>Добрый день!<br><br>Счёт получили, оплатим завтра.</div><div id="Signature"><p>С уважением,<br>Анна Смирнова<br>Главный бухгалтер<br>ООО «Ромашка»<br>+7 495 000-00-00</p></div></body></html>');

export const GMAIL_SIGNATURE = alt(base('Re: Access', reply),
  lines('The export still fails with error 500.', '', 'Boris Kim', 'CTO, Example Ltd', ''),
  '<div dir="ltr">The export still fails with error 500.<br><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Boris Kim<br>CTO, Example Ltd</div></div>');

export const IOS_SIGNATURE = alt(base('Re: Delivery', reply),
  lines('Where is my parcel?', '', 'Sent from my iPhone', ''),
  '<html><body dir="auto"><div dir="ltr">Where is my parcel?</div><div dir="ltr"><br><div id="AppleMailSignature" dir="ltr">Sent from my iPhone</div></div></body></html>', 'Apple-Mail-9Z8Y7X');

/** The marked signature is not at the end (the sender wrote below it): nothing is folded. */
export const SIGNATURE_NOT_LAST = alt(base('Re: Access', reply),
  lines('First line.', '', 'Boris Kim', '', 'P.S. One more thing: the export is urgent.', ''),
  '<div dir="ltr">First line.<br><br><div class="gmail_signature">Boris Kim</div><br>P.S. One more thing: the export is urgent.</div>');
