// Agents (users): list, read, create, update; self-service profile edits.
// Deactivation ends every session and revokes tokens; the last active admin stays.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateUserBody, ListUsersQuery, UpdateMeBody, UpdateUserBody } from '../../../api/people.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { generatePassword, hashPassword } from '../auth/password.ts';
import { authChanged } from '../auth/auth.service.ts';
import { afterNameCursor, isUniqueViolation, nameKey, prefixPattern } from './people-sql.ts';
import type { UserRow } from './people.presenter.ts';

function userQuery(db: Db) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.level', 'u.skills', 'u.time_zone', 'u.locale', 'u.active', 'u.created_at', 'u.updated_at'])
    .select([
      sql<string>`lower(u.name)`.as('sort_name'),
      sql<string[]>`array(select gm.group_id::text from group_members gm where gm.user_id = u.id order by gm.group_id)`.as('group_ids'),
    ]);
}

async function findUser(db: Db, id: string): Promise<UserRow> {
  const u = await userQuery(db).where('u.id', '=', id).executeTakeFirst();
  if (!u) throw notFound('user');
  return u;
}

export async function listUsers(deps: Deps, actor: Actor, q: z.infer<typeof ListUsersQuery>) {
  authorize(actor, 'user.read');
  let query = userQuery(deps.db);
  if (q.role?.length) query = query.where('u.role', 'in', q.role);
  if (q.active !== undefined) query = query.where('u.active', '=', q.active);
  if (q.groupId) {
    const gid = q.groupId;
    query = query.where('u.id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('group_id', '=', gid));
  }
  if (q.q) {
    const p = prefixPattern(q.q);
    query = query.where(sql<boolean>`(lower(u.name) like ${p} or lower(u.email) like ${p})`);
  }
  const after = afterNameCursor('u', q.cursor);
  if (after) query = query.where(after);
  const rows = await query.orderBy(sql`lower(u.name)`).orderBy('u.id').limit(q.limit + 1).execute();
  return page(rows, q.limit, nameKey);
}

export async function getUser(deps: Deps, actor: Actor, id: string): Promise<UserRow> {
  authorize(actor, 'user.read');
  return findUser(deps.db, id);
}

async function checkGroups(db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = new Set((await db.selectFrom('groups').select('id').where('id', 'in', ids).execute()).map((g) => g.id));
  const errors = ids.flatMap((id, i) => (found.has(id) ? [] : [{ path: `/groupIds/${i}`, message: 'no such group' }]));
  if (errors.length) throw new AppError('validation_failed', `${errors[0].path}: no such group`, { errors });
}

async function checkEmailFree(db: Db, email: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('already_exists', `a user with e-mail ${email} already exists`, { email });
}

const emailTaken = (email: string) => new AppError('already_exists', `a user with e-mail ${email} already exists`, { email });

export async function createUser(deps: Deps, actor: Actor, input: z.infer<typeof CreateUserBody>): Promise<{ user: UserRow; generatedPassword: string | null }> {
  authorize(actor, 'user.write');
  const password = input.password ?? generatePassword();
  const hash = await hashPassword(password);
  return inTx(deps.db, async (trx) => {
    await checkEmailFree(trx, input.email);
    await checkGroups(trx, input.groupIds);
    const now = new Date();
    const u = await trx
      .insertInto('users')
      .values({
        email: input.email, name: input.name, role: input.role, level: input.level, skills: [...new Set(input.skills)],
        time_zone: input.timeZone, locale: input.locale, password_hash: hash, password_changed_at: now, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        throw isUniqueViolation(e, 'users_email_key') ? emailTaken(input.email) : e;
      });
    const groupIds = [...new Set(input.groupIds)];
    if (groupIds.length) await trx.insertInto('group_members').values(groupIds.map((g) => ({ group_id: g, user_id: u.id }))).execute();
    return { user: await findUser(trx, u.id), generatedPassword: input.password ? null : password };
  });
}

/** Refuses a change that would leave no active admin. Locks the admins so two such changes cannot race. */
async function keepAnAdmin(db: Db, userId: string): Promise<void> {
  const admins = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).orderBy('id').forUpdate().execute();
  if (admins.length && admins.every((a) => a.id === userId)) {
    throw new AppError('invalid_state', 'this is the last active admin; make someone else an admin first');
  }
}

export async function updateUser(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateUserBody>): Promise<UserRow> {
  authorize(actor, 'user.write');
  const hash = input.password ? await hashPassword(input.password) : null;
  const updated = await inTx(deps.db, async (trx) => {
    if (input.active === false || (input.role && input.role !== 'admin')) await keepAnAdmin(trx, id);
    const u = await trx.selectFrom('users').select(['id', 'active']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!u) throw notFound('user');
    if (input.email) await checkEmailFree(trx, input.email, id);
    if (input.groupIds) await checkGroups(trx, input.groupIds);
    const now = new Date();
    await trx
      .updateTable('users')
      .set({
        email: input.email, name: input.name, role: input.role, level: input.level,
        skills: input.skills && [...new Set(input.skills)], time_zone: input.timeZone, locale: input.locale, active: input.active,
        ...(hash ? { password_hash: hash, password_changed_at: now, failed_logins: 0, locked_until: null } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute()
      .catch((e: unknown) => {
        throw isUniqueViolation(e, 'users_email_key') && input.email ? emailTaken(input.email) : e;
      });
    if (input.groupIds) {
      const ids = [...new Set(input.groupIds)];
      let del = trx.deleteFrom('group_members').where('user_id', '=', id);
      if (ids.length) del = del.where('group_id', 'not in', ids);
      await del.execute();
      if (ids.length) {
        await trx.insertInto('group_members').values(ids.map((g) => ({ group_id: g, user_id: id }))).onConflict((oc) => oc.doNothing()).execute();
      }
    }
    if ((input.active === false && u.active) || hash) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    if (input.active === false && u.active) {
      await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    }
    return findUser(trx, id);
  });
  authChanged(); // remembered token actors carry role, level and locale
  return updated;
}

/** Any staff member edits their own name, locale and time zone. */
export async function updateMe(deps: Deps, actor: Actor, input: z.infer<typeof UpdateMeBody>): Promise<UserRow> {
  authorize(actor, 'view.own');
  await deps.db
    .updateTable('users')
    .set({ name: input.name, locale: input.locale, time_zone: input.timeZone, updated_at: new Date() })
    .where('id', '=', actor.id)
    .execute();
  authChanged();
  return findUser(deps.db, actor.id);
}
