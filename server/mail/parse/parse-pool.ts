// Parser pool: N worker threads running mailparser under hard limits.
// - each parse has a time budget (limits.timeMs): over it, the worker is terminated → 'parse_timeout';
// - each worker has a capped heap (resourceLimits): out of memory ends the worker → 'parse_failed';
// - a worker that dies is replaced; workers are unref'd while idle so they never keep the process alive.
import { Worker } from 'node:worker_threads';
import { DEFAULT_PARSE_LIMITS, type ParseLimits, type ParseResult } from '../types.ts';

export type ParsePool = { parse(raw: Buffer, limits?: Partial<ParseLimits>): Promise<ParseResult>; close(): Promise<void> };
export type PoolOptions = { heapMb?: number };

type Job = { id: number; raw: Buffer; limits: ParseLimits; resolve: (r: ParseResult) => void };
/** How long a new worker may take to load the parser (about 1.5 s normally, more under load). */
const BOOT_MS = 30_000;
/** How long close() waits for workers to confirm they ended. */
const CLOSE_MS = 2_000;

type Slot = { worker: Worker; ready: boolean; killed: boolean; job: Job | null; timer: NodeJS.Timeout | null };

const WORKER_URL = new URL('./parse.worker.mjs', import.meta.url);
const fail = (code: 'parse_failed' | 'parse_timeout', reason: string): ParseResult => ({ ok: false, code, reason });

export function createParsePool(size = 2, opts: PoolOptions = {}): ParsePool {
  const heapMb = opts.heapMb ?? 384;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  let bootFailures = 0;

  function finish(slot: Slot, result: ParseResult) {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    if (job) job.resolve(result);
  }

  function refs() {
    for (const s of slots) {
      if (s.job || (queue.length && !s.ready)) s.worker.ref();
      else s.worker.unref();
    }
  }

  function spawn() {
    const worker = new Worker(WORKER_URL, {
      execArgv: [], // the entry registers tsx itself; do not inherit --test and the like
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    const slot: Slot = { worker, ready: false, killed: false, job: null, timer: null };
    slots.add(slot);
    let lastError: Error | null = null;
    // a worker that neither starts nor fails would leave mails waiting forever
    const boot = setTimeout(() => {
      if (slot.ready) return;
      lastError = new Error(`did not start within ${BOOT_MS / 1000} s`);
      worker.terminate().catch(() => {});
    }, BOOT_MS);
    boot.unref();
    worker.on('message', (msg: { type: string; id?: number; result?: ParseResult }) => {
      if (msg.type === 'ready') {
        clearTimeout(boot);
        slot.ready = true;
        bootFailures = 0;
      } else if (msg.type === 'result' && slot.job && slot.job.id === msg.id) {
        const r = msg.result!;
        if (r.ok) r.blobs = r.blobs.map((b) => ({ sha256: b.sha256, data: Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength) }));
        finish(slot, r);
      }
      pump();
    });
    worker.on('error', (e) => {
      lastError = e;
    });
    worker.on('exit', () => {
      clearTimeout(boot);
      slots.delete(slot);
      const oom = (lastError as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (slot.job) {
        finish(slot, fail('parse_failed', oom ? 'the parser ran out of memory' : `the parser worker died: ${lastError?.message ?? 'exit'}`.slice(0, 300)));
      }
      if (!slot.ready && !slot.job && !slot.killed) bootFailures++;
      if (closed) return;
      if (bootFailures >= 3) {
        // The worker cannot even start (broken install): answer instead of looping.
        // (a memory limit too small for the worker to boot is still "out of memory")
        const why = oom ? 'the parser ran out of memory' : `the parser worker does not start: ${lastError?.message ?? 'exit'}`.slice(0, 300);
        for (const j of queue.splice(0)) j.resolve(fail('parse_failed', why));
        bootFailures = 0;
        return;
      }
      spawn();
      pump();
    });
    refs();
  }

  function pump() {
    for (const slot of slots) {
      if (!queue.length) break;
      if (!slot.ready || slot.job) continue;
      const job = queue.shift()!;
      slot.job = job;
      const copy = new Uint8Array(job.raw.length); // transfer our own copy: the caller keeps its buffer
      copy.set(job.raw);
      slot.timer = setTimeout(() => {
        slot.ready = false;
        slot.killed = true; // never hand it another job: it is being terminated
        finish(slot, fail('parse_timeout', `parsing took longer than ${job.limits.timeMs} ms`));
        slot.worker.terminate().catch(() => {});
      }, job.limits.timeMs);
      slot.worker.postMessage({ id: job.id, raw: copy, limits: job.limits }, [copy.buffer]);
    }
    while (!closed && slots.size < size) spawn();
    refs();
  }

  return {
    parse(raw, limits) {
      const l = { ...DEFAULT_PARSE_LIMITS, ...limits };
      if (closed) return Promise.resolve(fail('parse_failed', 'the parser pool is closed'));
      if (raw.length > l.maxBytes) return Promise.resolve({ ok: false, code: 'too_large', reason: `${raw.length} bytes, over ${l.maxBytes}` });
      return new Promise<ParseResult>((resolve) => {
        queue.push({ id: nextId++, raw, limits: l, resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const j of queue.splice(0)) j.resolve(fail('parse_failed', 'the parser pool is closed'));
      // a worker dying of out-of-memory may never confirm its end: do not wait on it for ever
      const gone = Promise.all([...slots].map((s) => s.worker.terminate().catch(() => {})));
      await Promise.race([gone, new Promise((r) => setTimeout(r, CLOSE_MS).unref())]);
      for (const s of slots) finish(s, fail('parse_failed', 'the parser pool is closed'));
      slots.clear();
    },
  };
}
