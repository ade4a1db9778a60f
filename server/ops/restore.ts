// Restores a backup written by backup.ts into an empty database: migrations first,
// then all rows in one transaction, then every sequence moved past the restored ids.
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { listMigrations, migrate } from '../db/migrate.ts';
import { appTables, qi, sequences } from './catalog.ts';
import { BackupFormatError, BackupReader } from './backup-reader.ts';
import { FORMAT, MAGIC, type BackupHeader } from './backup.ts';

/** Tables that only people fill (migrations never seed them): any row here means "not empty". */
const DATA_TABLES = ['users', 'customers', 'organizations', 'tickets', 'messages', 'blobs'];

export class RestoreError extends Error {}

export type RestoreResult = { rows: Record<string, number>; migrations: string[]; createdAt: string };

async function readHeader(reader: BackupReader): Promise<BackupHeader> {
  let magic: string;
  try {
    magic = await reader.line(64);
  } catch (e) {
    throw new RestoreError(e instanceof BackupFormatError ? 'this is not a Slovo backup (not a gzip file, or damaged)' : (e as Error).message);
  }
  if (magic + '\n' !== MAGIC) throw new RestoreError('this is not a Slovo backup file');
  const h = await reader.record<BackupHeader>();
  if (h.type !== 'header' || h.app !== 'slovo') throw new RestoreError('the backup header is missing or damaged');
  if (h.format !== FORMAT) throw new RestoreError(`backup format ${h.format} is not supported by this version of Slovo (it reads format ${FORMAT})`);
  const known = new Set((await listMigrations()).map((m) => m.version));
  const unknown = h.migrations.filter((v) => !known.has(v));
  if (unknown.length) {
    throw new RestoreError(`the backup comes from a newer Slovo (unknown migrations: ${unknown.join(', ')}); upgrade Slovo, then restore`);
  }
  return h;
}

async function refuseIfNotEmpty(client: pg.ClientBase, present: Set<string>): Promise<void> {
  const busy: string[] = [];
  for (const t of DATA_TABLES) {
    if (!present.has(t)) continue;
    const r = await client.query<{ n: number }>(`select count(*)::int as n from (select 1 from ${qi(client, t)} limit 1000) x`);
    if (r.rows[0].n > 0) busy.push(`${t}: ${r.rows[0].n === 1000 ? '1000+' : r.rows[0].n} row(s)`);
  }
  if (busy.length) {
    throw new RestoreError(`the database is not empty (${busy.join(', ')}). Restore only into a new, empty database: ` +
      'point DATABASE_URL at a new database, or use an empty SLOVO_DATA_DIR, then run the restore again');
  }
}

async function copyTable(client: pg.ClientBase, reader: BackupReader, table: string, columns: string[]): Promise<number> {
  const cols = columns.map((c) => qi(client, c)).join(', ');
  const stream = client.query(copyFrom(`copy ${qi(client, table)} (${cols}) from stdin`));
  const failed = once(stream, 'error').then(([e]) => { throw e; });
  failed.catch(() => {});
  try {
    for await (const piece of reader.frames()) {
      if (!stream.write(piece)) await Promise.race([once(stream, 'drain'), failed]);
    }
  } catch (e) {
    // CopyFail ends the COPY on the server so the connection can roll back.
    stream.destroy(e as Error);
    await finished(stream).catch(() => {});
    throw e;
  }
  stream.end();
  await Promise.race([finished(stream), failed]);
  return stream.rowCount;
}

async function resetSequences(client: pg.ClientBase, fromBackup: Map<string, string | null>): Promise<void> {
  for (const s of await sequences(client)) {
    let target = fromBackup.get(s.name) ? BigInt(fromBackup.get(s.name)!) : null;
    if (s.table && s.column) {
      const r = await client.query<{ m: string | null }>(`select max(${qi(client, s.column)})::text as m from ${qi(client, s.table)}`);
      const m = r.rows[0].m;
      if (m !== null && /^-?\d+$/.test(m) && (target === null || BigInt(m) > target)) target = BigInt(m);
    }
    if (target === null) continue;
    await client.query(`select setval(format('public.%I', $1::text)::regclass, $2::bigint, true)`, [s.name, target.toString()]);
  }
}

export async function restore(url: string, file: string, log: (m: string) => void = () => {}): Promise<RestoreResult> {
  const reader = BackupReader.open(file);
  try {
    return await restoreFrom(reader, url, log);
  } finally {
    await reader.close();
  }
}

async function restoreFrom(reader: BackupReader, url: string, log: (m: string) => void): Promise<RestoreResult> {
  const header = await readHeader(reader);
  await migrate(url, log);
  const client = new pg.Client({ connectionString: url, application_name: 'slovo restore' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('begin');
    const target = new Map((await appTables(client)).map((t) => [t.name, t]));
    await refuseIfNotEmpty(client, new Set(target.keys()));
    for (const name of header.tables) {
      if (!target.has(name)) throw new RestoreError(`table "${name}" from the backup does not exist in this version of Slovo`);
    }
    const su = await client.query<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user');
    // As superuser, skip triggers and FK checks (the backup is one consistent snapshot);
    // otherwise the FK-safe table order of the backup does the job.
    if (su.rows[0]?.su) await client.query('set local session_replication_role = replica');
    // Rows that migrations seeded are replaced by the backup's own.
    if (header.tables.length) await client.query(`truncate ${header.tables.map((t) => qi(client, t)).join(', ')} cascade`);
    const rows: Record<string, number> = {};
    let seqs = new Map<string, string | null>();
    for (;;) {
      const rec = await reader.record<{ table?: string; columns?: string[]; sequences?: { name: string; lastValue: string | null }[]; rows?: Record<string, number> }>();
      if (rec.type === 'table') {
        const t = target.get(rec.table ?? '');
        if (!t || !rec.columns) throw new RestoreError(`the backup is damaged (unexpected table ${rec.table})`);
        const missing = rec.columns.filter((c) => !t.columns.includes(c));
        if (missing.length) throw new RestoreError(`columns ${missing.join(', ')} of table "${t.name}" from the backup do not exist in this version of Slovo`);
        rows[t.name] = await copyTable(client, reader, t.name, rec.columns);
        log(`restored ${t.name}: ${rows[t.name]} row(s)`);
      } else if (rec.type === 'sequences') {
        seqs = new Map((rec.sequences ?? []).map((s) => [s.name, s.lastValue]));
      } else if (rec.type === 'end') {
        for (const [t, n] of Object.entries(rec.rows ?? {})) {
          if (rows[t] !== n) throw new RestoreError(`table "${t}": the backup lists ${n} row(s) but ${rows[t] ?? 0} were read`);
        }
        break;
      } else {
        throw new RestoreError(`the backup is damaged (unknown record "${rec.type}")`);
      }
    }
    if (!(await reader.atEnd())) throw new RestoreError('the backup is damaged (data after the end record)');
    await resetSequences(client, seqs);
    await client.query('commit');
    return { rows, migrations: header.migrations, createdAt: header.createdAt };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    if (e instanceof BackupFormatError) throw new RestoreError(e.message);
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}
