import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { resolveDatabase } from '../runtime.ts';

export async function run(): Promise<void> {
  const config = loadConfig();
  const { url, embedded } = await resolveDatabase(config, (m) => console.log(m));
  try {
    const applied = await migrate(url, (m) => console.log(m));
    console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  } finally {
    await embedded?.stop();
  }
}
