// Parse times through the real pool: the hostile corpus, and ~1000 normal mails of the common clients.
// `node --import tsx bench/mail-parse.ts` prints a table; bench/run.ts may call benchParse().
import { hostileCorpus } from '../server/mail/parse/hostile-corpus.ts';
import { createParsePool } from '../server/mail/parse/parse-pool.ts';
import { normalMail } from '../server/mail/parse/samples.ts';

export type ParseBenchRow = { name: string; count: number; p50: number; p95: number; p99: number; max: number };

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x: number) => Math.round(x * 10) / 10;

function row(name: string, times: number[]): ParseBenchRow {
  const s = [...times].sort((a, b) => a - b);
  return { name, count: s.length, p50: round(pct(s, 50)), p95: round(pct(s, 95)), p99: round(pct(s, 99)), max: round(s[s.length - 1]) };
}

export async function benchParse(opts: { normal?: number; size?: number } = {}): Promise<ParseBenchRow[]> {
  const pool = createParsePool(opts.size ?? 2);
  try {
    const warm = normalMail(0);
    await Promise.all([pool.parse(warm), pool.parse(warm)]);
    const timed = async (raw: Buffer) => {
      const t0 = performance.now();
      await pool.parse(raw);
      return performance.now() - t0;
    };
    // Sequential: the latency of one mail when the pool is idle.
    const hostile: number[] = [];
    for (const item of hostileCorpus()) hostile.push(await timed(item.raw));
    const normals = Array.from({ length: opts.normal ?? 1000 }, (_, i) => normalMail(i));
    const normal: number[] = [];
    for (const raw of normals) normal.push(await timed(raw));
    // Concurrent: all normal mails at once; the time per mail includes queueing.
    const t0 = performance.now();
    const concurrent = await Promise.all(normals.map(timed));
    const wall = performance.now() - t0;
    return [
      row('mail parse: hostile corpus (sequential)', hostile),
      row('mail parse: normal mails (sequential)', normal),
      row(`mail parse: normal mails (all at once, ${Math.round((normals.length / wall) * 1000)} mails/s)`, concurrent),
    ];
  } finally {
    await pool.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  console.table(await benchParse());
}
