// In-app notifications (+ e-mail by preference), exactly once by dedupe key. Set-based: one
// statement reads the recipients, their preferences and the tickets; one writes the
// notifications and, for those written now, the mails (outbox rows sent by mail.send).
import { sql } from 'kysely';
import { NOTIFICATION_KINDS } from '../../../api/notifications.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { enqueueMany } from '../../jobs/boss.ts';
import { anyChannelCanSend } from '../../mail/outbound/queue.ts';
import { ticketRef } from '../tickets/ticket-number.ts';
import { DIGEST_SHOWN, digestMail, langOf, noticeMail, type Lang } from './texts.ts';

export { NOTIFICATION_KINDS }; // one list, in api/notifications.ts (the preferences API names every kind)
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds that come by e-mail unless the user said otherwise (notification_prefs). */
export const EMAIL_BY_DEFAULT: readonly NotificationKind[] = ['sla_breach', 'promise_broken', 'escalated', 'auto_escalation', 'promise_claimed', 'mention'];

export type Notice = {
  userId: string; kind: NotificationKind; ticketId: string | null; data: Record<string, unknown>;
  /** names the notification: the same key twice makes one notification and one mail */
  dedupeKey: string;
};

type Target = {
  i: number; email: string; locale: string; time_zone: string; in_app: boolean; mail: boolean;
  number: string | null; subject: string | null;
};

/** Inserts notifications (on conflict do nothing) and their e-mails per the users' preferences.
 *  Returns how many notifications were inserted now. Inactive users get nothing. */
export async function notify(deps: Deps, db: Db, notices: Notice[]): Promise<number> {
  const seen = new Set<string>();
  const list = notices.filter((n) => !seen.has(n.dedupeKey) && seen.add(n.dedupeKey));
  if (!list.length) return 0;
  return inTx(db, async (trx) => {
    const keys = JSON.stringify(list.map((n, i) => ({ i, user_id: n.userId, kind: n.kind, ticket_id: n.ticketId })));
    const targets = (await sql<Target>`
      select x.i, u.email, u.locale, u.time_zone, coalesce(p.in_app, true) as in_app,
        coalesce(p.email, x.kind = any(${sql.val(EMAIL_BY_DEFAULT as string[])}::text[])) as mail,
        t.number::text as number, t.subject
      from jsonb_to_recordset(${keys}::jsonb) as x(i int, user_id bigint, kind text, ticket_id bigint)
      join users u on u.id = x.user_id and u.active
      left join notification_prefs p on p.user_id = x.user_id and p.kind = x.kind
      left join tickets t on t.id = x.ticket_id
      where x.ticket_id is null or t.id is not null -- (the table has no foreign keys: this is the check)
    `.execute(trx)).rows;
    const rows: MailRow[] = targets
      .filter((t) => t.in_app || t.mail)
      .map((t) => ({ n: list[t.i], t, user_id: list[t.i].userId, dedupe_key: list[t.i].dedupeKey, in_app: t.in_app, mail: t.mail, to_address: t.email, lang: langOf(t.locale) }));
    // a mail's text is written only when it is sent (a digest shows its first notices only)
    const text = (r: MailRow) => {
      const ticket = r.t.number === null ? null : { ref: ticketRef(deps.config, r.t.number), subject: r.t.subject ?? '', url: `${deps.config.publicUrl}/tickets/${r.t.number}` };
      return noticeMail(r.n.kind, r.n.data, r.lang, r.t.time_zone, ticket);
    };
    if (!rows.length) return 0;
    // keys in one order, so two writers with overlapping notices wait for each other instead of deadlocking
    const ins = await sql<{ dedupe_key: string }>`
      insert into notifications (user_id, kind, ticket_id, data, dedupe_key)
      select user_id, kind, ticket_id, coalesce(data, '{}'), dedupe_key
      from jsonb_to_recordset(${JSON.stringify(rows.filter((r) => r.in_app).map((r) => ({ user_id: r.n.userId, kind: r.n.kind, ticket_id: r.n.ticketId, data: r.n.data, dedupe_key: r.n.dedupeKey })))}::jsonb)
        as x(user_id bigint, kind text, ticket_id bigint, data jsonb, dedupe_key text)
      order by dedupe_key
      on conflict (dedupe_key) do nothing
      returning dedupe_key`.execute(trx);
    const inserted = new Set(ins.rows.map((r) => r.dedupe_key));
    // mail only for notifications inserted now (with in-app off: by the notice's own key)
    const mails = mailsOf(rows.filter((r) => r.mail && (!r.in_app || inserted.has(r.dedupe_key))), inserted, deps.config.publicUrl, text);
    if (mails.length) {
      const out = await sql<{ id: string }>`
        insert into outbox (to_address, subject, body_text, kind, dedupe_key, auto_submitted, headers)
        select to_address, subject, body, 'notification', dedupe_key, true, headers
        from jsonb_to_recordset(${JSON.stringify(mails)}::jsonb) as x(to_address text, subject text, body text, dedupe_key text, headers jsonb)
        order by dedupe_key
        on conflict (dedupe_key) do nothing
        returning id`.execute(trx);
      const ids = out.rows.map((r) => r.id);
      if (ids.length && (await anyChannelCanSend(trx))) await enqueueMany(deps, trx, 'mail.send', ids.map((id) => ({ outboxId: id })));
    }
    const n = inserted.size;
    return n;
  });
}

type MailRow = { n: Notice; t: Target; user_id: string; dedupe_key: string; in_app: boolean; mail: boolean; to_address: string; lang: Lang };
type MailText = { subject: string; body: string };

/** One mail per recipient per call: a single notice as itself, several as one digest (a lead does not get
 *  5,000 mails from one sweep). A digest is named after its first notice (inserted now, so never mailed
 *  before) and says in X-Slovo-Notifications how many it covers. Notices with in-app off keep their own mail. */
function mailsOf(rows: MailRow[], inserted: Set<string>, publicUrl: string, text: (r: MailRow) => MailText) {
  const out: { to_address: string; subject: string; body: string; dedupe_key: string; headers: Record<string, string> }[] = [];
  const byUser = new Map<string, MailRow[]>();
  for (const r of rows) {
    if (!inserted.has(r.dedupe_key)) out.push({ to_address: r.to_address, ...text(r), dedupe_key: `notif:${r.dedupe_key}`, headers: { 'X-Slovo-Notifications': '1' } });
    else {
      const l = byUser.get(r.user_id);
      if (l) l.push(r);
      else byUser.set(r.user_id, [r]);
    }
  }
  for (const list of byUser.values()) {
    list.sort((a, b) => (a.dedupe_key < b.dedupe_key ? -1 : 1));
    const first = list[0];
    const headers = { 'X-Slovo-Notifications': String(list.length) };
    if (list.length === 1) out.push({ to_address: first.to_address, ...text(first), dedupe_key: `notif:${first.dedupe_key}`, headers });
    else out.push({ to_address: first.to_address, ...digestMail(first.lang, list.slice(0, DIGEST_SHOWN).map(text), publicUrl, list.length), dedupe_key: `notif:${first.dedupe_key}`, headers });
  }
  return out;
}

export type Audience = 'assignee' | 'group' | 'leads';

/** Who hears about a ticket: its assignee, the members of its group, the leads of its group (or, when
 *  the group has no active lead or the ticket no group, all active leads and admins). Active users, each once. */
export async function recipients(db: Db, ticketId: string, who: Audience[]): Promise<string[]> {
  if (!who.length) return [];
  const r = await sql<{ id: string }>`
    with t as (select assignee_id, group_id from tickets where id = ${ticketId}),
    group_leads as (
      select gm.user_id from t join group_members gm on gm.group_id = t.group_id
      join users u on u.id = gm.user_id and u.active and u.role = 'lead'
    )
    select u.id from users u
    where u.active and (
      (${who.includes('assignee')} and u.id in (select assignee_id from t))
      or (${who.includes('group')} and u.id in (select gm.user_id from t join group_members gm on gm.group_id = t.group_id))
      or (${who.includes('leads')} and exists (select 1 from t) and (
        u.id in (select user_id from group_leads)
        or (not exists (select 1 from group_leads) and u.role in ('lead', 'admin'))))
    )
    order by u.id
  `.execute(db);
  return r.rows.map((x) => x.id);
}
