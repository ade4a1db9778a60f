// Receive throughput of the raw-MIME webhook: `concurrency` clients post `count` distinct
// mails over HTTP keep-alive; a mail counts once its 2xx (= committed) came back.
// Latencies are per request, in milliseconds. bench/run.ts calls this against a real server.

export type RawBenchOptions = {
  baseUrl: string;
  channelId: string;
  token: string;
  count: number;
  concurrency: number;
  makeMail: (i: number) => Buffer;
};

export type RawBenchResult = { mailsPerSec: number; p50: number; p95: number; p99: number };

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function benchRawIngest(opts: RawBenchOptions): Promise<RawBenchResult> {
  const url = `${opts.baseUrl.replace(/\/$/, '')}/api/v1/mail/inbound/${opts.channelId}/raw`;
  const mails = Array.from({ length: opts.count }, (_, i) => opts.makeMail(i)); // built before the clock starts
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < mails.length) {
      const i = next++;
      const t0 = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${opts.token}` }, body: mails[i] as unknown as BodyInit });
      const text = await r.text();
      if (!r.ok) throw new Error(`raw ingest of mail ${i} failed: ${r.status} ${text.slice(0, 200)}`);
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { mailsPerSec: round(opts.count / seconds), p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)) };
}
