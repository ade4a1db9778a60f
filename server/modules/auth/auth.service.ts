// Agent sessions, API tokens and customer magic links.
import { sql } from 'kysely';
import { isId } from '../../../api/common.ts';
import type { Actor, UserActor } from '../../actor.ts';
import { prepared } from '../../db/db.ts';
import type { Role } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, page } from '../../http/cursor.ts';
import { authorize, requireSignedIn } from '../../policy.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { randomToken, sha256 } from './tokens.ts';

export type SessionInfo = { cookie: string; csrfToken: string; expiresAt: Date };
type Client = { ip?: string; userAgent?: string };

async function newSession(deps: Deps, who: { userId?: string; customerId?: string }, client: Client): Promise<SessionInfo> {
  const cookie = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + deps.config.SLOVO_SESSION_DAYS * 86400_000);
  await deps.db
    .insertInto('sessions')
    .values({
      id: sha256(cookie),
      user_id: who.userId ?? null,
      customer_id: who.customerId ?? null,
      csrf_token: csrfToken,
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
      expires_at: expiresAt,
    })
    .execute();
  return { cookie, csrfToken, expiresAt };
}

export async function login(deps: Deps, email: string, password: string, client: Client): Promise<SessionInfo> {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'password_hash', 'active', 'locked_until'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  if (user?.locked_until && user.locked_until > new Date()) {
    throw new AppError('account_locked', 'Too many failed attempts; try again later', { retryAfter: user.locked_until.toISOString() });
  }
  const ok = await verifyPassword(user?.password_hash ?? null, password);
  if (!user || !ok || !user.active) {
    if (user) {
      const max = deps.config.SLOVO_LOGIN_MAX_FAILS;
      await deps.db
        .updateTable('users')
        .set({
          failed_logins: sql`case when failed_logins + 1 >= ${max} then 0 else failed_logins + 1 end`,
          locked_until: sql`case when failed_logins + 1 >= ${max} then now() + make_interval(mins => ${deps.config.SLOVO_LOGIN_LOCK_MINUTES}) else locked_until end`,
        })
        .where('id', '=', user.id)
        .execute();
    }
    throw new AppError('invalid_credentials');
  }
  await deps.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
  return newSession(deps, { userId: user.id }, client);
}

export async function logout(deps: Deps, actor: Actor): Promise<void> {
  requireSignedIn(actor);
  if (actor.kind === 'user' && actor.via === 'token') throw new AppError('bad_request', 'API tokens are revoked, not logged out');
  await deps.db.deleteFrom('sessions').where('id', '=', actor.sessionId!).execute();
}

/** Ends every session of the caller (all devices). */
export async function logoutAll(deps: Deps, actor: Actor): Promise<number> {
  requireSignedIn(actor);
  if (actor.kind === 'user' && actor.via === 'token' && !actor.scopes.some((s) => s === 'write' || s === 'admin')) {
    throw new AppError('forbidden', 'a read-only token cannot end sessions');
  }
  const col = actor.kind === 'user' ? 'user_id' : 'customer_id';
  const r = await deps.db.deleteFrom('sessions').where(col, '=', actor.id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Changes the password; every session of the user ends, a fresh one is returned. */
export async function changePassword(deps: Deps, actor: Actor, current: string, next: string, client: Client): Promise<SessionInfo> {
  authorize(actor, 'view.own');
  if (actor.via !== 'session') throw new AppError('forbidden', 'sign in with a password to change it');
  const user = await deps.db.selectFrom('users').select(['password_hash']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, current))) throw new AppError('invalid_credentials', 'current password is wrong');
  const hash = await hashPassword(next);
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, password_changed_at: new Date(), updated_at: new Date() }).where('id', '=', actor.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', actor.id).execute();
  });
  return newSession(deps, { userId: actor.id }, client);
}

/** Resolves a session cookie to an actor (null when unknown or expired). */
export async function actorFromSession(deps: Deps, cookie: string): Promise<{ actor: Actor; csrfToken: string } | null> {
  const row = await deps.db
    .selectFrom('sessions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('customers as c', 'c.id', 's.customer_id')
    .select(['s.id', 's.user_id', 's.customer_id', 's.csrf_token', 's.last_seen_at', 'u.role', 'u.level', 'u.locale', 'u.active', 'c.language'])
    .where('s.id', '=', sha256(cookie))
    .where('s.expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > 5 * 60_000) {
    await deps.db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', row.id).execute();
  }
  if (row.user_id) {
    if (!row.active) return null;
    const actor: UserActor = {
      kind: 'user', id: row.user_id, role: row.role!, level: row.level!, locale: row.locale!, via: 'session', scopes: [], sessionId: row.id,
    };
    return { actor, csrfToken: row.csrf_token };
  }
  return { actor: { kind: 'customer', id: row.customer_id!, sessionId: row.id, locale: row.language ?? 'ru' }, csrfToken: row.csrf_token };
}

/** Resolves `Authorization: Bearer slv_...` to an actor (null when unknown, revoked or expired). */
// Runs on every token-authenticated request: a prepared statement, planned once per connection.
const TOKEN_ACTOR = `
select t.id, t.user_id, t.scopes, t.last_used_at, t.expires_at, u.role, u.level, u.locale
from api_tokens t join users u on u.id = t.user_id
where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now()) and u.active`;

type TokenRow = { id: string; user_id: string; scopes: string[]; last_used_at: Date | null; expires_at: Date | null; role: Role; level: number; locale: string };

// A busy integration sends many requests a second with one token: its actor is remembered for
// TOKEN_MEMORY_MS. A change made through Slovo (revoking a token, deactivating a user, a new
// role, level or locale) forgets every remembered actor at once; a change made outside this
// process (another process, SQL by hand) is seen within TOKEN_MEMORY_MS.
export const TOKEN_MEMORY_MS = 2000;
const remembered = new Map<string, { actor: UserActor; at: number; epoch: number; expiresAt: number | null }>();
let authEpoch = 0;

/** Call after a change to tokens or users has committed. */
export function authChanged(): void {
  authEpoch++;
  remembered.clear();
}

export async function actorFromToken(deps: Deps, token: string): Promise<Actor | null> {
  const hash = sha256(token);
  const now = Date.now();
  const hit = remembered.get(hash);
  if (hit && hit.epoch === authEpoch && now - hit.at < TOKEN_MEMORY_MS && (hit.expiresAt === null || hit.expiresAt > now)) {
    return { ...hit.actor, scopes: [...hit.actor.scopes] };
  }
  const epoch = authEpoch; // a change that commits while this lookup runs leaves nothing behind
  const [row] = await prepared<TokenRow>(deps.db, deps.pool, 'slovo_token_actor', TOKEN_ACTOR, [hash]);
  if (!row) {
    remembered.delete(hash);
    return null;
  }
  if (!row.last_used_at || now - row.last_used_at.getTime() > 60_000) {
    await deps.db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  }
  const actor: UserActor = { kind: 'user', id: row.user_id, role: row.role, level: row.level, locale: row.locale, via: 'token', scopes: row.scopes, tokenId: row.id };
  if (remembered.size >= 10_000) remembered.clear();
  remembered.set(hash, { actor, at: now, epoch, expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null });
  return { ...actor, scopes: [...actor.scopes] };
}

// --- personal API tokens ---

export async function createToken(deps: Deps, actor: Actor, input: { name: string; scopes: string[]; expiresAt?: string }) {
  authorize(actor, 'view.own');
  if (actor.via === 'token') throw new AppError('forbidden', 'tokens are created from a signed-in session');
  if (input.scopes.includes('admin') && actor.role !== 'admin') throw new AppError('forbidden', 'only admins may create admin-scoped tokens');
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date()) {
    throw new AppError('validation_failed', 'expiresAt must be in the future', { errors: [{ path: '/expiresAt', message: 'in the past' }] });
  }
  // passed as a Date (PostgreSQL refuses offsets beyond 15:59); years past 9999 would not read back
  if (expiresAt && expiresAt.getUTCFullYear() > 9999) {
    throw new AppError('validation_failed', 'expiresAt must be before the year 10000', { errors: [{ path: '/expiresAt', message: 'too far' }] });
  }
  const token = `slv_${randomToken(30)}`;
  const row = await deps.db
    .insertInto('api_tokens')
    .values({
      user_id: actor.id, name: input.name, token_hash: sha256(token), prefix: token.slice(0, 10),
      scopes: input.scopes, expires_at: expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, token };
}

export async function listTokens(deps: Deps, actor: Actor, q: { limit: number; cursor?: string }) {
  authorize(actor, 'view.own');
  const c = decodeCursor(q.cursor, 1);
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  let query = deps.db.selectFrom('api_tokens').selectAll().where('user_id', '=', actor.id).orderBy('id', 'desc').limit(q.limit + 1);
  if (c) query = query.where('id', '<', c[0] as string);
  return page(await query.execute(), q.limit, (t) => [t.id]);
}

export async function revokeToken(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'view.own');
  const r = await deps.db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', actor.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  authChanged();
  if (Number(r.numUpdatedRows) === 0) throw new AppError('not_found', 'token not found');
}

/** Every user's tokens (admins): newest first, optionally one user's or only those that still work. */
export async function listAllTokens(deps: Deps, actor: Actor, q: { limit: number; cursor?: string; userId?: string; active?: boolean }) {
  authorize(actor, 'token.read');
  const c = decodeCursor(q.cursor, 1);
  if (c && !isId(c[0])) throw new AppError('validation_failed', 'cursor is not valid; start again without it');
  let query = deps.db.selectFrom('api_tokens as t').innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('t').select(['u.name as user_name', 'u.email as user_email', 'u.active as user_active'])
    .orderBy('t.id', 'desc').limit(q.limit + 1);
  if (c) query = query.where('t.id', '<', c[0] as string);
  if (q.userId) query = query.where('t.user_id', '=', q.userId);
  if (q.active) query = query.where('t.revoked_at', 'is', null).where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', new Date())]));
  return page(await query.execute(), q.limit, (t) => [t.id]);
}

/** An admin revokes anyone's token (a leaked one, a departed colleague's). */
export async function revokeAnyToken(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'token.admin');
  const r = await deps.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  authChanged();
  if (Number(r.numUpdatedRows) === 0) throw new AppError('not_found', 'token not found or already revoked');
}

// --- customers: passwordless magic link ---

const MAGIC_TTL_MIN = 15;
/** Links one address may get per MAGIC_TTL_MIN minutes: nobody can flood a customer's inbox. */
const MAGIC_PER_WINDOW = 5;

/** Always succeeds from the caller's view (no account enumeration); mails a link when the address is known. */
export async function requestMagicLink(deps: Deps, email: string): Promise<void> {
  const c = await deps.db
    .selectFrom('customer_emails as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .select(['c.id', 'c.language'])
    .where('e.email', '=', email.toLowerCase())
    .executeTakeFirst();
  if (!c) return;
  const recent = await deps.db
    .selectFrom('customer_login_tokens')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', c.id)
    .where('email', '=', email.toLowerCase())
    .where('created_at', '>', new Date(Date.now() - MAGIC_TTL_MIN * 60_000))
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAGIC_PER_WINDOW) return; // silently: the answer must not differ
  const token = randomToken(32);
  const link = `${deps.config.publicUrl}/portal/login?token=${token}`;
  const ru = c.language === 'ru';
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('customer_login_tokens')
      .values({ token_hash: sha256(token), customer_id: c.id, email: email.toLowerCase(), expires_at: new Date(Date.now() + MAGIC_TTL_MIN * 60_000) })
      .execute();
    await trx
      .insertInto('outbox')
      .values({
        to_address: email,
        kind: 'magic_link',
        subject: ru ? 'Вход в службу поддержки' : 'Sign in to support',
        body_text: ru
          ? `Чтобы войти, откройте ссылку (действует ${MAGIC_TTL_MIN} минут, один раз):\n${link}\n`
          : `Open this link to sign in (valid ${MAGIC_TTL_MIN} minutes, once):\n${link}\n`,
      })
      .execute();
  });
}

export async function verifyMagicLink(deps: Deps, token: string, client: Client): Promise<SessionInfo> {
  const row = await deps.db
    .updateTable('customer_login_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['customer_id'])
    .executeTakeFirst();
  if (!row) throw new AppError('invalid_credentials', 'the link is unknown, used or expired; ask for a new one');
  return newSession(deps, { customerId: row.customer_id }, client);
}

export async function me(deps: Deps, actor: Actor) {
  requireSignedIn(actor);
  if (actor.kind === 'user') {
    const u = await deps.db.selectFrom('users').select(['id', 'name', 'email', 'role', 'locale']).where('id', '=', actor.id).executeTakeFirstOrThrow();
    return { kind: 'user' as const, id: u.id, name: u.name, email: u.email, role: u.role, locale: u.locale as 'ru' | 'en' };
  }
  const c = await deps.db
    .selectFrom('customers as c')
    .leftJoin('customer_emails as e', (j) => j.onRef('e.customer_id', '=', 'c.id').on('e.is_primary', '=', true))
    .select(['c.id', 'c.name', 'c.language', 'e.email'])
    .where('c.id', '=', actor.id)
    .executeTakeFirstOrThrow();
  return { kind: 'customer' as const, id: c.id, name: c.name, email: c.email ?? '', role: null, locale: c.language as 'ru' | 'en' };
}
