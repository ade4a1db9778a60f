// Logical backup that needs no pg_dump: one gzip file with a header, then every
// application table (attachments included: they live in `blobs`) as COPY text data,
// all read from one snapshot. Jobs (the pgboss schema) are not part of it.
//
// File layout (inside gzip):
//   "SLOVO-BACKUP\n"
//   {"type":"header","format":1,...}\n
//   per table: {"type":"table","table":..,"columns":[..]}\n  then frames: uint32 length + COPY bytes,
//              a zero length ends the table
//   {"type":"sequences","sequences":[..]}\n
//   {"type":"end","rows":{table: n}}\n
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { appliedMigrations, appTables, qi, sequences } from './catalog.ts';

export const MAGIC = 'SLOVO-BACKUP\n';
export const FORMAT = 1;
const FRAME = 256 * 1024; // COPY output is gathered into frames of about this size

export type BackupHeader = { type: 'header'; format: number; app: 'slovo'; createdAt: string; migrations: string[]; tables: string[] };
export type BackupResult = { file: string; bytes: number; rows: Record<string, number>; migrations: string[] };

/** Writes with backpressure; fails (instead of waiting forever) when the file cannot be written. */
async function write(out: zlib.Gzip, data: Buffer | string, failed: Promise<never>): Promise<void> {
  if (!out.write(data)) await Promise.race([once(out, 'drain'), failed]);
}

function lengthOf(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export async function backup(url: string, file: string): Promise<BackupResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'slovo backup' });
  client.on('error', () => {});
  await client.connect();
  const tmp = `${file}.partial`;
  const gz = zlib.createGzip({ level: 6 });
  const written = pipeline(gz, fs.createWriteStream(tmp, { mode: 0o600 }));
  written.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
  const failed = written.then(() => { throw new Error('the backup file was closed early'); });
  failed.catch(() => {});
  const put = (data: Buffer | string) => write(gz, data, failed);
  const rows: Record<string, number> = {};
  try {
    // One snapshot for every table: the backup is consistent while Slovo keeps running.
    await client.query('begin isolation level repeatable read read only');
    const migrations = await appliedMigrations(client);
    const tables = await appTables(client);
    const header: BackupHeader = { type: 'header', format: FORMAT, app: 'slovo', createdAt: new Date().toISOString(), migrations, tables: tables.map((t) => t.name) };
    await put(MAGIC + JSON.stringify(header) + '\n');
    for (const t of tables) {
      await put(JSON.stringify({ type: 'table', table: t.name, columns: t.columns }) + '\n');
      const cols = t.columns.map((c) => qi(client, c)).join(', ');
      const stream = client.query(copyTo(`copy ${qi(client, t.name)} (${cols}) to stdout`));
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        if (!size) return;
        const chunk = Buffer.concat(pending, size);
        pending = [];
        size = 0;
        await put(lengthOf(chunk.length));
        await put(chunk);
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= FRAME) await flush();
      }
      await flush();
      await put(lengthOf(0));
      rows[t.name] = stream.rowCount;
    }
    const seqs = await sequences(client);
    await put(JSON.stringify({ type: 'sequences', sequences: seqs.map((s) => ({ name: s.name, lastValue: s.lastValue })) }) + '\n');
    await put(JSON.stringify({ type: 'end', rows }) + '\n');
    await client.query('commit');
    gz.end();
    await written;
    await fsp.rename(tmp, file);
    const { size } = await fsp.stat(file);
    return { file, bytes: size, rows, migrations };
  } catch (e) {
    gz.destroy();
    await written.catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}
