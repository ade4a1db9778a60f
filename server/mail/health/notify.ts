// Alert mails to every active admin (ru/en by their locale), sent through another channel's
// SMTP when there is one, so a failing mailbox does not carry its own alarm.
import { sql } from 'kysely';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import { enqueue } from '../../jobs/boss.ts';

export type AlertMail = { alertId: string; channelId: string; channelName: string; address: string; path: string | null; kind: string; message: string };

const KIND: Record<string, { en: string; ru: string }> = {
  silence: { en: 'no mail for longer than usual', ru: 'письма не приходят дольше обычного' },
  fetch_error: { en: 'mail cannot be fetched', ru: 'не удаётся получать почту' },
  send_error: { en: 'mail cannot be sent', ru: 'не удаётся отправлять почту' },
  probe_missed: { en: 'heartbeat probes do not come back', ru: 'контрольные письма не возвращаются' },
  loop: { en: 'a mail loop was stopped (mails quarantined)', ru: 'остановлена почтовая петля (письма в карантине)' },
};

/** Another active channel that can send; else this one, if it can; else none (the sender picks). */
async function sendingChannel(db: Db, failing: string): Promise<string | null> {
  const r = await db
    .selectFrom('mail_channels')
    .select('id')
    .where('active', '=', true)
    .where(sql<boolean>`coalesce(settings->'smtpOut'->>'host', '') <> ''`)
    .orderBy(sql`id = ${failing}`) // false first: another channel wins
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r?.id ?? null;
}

function text(a: AlertMail, state: 'open' | 'cleared', ru: boolean, url: string) {
  const what = KIND[a.kind] ?? { en: a.kind, ru: a.kind };
  const where = `"${a.channelName}" <${a.address}>${a.path ? ` (${a.path})` : ''}`;
  if (state === 'open') {
    return ru
      ? { subject: `[Slovo] Почта ${where}: ${what.ru}`, body: `Канал ${where}: ${what.ru}.\n\n${a.message}\n\n${url}\n` }
      : { subject: `[Slovo] Mail ${where}: ${what.en}`, body: `Channel ${where}: ${what.en}.\n\n${a.message}\n\n${url}\n` };
  }
  return ru
    ? { subject: `[Slovo] Почта ${where}: снова в порядке`, body: `Канал ${where} снова работает (было: ${what.ru}).\n\n${url}\n` }
    : { subject: `[Slovo] Mail ${where}: recovered`, body: `Channel ${where} works again (was: ${what.en}).\n\n${url}\n` };
}

/** Queues one mail per active admin; idempotent per alert, state and admin. */
export async function notifyAdmins(trx: Db, deps: Deps, a: AlertMail, state: 'open' | 'cleared'): Promise<number> {
  const admins = await trx.selectFrom('users').select(['id', 'email', 'locale']).where('role', '=', 'admin').where('active', '=', true).orderBy('id').limit(100).execute();
  if (!admins.length) return 0;
  const channelId = await sendingChannel(trx, a.channelId);
  const url = `${deps.config.publicUrl}/api/v1/mail/channels/${a.channelId}/health`;
  let n = 0;
  for (const u of admins) {
    const t = text(a, state, u.locale === 'ru', url);
    const row = await trx
      .insertInto('outbox')
      .values({
        to_address: u.email, kind: 'health_alert', dedupe_key: `health:${a.alertId}:${state}:${u.id}`,
        subject: t.subject, body_text: t.body, channel_id: channelId, auto_submitted: true,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      n++;
      await enqueue(deps, trx, 'mail.send', { outboxId: row.id });
    }
  }
  return n;
}
