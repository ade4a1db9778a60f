// Channel health (stub: filled in by the health work).
import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';

export function healthRoutes(_app: App, _deps: Deps): void {}
export async function registerHealthWorkers(_deps: Deps, _boss: PgBoss): Promise<void> {}
