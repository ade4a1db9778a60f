// Latency summaries and process memory from /proc.
import fs from 'node:fs';

export type LoadResult = {
  requests: number; seconds: number; throughput: number;
  p50: number; p95: number; p99: number; max: number; mean: number;
  errors: number; failures: string[];
};

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Nearest-rank percentiles (ms). */
export function summarize(latencies: number[], seconds: number): Omit<LoadResult, 'errors' | 'failures'> {
  const s = Float64Array.from(latencies).sort();
  const pct = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return {
    requests: s.length, seconds: round(seconds), throughput: round(s.length / seconds, 1),
    p50: round(pct(50)), p95: round(pct(95)), p99: round(pct(99)), max: round(s.length ? s[s.length - 1] : NaN), mean: round(mean),
  };
}

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages (shared_buffers) split between the processes that map them. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) out.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

export type MemSample = { nodeRssMb: number; pgRssMb: number; pgPssMb: number; pgProcesses: number };

export function sampleMemory(nodePid: number, postmasterPid: number): MemSample {
  const pg = [postmasterPid, ...childrenOf(postmasterPid)];
  const mb = (kb: number) => round(kb / 1024, 1);
  return {
    nodeRssMb: mb(statusKb(nodePid, 'VmRSS')),
    pgRssMb: mb(pg.reduce((a, p) => a + statusKb(p, 'VmRSS'), 0)),
    pgPssMb: mb(pg.reduce((a, p) => a + pssKb(p), 0)),
    pgProcesses: pg.length,
  };
}

/** Samples memory every `ms` until stopped; returns peak and mean of each figure. */
export function memorySampler(nodePid: number, postmasterPid: number, ms = 500) {
  const samples: MemSample[] = [];
  const timer = setInterval(() => samples.push(sampleMemory(nodePid, postmasterPid)), ms);
  return () => {
    clearInterval(timer);
    const keys = ['nodeRssMb', 'pgRssMb', 'pgPssMb', 'pgProcesses'] as const;
    const peak = Object.fromEntries(keys.map((k) => [k, Math.max(...samples.map((s) => s[k]))])) as MemSample;
    const mean = Object.fromEntries(keys.map((k) => [k, round(samples.reduce((a, s) => a + s[k], 0) / (samples.length || 1), 1)])) as MemSample;
    return { samples: samples.length, peak, mean };
  };
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const v = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = v[3] + v[4];
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU used by the Slovo process, the postgres processes and the whole machine between start() and the returned stop(). */
export function cpuMeter(nodePid: number, postmasterPid: number) {
  const pgNow = () => [postmasterPid, ...childrenOf(postmasterPid)].reduce((a, p) => a + cpuSeconds(p), 0);
  const t0 = performance.now();
  const n0 = cpuSeconds(nodePid);
  const p0 = pgNow();
  const m0 = machineCpu();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const m1 = machineCpu();
    return {
      wallSeconds: round(wall, 1),
      slovoCores: round((cpuSeconds(nodePid) - n0) / wall),
      postgresCores: round((pgNow() - p0) / wall), // backends that exited meanwhile are not counted
      machineBusyCores: round((m1.busy - m0.busy) / wall),
    };
  };
}
