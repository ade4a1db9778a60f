import path from 'node:path';
import { loadConfig } from '../config.ts';
import { backup } from '../ops/backup.ts';
import { openOpsDb } from '../ops/connect.ts';

export async function run(args: string[]): Promise<number | void> {
  const [file] = args;
  if (!file || args.length > 1) {
    console.error('usage: slovo backup <file>   (e.g. slovo backup slovo-$(date +%F).backup.gz)');
    return 2;
  }
  const db = await openOpsDb(loadConfig(), (m) => console.error(m));
  try {
    const r = await backup(db.url, path.resolve(file));
    const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
    console.log(`backup written to ${r.file}: ${Object.keys(r.rows).length} tables, ${rows} rows, ${r.bytes} bytes (schema ${r.migrations.at(-1) ?? 'empty'})`);
  } finally {
    await db.close();
  }
}
