import { loadConfig } from '../config.ts';
import type { Deps } from '../deps.ts';
import { startRuntime } from '../runtime.ts';

/** Runs a one-off command with the database up and jobs off. */
export async function withRuntime<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const rt = await startRuntime(loadConfig(), { jobs: false });
  try {
    return await fn(rt.deps);
  } finally {
    await rt.stop();
  }
}
