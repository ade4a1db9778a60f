import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { openOpsDb } from '../ops/connect.ts';
import { restore, RestoreError } from '../ops/restore.ts';

export async function run(args: string[]): Promise<number | void> {
  const [file] = args;
  if (!file || args.length > 1) {
    console.error('usage: slovo restore <file>   (into an empty database only)');
    return 2;
  }
  const full = path.resolve(file);
  if (!existsSync(full)) {
    console.error(`slovo restore: no such file: ${full}`);
    return 2;
  }
  const db = await openOpsDb(loadConfig(), (m) => console.error(m));
  try {
    const r = await restore(db.url, full, (m) => console.error(m));
    const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
    console.log(`restored ${rows} rows in ${Object.keys(r.rows).length} tables from the backup of ${r.createdAt}`);
  } catch (e) {
    if (e instanceof RestoreError) {
      console.error(`slovo restore: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}
