// The ticket's current state in plain words for the customer, e.g. "Waiting for our second
// line, next update by Tue 12:00". Pure: the texts come from the portal dictionary.
import { translate, type Lang } from '../common/messages.ts';
import './messages.ts';

export type StatusTicket = {
  status: 'open' | 'awaiting_reply' | 'solved' | 'closed';
  waitingOn: 'support' | 'customer' | 'third_party' | 'none';
  line: number;
};
export type StatusPromise = { dueAt: string; state: 'open' | 'kept' | 'broken' | 'renegotiated' | 'cancelled' };

const WEEK = 6 * 86_400_000;

/** A due time as short as it stays clear: "Tue 12:00" within the coming week, else with the date. */
export function formatDue(iso: string, lang: Lang, now: number, timeZone?: string): string {
  const d = new Date(iso);
  const near = Math.abs(d.getTime() - now) < WEEK;
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const opts: Intl.DateTimeFormatOptions = near
    ? { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone };
  return new Intl.DateTimeFormat(locale, opts).format(d);
}

/** The next open promise, earliest due first (overdue ones included: we say so). */
export function nextOpenPromise<P extends StatusPromise>(promises: P[]): P | null {
  const open = promises.filter((p) => p.state === 'open').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return open[0] ?? null;
}

export function statusLine(t: StatusTicket, promises: StatusPromise[], lang: Lang, now = Date.now(), timeZone?: string): string {
  const tr = (k: string, v?: Record<string, string | number>) => translate(lang, `portal.line.${k}`, v);
  if (t.status === 'closed') return tr('closed');
  if (t.status === 'solved' || t.waitingOn === 'none') return tr('solved');
  if (t.status === 'awaiting_reply' || t.waitingOn === 'customer') return tr('customer');
  let state: string;
  if (t.waitingOn === 'third_party') state = tr('third_party');
  else if (t.line <= 1) state = tr('support1');
  else if (t.line === 2) state = tr('support2');
  else if (t.line === 3) state = tr('support3');
  else state = tr('supportN', { n: t.line });
  const next = nextOpenPromise(promises);
  if (!next) return state;
  const due = formatDue(next.dueAt, lang, now, timeZone);
  return Date.parse(next.dueAt) < now ? tr('late', { state, due }) : tr('next', { state, due });
}
