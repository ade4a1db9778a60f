// Notification texts (ru/en), one line per notice, from its kind and data. Producers put what
// they know in data; a missing field only makes the line shorter.
import type { NotificationKind } from './notify.ts';

export type Lang = 'ru' | 'en';
export const langOf = (v: string | null | undefined): Lang => (v === 'en' ? 'en' : 'ru');

const METRIC: Record<string, Record<Lang, string>> = {
  first_response: { ru: 'первого ответа', en: 'first response' },
  next_response: { ru: 'следующего ответа', en: 'next response' },
  resolution: { ru: 'решения', en: 'resolution' },
};

// a formatter per language and zone: making one costs far more than using it (a sweep formats thousands)
const formats = new Map<string, Intl.DateTimeFormat>();
function timeFormat(l: Lang, timeZone: string): Intl.DateTimeFormat {
  const key = `${l}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(l === 'ru' ? 'ru-RU' : 'en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    if (formats.size > 1000) formats.clear();
    formats.set(key, f);
  }
  return f;
}

/** A time in the reader's zone and language; the ISO string when the zone is unknown. */
export function formatTime(at: unknown, l: Lang, timeZone: string): string {
  if (typeof at !== 'string' && !(at instanceof Date)) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return timeFormat(l, timeZone).format(d);
  } catch {
    return d.toISOString();
  }
}

const str = (v: unknown, max = 200) => (typeof v === 'string' ? (v.length > max ? `${v.slice(0, max - 1)}…` : v) : '');

/** The notice as one line in the reader's language (title of the in-app item, subject of the mail). */
export function noticeTitle(kind: NotificationKind | string, data: Record<string, unknown>, l: Lang, timeZone = 'UTC'): string {
  const ru = l === 'ru';
  const metric = METRIC[String(data.metric)]?.[l] ?? (ru ? 'ответа' : 'response');
  const due = formatTime(data.dueAt, l, timeZone);
  const at = due ? (ru ? ` (срок ${due})` : ` (due ${due})`) : '';
  const text = str(data.text);
  switch (kind) {
    case 'sla_warning': {
      const p = Number(data.level);
      const used = Number.isFinite(p) && p > 0 ? `${p}%` : (ru ? 'большая часть' : 'most');
      return ru ? `SLA: прошло ${used} времени до ${metric}${at}` : `SLA: ${used} of the ${metric} time used${at}`;
    }
    case 'sla_breach':
      return ru ? `SLA нарушен: срок ${metric} истёк${at}` : `SLA breached: ${metric} overdue${at}`;
    case 'promise_reminder': {
      const m = Number(data.minutes);
      const soon = Number.isFinite(m) && m > 0 ? (ru ? `через ${m} мин` : `in ${m} min`) : (ru ? 'скоро' : 'soon');
      return ru ? `Обещание: срок ${soon}${text ? ` — «${text}»` : ''}${at}` : `Promise due ${soon}${text ? `: "${text}"` : ''}${at}`;
    }
    case 'promise_broken':
      return ru ? `Обещание нарушено${text ? `: «${text}»` : ''}${at}` : `Promise broken${text ? `: "${text}"` : ''}${at}`;
    case 'promise_claimed':
      return ru ? `Клиент пишет «вы обещали»${text ? `: «${text}»` : ''}` : `The customer says "you promised"${text ? `: "${text}"` : ''}`;
    case 'escalated': {
      const lv = Number(data.toLevel ?? data.level);
      const to = Number.isFinite(lv) && lv > 0 ? ` L${lv}` : '';
      const s = str(data.summary);
      if (data.direction === 'down') return ru ? `Обращение возвращено${to ? ` на${to}` : ''}${s ? `: ${s}` : ''}` : `De-escalated${to ? ` to${to}` : ''}${s ? `: ${s}` : ''}`;
      return ru ? `Обращение эскалировано${to ? ` на${to}` : ''}${s ? `: ${s}` : ''}` : `Escalated${to ? ` to${to}` : ''}${s ? `: ${s}` : ''}`;
    }
    case 'auto_escalation': {
      const rule = str(data.ruleName ?? data.rule, 120);
      const why = str(ru ? data.triggerRu : data.triggerEn, 200);
      return ru ? `Автоэскалация${rule ? ` по правилу «${rule}»` : ''}${why ? `: ${why}` : ''}` : `Automatic escalation${rule ? ` by rule "${rule}"` : ''}${why ? `: ${why}` : ''}`;
    }
    case 'care_expired': {
      const reason = str(data.reason);
      return ru ? `Особое внимание к клиенту закончилось${reason ? `: ${reason}` : ''}` : `Care flag expired${reason ? `: ${reason}` : ''}`;
    }
    case 'follow_up_due': {
      const who = str(data.thirdParty ?? data.thirdPartyName, 120);
      return ru ? `Пора узнать у третьей стороны${who ? ` (${who})` : ''}` : `Time to follow up with the third party${who ? ` (${who})` : ''}`;
    }
    case 'mention': {
      const who = str(data.authorName, 120);
      const note = str(data.excerpt);
      if (ru) return `${who ? `${who} упоминает вас` : 'Вас упомянули'} в заметке${note ? `: «${note}»` : ''}`;
      return `${who ? `${who} mentioned you` : 'You were mentioned'} in a note${note ? `: "${note}"` : ''}`;
    }
    case 'customer_reply': {
      const who = str(data.customerName, 120);
      const text = str(data.excerpt);
      if (ru) return `${who ? `${who} ответил(а)` : 'Клиент ответил'}${text ? `: «${text}»` : ''}`;
      return `${who ? `${who} replied` : 'The customer replied'}${text ? `: "${text}"` : ''}`;
    }
    case 'snooze_ended':
      return ru ? 'Отложенное обращение снова в работе' : 'Snoozed ticket is back';
    default:
      return ru ? 'Уведомление' : 'Notification';
  }
}

/** The e-mail for one notice: subject with the ticket reference, body with the title and the link. */
export function noticeMail(
  kind: string, data: Record<string, unknown>, l: Lang, timeZone: string,
  ticket: { ref: string; subject: string; url: string } | null,
): { subject: string; body: string } {
  const title = noticeTitle(kind, data, l, timeZone);
  const subject = ticket ? `[${ticket.ref}] ${title}` : title;
  const lines = [title, ''];
  if (ticket) lines.push(l === 'ru' ? `Обращение ${ticket.ref}: ${ticket.subject}` : `Ticket ${ticket.ref}: ${ticket.subject}`, ticket.url, '');
  lines.push(l === 'ru' ? 'Какие уведомления приходят письмом, можно выбрать в настройках уведомлений.' : 'You choose which notifications come by e-mail in your notification settings.');
  return { subject: subject.slice(0, 900), body: `${lines.join('\n')}\n` };
}

export const DIGEST_SHOWN = 20;

/** Several notices of one sweep in one mail: their subjects and links, the first DIGEST_SHOWN in full. */
export function digestMail(l: Lang, notices: { subject: string; body: string }[], publicUrl: string, total = notices.length): { subject: string; body: string } {
  const n = Math.max(total, notices.length);
  const ru = l === 'ru';
  const word = ru ? ({ one: 'новое уведомление', few: 'новых уведомления', many: 'новых уведомлений' } as Record<string, string>)[new Intl.PluralRules('ru').select(n)] ?? 'новых уведомлений' : n === 1 ? 'new notification' : 'new notifications';
  const shown = notices.slice(0, DIGEST_SHOWN).map((x) => x.body.split('\n').filter((line, i, all) => line && !(i === all.length - 1 && all.length > 1)).join('\n'));
  const rest = n - shown.length;
  const more = rest > 0 ? [ru ? `…и ещё ${rest}: ${publicUrl}/notifications` : `…and ${rest} more: ${publicUrl}/notifications`] : [];
  return { subject: `Slovo: ${n} ${word}`, body: `${[...shown, ...more].join('\n\n')}\n` };
}
