// Channel health: the alerts list, a channel's health view, probes on demand (routes), and
// the mail.health sweep and mail.probe sender (jobs, every minute).
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import { IdParams, isId, Page } from '../../../api/common.ts';
import { AlertsQuery, ChannelHealth, MailAlert, ProbeSent } from '../../../api/mail-health.ts';
import type { Actor } from '../../actor.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { iso, isoReq, type App } from '../../http/types.ts';
import { authorize } from '../../policy.ts';
import { channelById } from '../channels.service.ts';
import { assessChannel } from './assess.ts';
import { runHealthCheck } from './check.ts';
import { probeInterval, runProbes, sendProbe } from './probes.ts';

export { runHealthCheck } from './check.ts';
export { runProbes, sendProbe } from './probes.ts';

const tags = ['mail'];

type AlertRow = { id: string; channel_id: string; path: string | null; kind: string; message: string; data: Record<string, unknown>; opened_at: Date; last_seen_at: Date; cleared_at: Date | null };

const presentAlert = (a: AlertRow): z.infer<typeof MailAlert> => ({
  id: a.id, channelId: a.channel_id, path: a.path, kind: a.kind, message: a.message, data: a.data ?? {},
  openedAt: isoReq(a.opened_at), lastSeenAt: isoReq(a.last_seen_at), clearedAt: iso(a.cleared_at),
});

export async function listAlerts(deps: Deps, actor: Actor, q: z.infer<typeof AlertsQuery>) {
  authorize(actor, 'mail.read');
  const c = decodeCursor(q.cursor, 1);
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  let query = deps.db.selectFrom('mail_alerts').selectAll().orderBy('id', 'desc').limit(q.limit + 1);
  if (q.open === 'true') query = query.where('cleared_at', 'is', null);
  if (q.open === 'false') query = query.where('cleared_at', 'is not', null);
  if (q.channelId) query = query.where('channel_id', '=', q.channelId);
  if (c) query = query.where('id', '<', c[0] as string);
  return page((await query.execute()) as AlertRow[], q.limit, (a) => [a.id]);
}

export async function channelHealth(deps: Deps, actor: Actor, id: string, now = new Date()): Promise<z.infer<typeof ChannelHealth>> {
  authorize(actor, 'mail.read');
  const c = await channelById(deps.db, id);
  if (!c) throw notFound('channel');
  const a = await assessChannel(deps, c, now);
  const alerts = (await deps.db.selectFrom('mail_alerts').selectAll().where('channel_id', '=', id).where('cleared_at', 'is', null).orderBy('id', 'desc').limit(100).execute()) as AlertRow[];
  return {
    channelId: id,
    checkedAt: now.toISOString(),
    timeZone: a.timeZone,
    paths: a.paths.map((p) => ({
      path: p.path, lastArrivalAt: iso(p.lastArrivalAt), lastOkAt: iso(p.lastOkAt), lastErrorAt: iso(p.lastErrorAt), lastError: p.lastError, failing: p.failing,
      silence: { limitMinutes: p.silence.minutes, source: p.silence.source, deadline: isoReq(p.silence.deadline), silentMinutes: p.silence.silentMinutes, abnormal: p.silence.abnormal, watched: p.silence.watched },
      rhythm: p.rhythm,
      probes: { lastSeenAt: iso(p.probe?.lastSeenAt), state: p.probe?.state ?? 'unknown' },
    })),
    probes: { enabled: !!c.settings.probe?.enabled, intervalMinutes: probeInterval(c.settings), lastSentAt: iso(a.probes?.lastSentAt) },
    alerts: alerts.map(presentAlert),
  };
}

export async function probeNow(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'mail.admin');
  const c = await channelById(deps.db, id);
  if (!c) throw notFound('channel');
  if (!c.active) throw new AppError('invalid_state', 'the channel is switched off');
  const p = await sendProbe(deps, c);
  return { token: p.token, sentAt: isoReq(p.sentAt), outboxId: p.outboxId };
}

export function healthRoutes(app: App, deps: Deps): void {
  app.get('/api/v1/mail/alerts', {
    schema: { tags, summary: 'Channel health alerts, newest first', querystring: AlertsQuery, response: { 200: Page(MailAlert) } },
  }, async (req) => {
    const r = await listAlerts(deps, req.actor, req.query);
    return { items: r.items.map(presentAlert), nextCursor: r.nextCursor };
  });

  app.get('/api/v1/mail/channels/:id/health', {
    schema: { tags, summary: "A channel's health per inbound path: arrivals, errors, expected silence, probes, open alerts", params: IdParams, response: { 200: ChannelHealth } },
  }, async (req) => channelHealth(deps, req.actor, req.params.id));

  app.post('/api/v1/mail/channels/:id/probe', {
    schema: { tags, summary: 'Send a heartbeat probe to the channel now', params: IdParams, response: { 201: ProbeSent } },
  }, async (req, reply) => {
    const r = await probeNow(deps, req.actor, req.params.id);
    reply.code(201);
    return r;
  });
}

export async function registerHealthWorkers(deps: Deps, boss: PgBoss): Promise<void> {
  await boss.work('mail.health', async () => {
    await runHealthCheck(deps);
  });
  await boss.work('mail.probe', async () => {
    await runProbes(deps);
  });
  await boss.schedule('mail.health', '* * * * *', {}, { tz: 'UTC' });
  await boss.schedule('mail.probe', '* * * * *', {}, { tz: 'UTC' });
}
