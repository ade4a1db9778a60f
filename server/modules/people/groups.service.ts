// Groups (teams): list, read with members, create, rename, set members.
import { sql } from 'kysely';
import type { z } from 'zod';
import type { CreateGroupBody, ListGroupsQuery, UpdateGroupBody } from '../../../api/people.ts';
import type { Actor } from '../../actor.ts';
import type { Db } from '../../db/db.ts';
import { inTx } from '../../db/tx.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../errors.ts';
import { page } from '../../http/cursor.ts';
import { authorize } from '../../policy.ts';
import { afterNameCursor, isUniqueViolation, nameKey, prefixPattern } from './people-sql.ts';
import type { GroupRow } from './people.presenter.ts';

function groupQuery(db: Db) {
  return db
    .selectFrom('groups as g')
    .select(['g.id', 'g.name', 'g.description', 'g.level', 'g.calendar_id', 'g.created_at'])
    .select([
      sql<string>`lower(g.name)`.as('sort_name'),
      sql<number>`(select count(*)::int from group_members gm where gm.group_id = g.id)`.as('member_count'),
    ]);
}

async function findGroup(db: Db, id: string): Promise<GroupRow & { member_ids: string[] }> {
  const g = await groupQuery(db)
    .select(sql<string[]>`array(select gm.user_id::text from group_members gm where gm.group_id = g.id order by gm.user_id)`.as('member_ids'))
    .where('g.id', '=', id)
    .executeTakeFirst();
  if (!g) throw notFound('group');
  return g;
}

const nameTaken = (name: string) => new AppError('already_exists', `a group named ${name} already exists`, { name });
const rethrowName = (name: string | undefined) => (e: unknown) => {
  throw isUniqueViolation(e, 'groups_name_key') && name ? nameTaken(name) : e;
};

export async function listGroups(deps: Deps, actor: Actor, q: z.infer<typeof ListGroupsQuery>) {
  authorize(actor, 'group.read');
  let query = groupQuery(deps.db);
  if (q.q) query = query.where(sql<boolean>`lower(g.name) like ${prefixPattern(q.q)}`);
  const after = afterNameCursor('g', q.cursor);
  if (after) query = query.where(after);
  const rows = await query.orderBy(sql`lower(g.name)`).orderBy('g.id').limit(q.limit + 1).execute();
  return page(rows, q.limit, nameKey);
}

export async function getGroup(deps: Deps, actor: Actor, id: string) {
  authorize(actor, 'group.read');
  return findGroup(deps.db, id);
}

export async function createGroup(deps: Deps, actor: Actor, input: z.infer<typeof CreateGroupBody>) {
  authorize(actor, 'group.write');
  const g = await deps.db
    .insertInto('groups')
    .values({ name: input.name, description: input.description, level: input.level })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch(rethrowName(input.name));
  return findGroup(deps.db, g.id);
}

export async function updateGroup(deps: Deps, actor: Actor, id: string, input: z.infer<typeof UpdateGroupBody>) {
  authorize(actor, 'group.write');
  const r = await deps.db
    .updateTable('groups')
    .set({ name: input.name, description: input.description, level: input.level })
    .where('id', '=', id)
    .executeTakeFirst()
    .catch(rethrowName(input.name));
  if (Number(r.numUpdatedRows) === 0) throw notFound('group');
  return findGroup(deps.db, id);
}

/** Replaces the member list (admins and leads). */
export async function setMembers(deps: Deps, actor: Actor, id: string, userIds: string[]) {
  authorize(actor, 'group.members');
  const ids = [...new Set(userIds)];
  return inTx(deps.db, async (trx) => {
    const g = await trx.selectFrom('groups').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!g) throw notFound('group');
    if (ids.length) {
      const found = new Set((await trx.selectFrom('users').select('id').where('id', 'in', ids).execute()).map((u) => u.id));
      const errors = userIds.flatMap((u, i) => (found.has(u) ? [] : [{ path: `/userIds/${i}`, message: 'no such user' }]));
      if (errors.length) throw new AppError('validation_failed', `${errors[0].path}: no such user`, { errors });
    }
    let del = trx.deleteFrom('group_members').where('group_id', '=', id);
    if (ids.length) del = del.where('user_id', 'not in', ids);
    await del.execute();
    if (ids.length) {
      await trx.insertInto('group_members').values(ids.map((u) => ({ group_id: id, user_id: u }))).onConflict((oc) => oc.doNothing()).execute();
    }
    return findGroup(trx, id);
  });
}
