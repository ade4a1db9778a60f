// Runs analyzer calls in a worker thread so that a pathological input can be stopped at a time
// limit instead of hanging the bench or the test. The time is measured inside the worker.
import { Worker } from 'node:worker_threads';
import type { Done, Job } from './analyzer-worker.ts';

export type Guarded = Done & { stopped?: boolean };

/** `warmup` runs on every fresh worker before the first timed call (start-up, lexicons, JIT). */
export function analyzerGuard(warmup: Job[] = []) {
  let worker: Worker | null = null;
  const start = () => {
    const api = import.meta.resolve('tsx/esm/api');
    const target = new URL('./analyzer-worker.ts', import.meta.url).href;
    return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`, { eval: true });
  };
  const raw = (w: Worker, job: Job, limitMs: number): Promise<Guarded> =>
    new Promise((resolve) => {
      const finish = (r: Guarded) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        resolve(r);
      };
      const onMessage = (m: Done) => finish(m);
      const onError = (e: Error) => {
        worker = null;
        finish({ ms: NaN, error: e.stack ?? e.message });
      };
      const timer = setTimeout(() => {
        worker = null;
        void w.terminate();
        finish({ ms: limitMs, stopped: true });
      }, limitMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage(job);
    });
  /** One timed call; stopped after limitMs (then the next call gets a fresh, warmed-up worker). */
  const call = async (job: Job, limitMs: number): Promise<Guarded> => {
    if (!worker) {
      worker = start();
      for (const j of warmup) await raw(worker, j, 60_000);
      worker ??= start();
    }
    return raw(worker, job, limitMs);
  };
  return {
    call,
    close: async () => {
      await worker?.terminate();
      worker = null;
    },
  };
}
