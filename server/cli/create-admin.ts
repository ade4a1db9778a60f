import { createAdmin } from '../modules/people/first-admin.ts';
import { withRuntime } from './with-runtime.ts';

export async function run(args: string[]): Promise<number | void> {
  const [email, ...name] = args;
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    console.error('usage: slovo create-admin <email> [name]   (password: SLOVO_ADMIN_PASSWORD or generated)');
    return 2;
  }
  await withRuntime(async (deps) => {
    const r = await createAdmin(deps, email, name.join(' ') || 'Admin', process.env.SLOVO_ADMIN_PASSWORD);
    console.log(r.generated ? `admin ${email} created; password (shown once): ${r.password}` : `admin ${email} created with SLOVO_ADMIN_PASSWORD`);
  });
}
