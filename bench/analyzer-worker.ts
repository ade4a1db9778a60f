// Worker thread of bench/analyzer-guard.ts: runs one analyzer call per message and times it.
import { parentPort } from 'node:worker_threads';
import { analyzeMessage, coachReply } from '../server/analyzer/index.ts';

export type Job = { fn: 'analyzeMessage' | 'coachReply'; text: string; opts?: Record<string, unknown> };
export type Done = { ms: number; result?: unknown; error?: string };

parentPort!.on('message', (job: Job) => {
  const t0 = performance.now();
  let result: unknown;
  let error: string | undefined;
  try {
    result = job.fn === 'analyzeMessage' ? analyzeMessage(job.text, job.opts) : coachReply(job.text, job.opts);
  } catch (e) {
    error = (e as Error).stack ?? String(e);
  }
  const done: Done = { ms: performance.now() - t0, result, error };
  parentPort!.postMessage(done);
});
