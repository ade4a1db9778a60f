// Outbound mail (stub: filled in by the outbound work).
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';

export function outboundRoutes(_app: App, _deps: Deps): void {}
export async function registerOutboundWorkers(_deps: Deps, _boss: PgBoss): Promise<void> {}

/** Automatic acknowledgement of a new ticket that came by mail (Auto-Submitted: auto-replied). */
export async function queueAck(_trx: Db, _deps: Deps, _input: { ticketId: string; inboundMailId: string; to: string; language: string }): Promise<void> {}
