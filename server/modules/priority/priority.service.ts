// Priority score 0..100 with its explanation. CONTRACT STUB — helper D implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';

/** Recomputes priority_score and priority_parts of these tickets from their current inputs. */
export async function refreshPriority(_deps: Deps, _db: Db, _ticketIds: string[]): Promise<void> {}
