// Idempotency-Key on creating POSTs: the key is claimed in the same transaction as the
// create, so a retry (even a concurrent one) gets the first response and makes nothing new.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorKey } from '../actor.ts';
import { inTx } from '../db/tx.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Passwords never reach the stored request hash (an unsalted hash of one could be guessed). */
const withoutSecrets = (k: string, v: unknown) => (/password|secret|token/i.test(k) ? undefined : v);

export async function idempotent<T>(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  run: (deps: Deps) => Promise<T>,
): Promise<T> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    const out = await run(deps);
    reply.code(status);
    return out;
  }
  if (typeof key !== 'string' || !KEY.test(key)) throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 visible ASCII characters');
  const principal = actorKey(req.actor);
  const route = `${req.method} ${req.routeOptions.url}`;
  // the full URL (path params, query) is part of the request: the same key on another ticket is a reuse
  const body = Buffer.isBuffer(req.body) ? req.body : JSON.stringify(req.body ?? null, withoutSecrets);
  const hash = createHash('sha256').update(`${req.method} ${req.url}`).update(body).digest('hex');
  return inTx(deps.db, async (trx) => {
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values({ principal, key, route, request_hash: hash })
      .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const prev = await trx.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirstOrThrow();
      if (prev.request_hash !== hash) throw new AppError('idempotency_key_reused');
      if (prev.status_code === null) throw new AppError('idempotency_in_progress');
      reply.header('idempotent-replayed', 'true').code(prev.status_code);
      return prev.response as T;
    }
    const out = await run({ ...deps, db: trx });
    await trx.updateTable('idempotency_keys').set({ status_code: status, response: JSON.stringify(out) }).where('principal', '=', principal).where('key', '=', key).execute();
    reply.code(status);
    return out;
  });
}
