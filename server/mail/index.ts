// The mail channel's entry points: routes, workers, and the long-running inbound paths.
import type PgBoss from 'pg-boss';
import type { Deps } from '../deps.ts';
import type { App } from '../http/types.ts';
import { channelRoutes } from './channels.routes.ts';
import { healthRoutes, registerHealthWorkers } from './health/health.ts';
import { startImapPaths } from './imap/imap-path.ts';
import { startSmtpListener } from './inbound/smtp-listener.ts';
import { inboundRoutes } from './inbound/webhooks.routes.ts';
import { outboundRoutes, registerOutboundWorkers } from './outbound/outbound.ts';
import { registerPipelineWorkers } from './pipeline.ts';
import { quarantineRoutes } from './quarantine.routes.ts';

export function mailRoutes(app: App, deps: Deps): void {
  channelRoutes(app, deps);
  quarantineRoutes(app, deps);
  inboundRoutes(app, deps);
  outboundRoutes(app, deps);
  healthRoutes(app, deps);
}

export async function registerMailWorkers(deps: Deps, boss: PgBoss): Promise<void> {
  await registerPipelineWorkers(deps, boss);
  await registerOutboundWorkers(deps, boss);
  await registerHealthWorkers(deps, boss);
}

/** Starts IMAP watchers and the SMTP listener (SLOVO_SMTP_PORT); returns their stop. */
export async function startMailPaths(deps: Deps): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  stops.push(await startImapPaths(deps));
  const smtp = await startSmtpListener(deps);
  if (smtp) stops.push(smtp);
  return async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
}
