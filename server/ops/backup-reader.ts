// Reads the records of a backup file (see backup.ts for the layout) from a gunzip stream.
import fs from 'node:fs';
import zlib from 'node:zlib';

export class BackupFormatError extends Error {}

export class BackupReader {
  private buf: Buffer = Buffer.alloc(0);
  private it: AsyncIterator<Buffer>;
  private done = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  static open(file: string): BackupReader {
    const raw = fs.createReadStream(file);
    const gunzip = zlib.createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    return new BackupReader(raw.pipe(gunzip));
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    let r: IteratorResult<Buffer>;
    try {
      r = await this.it.next();
    } catch (e) {
      throw new BackupFormatError(`cannot read the backup: ${(e as Error).message}`);
    }
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /** A text line without its newline; lines are short (records, not data). */
  async line(max = 16 * 1024 * 1024): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(10);
      if (i >= 0) {
        const s = this.buf.subarray(0, i).toString('utf8');
        this.buf = this.buf.subarray(i + 1);
        return s;
      }
      if (this.buf.length > max) throw new BackupFormatError('the backup is damaged (overlong record)');
      if (!(await this.fill())) throw new BackupFormatError('the backup ends too early (truncated file?)');
    }
  }

  async record<T = Record<string, unknown>>(): Promise<T & { type: string }> {
    const text = await this.line();
    try {
      return JSON.parse(text) as T & { type: string };
    } catch {
      throw new BackupFormatError('the backup is damaged (bad record)');
    }
  }

  private async need(n: number): Promise<void> {
    while (this.buf.length < n) if (!(await this.fill())) throw new BackupFormatError('the backup ends too early (truncated file?)');
  }

  /** The COPY data of one table, in pieces, up to its zero-length end frame. */
  async *frames(): AsyncGenerator<Buffer> {
    for (;;) {
      await this.need(4);
      let left = this.buf.readUInt32BE(0);
      this.buf = this.buf.subarray(4);
      if (left === 0) return;
      while (left > 0) {
        if (!this.buf.length) await this.need(1);
        const piece = this.buf.subarray(0, Math.min(left, this.buf.length));
        this.buf = this.buf.subarray(piece.length);
        left -= piece.length;
        yield piece;
      }
    }
  }

  /** Stops reading (closes the file). */
  async close(): Promise<void> {
    this.done = true;
    await this.it.return?.().catch(() => undefined);
  }

  /** True when nothing follows. */
  async atEnd(): Promise<boolean> {
    return this.buf.length === 0 && !(await this.fill());
  }
}
