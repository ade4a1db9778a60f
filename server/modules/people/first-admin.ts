import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { generatePassword, hashPassword } from '../auth/password.ts';

export async function createAdmin(deps: Deps, email: string, name: string, password?: string) {
  const exists = await deps.db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
  if (exists) throw new AppError('already_exists', `a user with e-mail ${email} already exists`);
  const pw = password ?? generatePassword();
  if (pw.length < 12) throw new AppError('validation_failed', 'the admin password must be at least 12 characters');
  await deps.db.insertInto('users').values({ email: email.toLowerCase(), name, role: 'admin', level: 3, password_hash: await hashPassword(pw), password_changed_at: new Date() }).execute();
  return { email, password: pw, generated: !password };
}

/** On a database without any admin, creates one (from SLOVO_ADMIN_* or with a generated password). */
export async function ensureFirstAdmin(deps: Deps): Promise<{ email: string; password: string | null } | null> {
  const any = await deps.db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
  if (any) return null;
  const email = deps.config.SLOVO_ADMIN_EMAIL ?? 'admin@slovo.local';
  const r = await createAdmin(deps, email, 'Admin', deps.config.SLOVO_ADMIN_PASSWORD);
  return { email, password: r.generated ? r.password : null };
}
