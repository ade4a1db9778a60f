import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';

export async function run(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('a separate worker needs DATABASE_URL (the embedded database belongs to `slovo serve`)');
  const rt = await startRuntime(config, { jobs: true, workers: true });
  rt.deps.log.info('worker running');
  const stop = async () => { await rt.stop(); process.exit(0); };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}
