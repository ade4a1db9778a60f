// Load client, run as a child process (bench/run.ts forks it) so its CPU is not spent
// inside the measured Slovo process. Closed loop: `concurrency` workers, each sends its
// next request when the previous answer is in. HTTP goes over node:http with keep-alive;
// "sql" runs a statement on its own pg connections (used only when an endpoint is missing).
import http from 'node:http';
import pg from 'pg';
import { summarize, type LoadResult } from './stats.ts';

export type HttpReq = { method: 'GET' | 'POST'; path: string; body?: string };
export type SqlReq = { sql: string; params: unknown[] };
export type LoadSpec = {
  kind: 'http' | 'sql';
  target: string; // base URL (http) or database URL (sql)
  token?: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  maxRequests?: number; // stop the measured phase early after this many
  expectStatus?: number;
  requests: (HttpReq | SqlReq)[]; // taken round-robin
};

type Send = (i: number) => Promise<boolean>;

function httpSender(spec: LoadSpec): { send: Send; close: () => Promise<void> } {
  const base = new URL(spec.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const reqs = spec.requests as HttpReq[];
  const send: Send = (i) => new Promise((resolve, reject) => {
    const r = reqs[i % reqs.length];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.token) headers.authorization = `Bearer ${spec.token}`;
    if (r.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    const req = http.request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode === (spec.expectStatus ?? 200)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
  return { send, close: async () => agent.destroy() };
}

function sqlSender(spec: LoadSpec): { send: Send; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: spec.target, max: spec.concurrency });
  const reqs = spec.requests as SqlReq[];
  const send: Send = async (i) => {
    const r = reqs[i % reqs.length];
    await pool.query(r.sql, r.params);
    return true;
  };
  return { send, close: () => pool.end() };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const { send, close } = spec.kind === 'http' ? httpSender(spec) : sqlSender(spec);
  const latencies: number[] = [];
  const failures: string[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  let measuredEnd = end;
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end || (spec.maxRequests && latencies.length >= spec.maxRequests)) return;
      const t = performance.now();
      let ok = false;
      try {
        ok = await send(next++);
      } catch (e) {
        if (failures.length < 5) failures.push((e as Error).message);
      }
      const done = performance.now();
      if (t >= measureFrom) {
        latencies.push(done - t);
        if (!ok) errors++;
        if (spec.maxRequests && latencies.length >= spec.maxRequests) measuredEnd = Math.min(measuredEnd, done);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  measuredEnd = Math.min(measuredEnd, performance.now());
  await close();
  return { ...summarize(latencies, (measuredEnd - measureFrom) / 1000), errors, failures };
}

// As a forked child: one spec in, one result out.
if (process.send) {
  process.once('message', async (spec: LoadSpec) => {
    try {
      process.send!({ ok: true, result: await runLoad(spec) });
    } catch (e) {
      process.send!({ ok: false, error: (e as Error).stack });
    }
    process.disconnect();
  });
}
