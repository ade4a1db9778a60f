// Inbound pipeline workers (being written).
import type PgBoss from 'pg-boss';
import type { Deps } from '../deps.ts';

export async function registerPipelineWorkers(_deps: Deps, _boss: PgBoss): Promise<void> {}
