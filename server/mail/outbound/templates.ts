// Outbound mail texts (ru/en): agent replies and the acknowledgement of a new mail ticket.
export type Lang = 'ru' | 'en';

export const lang = (v: string | null | undefined): Lang => (v === 'en' ? 'en' : 'ru');

/** The line the inbound parser cuts at (server/mail/parse/quotes.ts). */
export const MARKER: Record<Lang, string> = {
  ru: '##- Пишите ответ выше этой строки -##',
  en: '##- Please type your reply above this line -##',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** "Re: Re: Fwd: [SL-5] x" → "x", so our subjects do not grow with every round trip
 *  (and an old number of ours does not travel on into a follow-up ticket). */
export function cleanSubject(s: string, prefix?: string): string {
  const tag = prefix ? `|\\[${prefix}-\\d+\\]` : '';
  return s.replace(new RegExp(`^(\\s*((re|fwd?|aw|отв|пересл)(\\[\\d+\\])?\\s*:${tag}))+\\s*`, 'i'), '').trim();
}

export function ticketSubject(ref: string, subject: string, reply: boolean): string {
  const s = `[${ref}] ${cleanSubject(subject, ref.slice(0, ref.lastIndexOf('-')))}`.slice(0, 900);
  return reply ? `Re: ${s}` : s;
}

const grey = 'color:#8a8a8a;font-size:12px';

function footer(l: Lang, ref: string): { text: string; html: string } {
  const line = l === 'ru'
    ? `Обращение ${ref}. Чтобы дополнить его, просто ответьте на это письмо.`
    : `Request ${ref}. To add to it, just reply to this e-mail.`;
  return { text: `--\n${line}`, html: `<hr><p style="${grey}">${esc(line)}</p>` };
}

/** A promise as the customer reads it under the reply: what, and by when in their zone. */
export type MailPromise = { text: string; due: string };

export function replyMail(l: Lang, p: { ref: string; html: string; text: string; agentName: string | null; promises?: MailPromise[] }) {
  const f = footer(l, p.ref);
  const sign = p.agentName ? `\n\n${p.agentName}` : '';
  const ps = p.promises ?? [];
  const head = l === 'ru' ? 'Что мы обещали:' : 'What we promised:';
  const by = l === 'ru' ? 'до' : 'by';
  const pText = ps.length ? `\n\n${head}\n${ps.map((x) => `- ${x.text} (${by} ${x.due})`).join('\n')}` : '';
  const pHtml = ps.length
    ? `<p style="${grey}">${esc(head)}</p>\n<ul>${ps.map((x) => `<li>${esc(x.text)} (${esc(by)} ${esc(x.due)})</li>`).join('')}</ul>\n`
    : '';
  return {
    text: `${MARKER[l]}\n\n${p.text.trim()}${sign}${pText}\n\n${f.text}\n`,
    html:
      `<div style="${grey}">${esc(MARKER[l])}</div>\n` +
      `<div>${p.html}</div>\n` +
      (p.agentName ? `<p>${esc(p.agentName)}</p>\n` : '') +
      pHtml +
      `${f.html}\n`,
  };
}

export function ackMail(l: Lang, p: { ref: string; subject: string }) {
  const f = footer(l, p.ref);
  const body = l === 'ru'
    ? [`Здравствуйте!`, `Мы получили ваше обращение ${p.ref} «${cleanSubject(p.subject)}» и ответим в ближайшее время.`, `Это автоматическое письмо.`]
    : [`Hello,`, `We have received your request ${p.ref} "${cleanSubject(p.subject)}" and will reply soon.`, `This is an automatic message.`];
  return {
    text: `${MARKER[l]}\n\n${body.join('\n\n')}\n\n${f.text}\n`,
    html: `<div style="${grey}">${esc(MARKER[l])}</div>\n${body.map((b) => `<p>${esc(b)}</p>`).join('\n')}\n${f.html}\n`,
  };
}
