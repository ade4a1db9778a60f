// Care memory. CONTRACT STUB — helper D implements.
import type { Db } from '../../db/db.ts';
import type { Deps } from '../../deps.ts';

/** Sweeper source: ends care flags whose time is up (history kept); returns how many ended. */
export async function sweepCareExpiry(_deps: Deps, _db: Db, _now: Date, _limit: number): Promise<number> { return 0; }
