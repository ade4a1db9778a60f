// One IMAP connection watching one folder of one channel. Unprocessed mail (no
// $SlovoIngested keyword) is fetched in batches, committed, and only then flagged
// (or moved). IDLE wakes it at once; a poll every pollSeconds is the safety net.
// Errors end the session; it reconnects with backoff (1 s … 60 s). Never deletes.
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { z } from 'zod';
import type { ImapSettings } from '../../../api/mail.ts';
import type { Deps } from '../../deps.ts';
import { receiveBatch } from './receive-batch.ts';

export type ImapConf = z.infer<typeof ImapSettings>;
export const KEYWORD = '$SlovoIngested';
const BATCH_COUNT = 100;
const BATCH_BYTES = 32 * 1024 * 1024;
const SIZE_BLOCK = 1000;

/** What a folder tells its channel: it is fine (with its state) or it failed. */
export type Reporter = {
  ok(folder: string, state: { uidValidity: string; lastUid: number; ingested: number }, force?: boolean): Promise<void>;
  error(folder: string, err: unknown): Promise<void>;
};

export class FolderWatcher {
  private stopped = false;
  private client: ImapFlow | null = null;
  private wake: (() => void) | null = null;
  private news = false;
  private ingested = 0;
  private lastUid = 0;
  private readonly done: Promise<void>;

  constructor(
    private readonly deps: Deps,
    private readonly channelId: string,
    private readonly conf: ImapConf,
    private readonly folder: string,
    private readonly report: Reporter,
  ) {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    const t = setTimeout(() => this.client?.close(), 5000); // a batch in flight may finish first
    await this.done;
    clearTimeout(t);
  }

  private poke(): void {
    this.news = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    let backoff = 1000;
    while (!this.stopped) {
      try {
        await this.session(() => (backoff = 1000));
      } catch (e) {
        if (this.stopped) break;
        await this.report.error(this.folder, e).catch(() => {});
        this.deps.log.warn({ channelId: this.channelId, folder: this.folder, err: e }, 'imap watcher failed; reconnecting');
      }
      if (this.stopped) break;
      await this.pause(backoff);
      backoff = Math.min(backoff * 2, 60_000);
    }
  }

  private async session(connected: () => void): Promise<void> {
    const c = new ImapFlow({
      host: this.conf.host,
      port: this.conf.port,
      secure: this.conf.secure,
      ...(this.conf.starttls === 'require' ? { doSTARTTLS: true } : this.conf.starttls === 'never' ? { doSTARTTLS: false } : {}),
      tls: { rejectUnauthorized: this.conf.checkCertificate !== false },
      auth: { user: this.conf.user, pass: this.conf.password ?? '' },
      logger: false,
      disableAutoIdle: !this.conf.idle,
      autoIdleDelay: 100, // back to IDLE right after a pass, so new mail is seen at once
      maxIdleTime: 5 * 60_000, // servers drop IDLE after ~30 min
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
    });
    let closed = false;
    let live = true; // events of an ended session must not cut the backoff short
    c.on('error', (e: unknown) => this.deps.log.debug({ err: e }, 'imap connection error'));
    c.on('close', () => {
      closed = true;
      if (live) this.poke();
    });
    c.on('exists', () => live && this.poke());
    this.client = c;
    try {
      await c.connect();
      const box = await c.mailboxOpen(this.folder);
      // a server without custom keywords: \Seen is the only mark left
      const keywords = !box.permanentFlags || box.permanentFlags.has('\\*');
      if (this.conf.processed === 'move') await this.ensureFolder(c);
      let first = true;
      while (!this.stopped) {
        if (closed || !c.usable) throw new Error('IMAP connection closed');
        this.news = false;
        await this.pass(c, keywords, first);
        if (first) connected(); // a full pass worked: the backoff starts over
        first = false;
        if (this.news || this.stopped) continue;
        await this.pause(this.conf.pollSeconds * 1000);
      }
    } finally {
      live = false;
      this.client = null;
      if (!closed) await Promise.race([c.logout().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
      c.close();
    }
  }

  private async ensureFolder(c: ImapFlow): Promise<void> {
    if (this.conf.moveTo === this.folder) throw new Error(`moveTo "${this.conf.moveTo}" is a watched folder`);
    const list = await c.list();
    if (!list.some((f) => f.path === this.conf.moveTo)) await c.mailboxCreate(this.conf.moveTo);
  }

  /** Commits the batch; if that fails, mail by mail, so one mail the database refuses
   * does not hold up the others (it stays unmarked and is retried on the next pass). */
  private async commit(msgs: FetchMessageObject[], uidValidity: string): Promise<FetchMessageObject[]> {
    const item = (m: FetchMessageObject) => ({ raw: m.source!, pathRef: `${this.folder}:${uidValidity}:${m.uid}` });
    try {
      await receiveBatch(this.deps, this.channelId, 'imap', msgs.map(item));
      return msgs;
    } catch (e) {
      if (msgs.length === 1) throw e;
      const ok: FetchMessageObject[] = [];
      let failed: unknown = null;
      for (const m of msgs) {
        try {
          await receiveBatch(this.deps, this.channelId, 'imap', [item(m)]);
          ok.push(m);
        } catch (err) {
          failed = err;
          this.deps.log.error({ channelId: this.channelId, folder: this.folder, uid: m.uid, err }, 'imap: mail could not be stored');
        }
      }
      if (!ok.length) throw e; // the database, not a mail: reconnect with backoff
      await this.report.error(this.folder, failed).catch(() => {});
      return ok;
    }
  }

  /** One pass over the folder: every unprocessed mail is committed, then marked. */
  private async pass(c: ImapFlow, keywords: boolean, force: boolean): Promise<void> {
    await c.noop(); // lets the server report what arrived (when not idling)
    const uidValidity = String(c.mailbox ? c.mailbox.uidValidity : '');
    if (this.conf.processed === 'move' && keywords) {
      // committed and flagged, but the MOVE did not happen (a crash, a failed command)
      const stray = (await c.search({ keyword: KEYWORD }, { uid: true })) || [];
      if (stray.length) await c.messageMove(stray, this.conf.moveTo, { uid: true });
    }
    const found = (await c.search(keywords ? { unKeyword: KEYWORD } : { seen: false }, { uid: true })) || [];
    const uids = [...found].sort((a, b) => a - b);
    let refused = 0; // mails the database would not take: the folder stays in error
    for (let i = 0; i < uids.length && !this.stopped; i += SIZE_BLOCK) {
      const block = uids.slice(i, i + SIZE_BLOCK);
      const sizes = await c.fetchAll(block, { uid: true, size: true }, { uid: true });
      const groups = batches(sizes);
      // the next batch is fetched while this one is being committed
      const fetch = (uids: number[]) => c.fetchAll(uids, { uid: true, source: true }, { uid: true });
      let ahead: Promise<FetchMessageObject[]> | null = groups.length ? fetch(groups[0]) : null;
      for (let g = 0; g < groups.length && ahead && !this.stopped; g++) {
        const fetched = (await ahead).filter((m) => m.source);
        ahead = g + 1 < groups.length ? fetch(groups[g + 1]) : null;
        ahead?.catch(() => {}); // its failure surfaces when awaited
        if (!fetched.length) continue; // expunged meanwhile
        const msgs = await this.commit(fetched, uidValidity);
        refused += fetched.length - msgs.length;
        // committed: now (and only now) the mail may be marked
        const done = msgs.map((m) => m.uid);
        await c.messageFlagsAdd(done, keywords ? [KEYWORD, '\\Seen'] : ['\\Seen'], { uid: true });
        if (this.conf.processed === 'move') await c.messageMove(done, this.conf.moveTo, { uid: true });
        this.ingested += done.length;
        this.lastUid = Math.max(this.lastUid, done[done.length - 1]);
        if (!refused) await this.report.ok(this.folder, { uidValidity, lastUid: this.lastUid, ingested: this.ingested });
      }
      if (ahead) await ahead.catch(() => {}); // stopped with a fetch in flight
    }
    if (!refused) await this.report.ok(this.folder, { uidValidity, lastUid: this.lastUid, ingested: this.ingested }, force);
  }
}

/** UIDs grouped so a batch has at most BATCH_COUNT mails and about BATCH_BYTES. */
function batches(msgs: FetchMessageObject[]): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const m of [...msgs].sort((a, b) => a.uid - b.uid)) {
    const size = m.size ?? 0;
    if (cur.length && (cur.length >= BATCH_COUNT || bytes + size > BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m.uid);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}
