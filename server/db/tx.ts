import type { Db } from './db.ts';

/** Runs fn in a transaction, or inside the caller's one when db already is a transaction. */
export function inTx<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}
