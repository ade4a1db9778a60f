// IMAP path: a watcher per folder of every active channel with IMAP settings. Channels
// are re-read every 30 s, so added, changed or switched-off channels take effect.
// Each channel records its health (last ok / last error, per-folder state) for path 'imap'.
import { ImapSettings } from '../../../api/mail.ts';
import type { Deps } from '../../deps.ts';
import { markPathError, markPathOk } from '../health/path-state.ts';
import { FolderWatcher, type ImapConf, type Reporter } from './folder-watcher.ts';

const OK_EVERY_MS = 5000; // at most one last_ok write per channel this often while healthy

type Running = { key: string; stop: () => Promise<void> };

function startChannel(deps: Deps, channelId: string, conf: ImapConf): Running['stop'] {
  const folders: Record<string, unknown> = {};
  const failing = new Set<string>(); // the path is ok only while every folder is
  let lastOk = 0; // 0: the next success is written at once (first one, or a recovery)
  // state writes run one after another, so a late "ok" cannot land after a newer error
  let writes: Promise<unknown> = Promise.resolve();
  const inOrder = (fn: () => Promise<void>) => (writes = writes.then(fn, fn));
  const report: Reporter = {
    async ok(folder, state, force) {
      folders[folder] = { ...state, at: new Date().toISOString() };
      failing.delete(folder);
      if (failing.size) return;
      if (!force && lastOk && Date.now() - lastOk < OK_EVERY_MS) return;
      lastOk = Date.now();
      await inOrder(async () => {
        if (!failing.size) await markPathOk(deps.db, channelId, 'imap', { folders });
      });
    },
    async error(folder, err) {
      failing.add(folder);
      lastOk = 0;
      await inOrder(() => markPathError(deps.db, channelId, 'imap', `${folder}: ${err instanceof Error ? err.message : String(err)}`));
    },
  };
  const watchers = conf.folders.map((f) => new FolderWatcher(deps, channelId, conf, f, report));
  return async () => {
    await Promise.all(watchers.map((w) => w.stop()));
  };
}

/** opts.only: watch just these channels (benchmarks, tests); rescanMs: how often channels are re-read. */
export async function startImapPaths(deps: Deps, opts: { rescanMs?: number; only?: string[] } = {}): Promise<() => Promise<void>> {
  const running = new Map<string, Running>();
  let stopped = false;

  const scan = async () => {
    const rows = await deps.db.selectFrom('mail_channels').select(['id', 'active', 'settings']).execute();
    const want = new Map<string, { conf: ImapConf; key: string }>();
    for (const r of rows) {
      const imap = (r.settings as { imap?: unknown } | null)?.imap;
      if (!r.active || !imap || (opts.only && !opts.only.includes(String(r.id)))) continue;
      const parsed = ImapSettings.safeParse(imap);
      if (!parsed.success) {
        await markPathError(deps.db, r.id, 'imap', `invalid IMAP settings: ${parsed.error.issues[0]?.message ?? ''}`);
        continue;
      }
      want.set(r.id, { conf: parsed.data, key: JSON.stringify(parsed.data) });
    }
    for (const [id, w] of running) {
      if (want.get(id)?.key === w.key) continue;
      running.delete(id);
      await w.stop();
    }
    for (const [id, { conf, key }] of want) {
      if (stopped) break;
      if (!running.has(id)) running.set(id, { key, stop: startChannel(deps, id, conf) });
    }
  };

  let scanning: Promise<void> = scan().catch((e) => deps.log.error({ err: e }, 'imap: reading channels failed'));
  await scanning;
  const timer = setInterval(() => {
    scanning = scanning.then(() => (stopped ? undefined : scan())).catch((e) => deps.log.error({ err: e }, 'imap: reading channels failed'));
  }, opts.rescanMs ?? 30_000);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await scanning;
    await Promise.all([...running.values()].map((w) => w.stop()));
    running.clear();
  };
}
