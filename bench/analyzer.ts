// The analyzer bench, in process on one JS thread (no database): message triage throughput and
// latency on typical 1-2 KB messages, p99 on 20 KB messages, reply coach p95, 1 MB adversarial inputs.
// `npm run bench -- --only analyzer` or `node --import tsx bench/analyzer.ts [--seconds 5]`;
// writes bench/results/analyzer-latest.md and bench/results/<date>-<commit>-analyzer.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeMessage, coachReply } from '../server/analyzer/index.ts';
import { adversarialInputs, customerMessage, replyCase } from './analyzer-gen.ts';
import { analyzerGuard } from './analyzer-guard.ts';
import type { Job } from './analyzer-worker.ts';
import { gitShort, RESULTS_DIR } from './report.ts';
import { summarize, type LoadResult } from './stats.ts';

export type AnalyzerTarget = { metric: 'throughput' | 'p95' | 'p99' | 'max'; value: number };
export type AnalyzerRow = { scenario: string; mode: 'in-process'; clients: 1; note?: string; target: AnalyzerTarget; result: LoadResult };
export type AdversarialRow = { name: string; chars: number; messageMs: number; asReplyMs: number; asCustomerMessageMs: number };

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** adversarial calls still running after this are stopped and shown as "≥ 10000" */
const STOP_MS = 10_000;
const show = (ms: number) => (ms >= STOP_MS ? `≥ ${STOP_MS} (stopped)` : Number.isNaN(ms) ? 'threw' : String(ms));

function timeAll<T>(items: T[], fn: (x: T) => unknown, rounds = 1): number[] {
  const out: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const x of items) {
      const t0 = performance.now();
      fn(x);
      out.push(performance.now() - t0);
    }
  }
  return out;
}

function result(latencies: number[], seconds: number): LoadResult {
  return { ...summarize(latencies, seconds), errors: 0, failures: [] };
}

export function verdict(t: AnalyzerTarget, r: LoadResult): { text: string; ok: boolean } {
  const ok = t.metric === 'throughput' ? r.throughput >= t.value : r[t.metric] <= t.value;
  const want = t.metric === 'throughput' ? `≥ ${t.value.toLocaleString('en')}/s` : t.metric === 'max' ? `max < ${t.value} ms` : `${t.metric} ≤ ${t.value} ms`;
  return { text: `${want} ${ok ? '✅' : '❌'}`, ok };
}

export async function runAnalyzerBench(log: (m: string) => void = console.log, opts: { seconds?: number } = {}) {
  const seconds = opts.seconds ?? 5;
  const rows: AnalyzerRow[] = [];
  const notes: string[] = [];

  // 1. typical messages: a pool of 2,000 distinct texts, cycled for `seconds` after one warm-up pass
  const pool = Array.from({ length: 2000 }, (_, i) => customerMessage(i));
  const chars = pool.reduce((a, s) => a + s.length, 0) / pool.length;
  const bytes = pool.reduce((a, s) => a + Buffer.byteLength(s), 0) / pool.length;
  log(`analyzer: typical messages (${Math.round(chars)} chars / ${Math.round(bytes)} UTF-8 bytes on average), ${seconds} s`);
  timeAll(pool, (t) => analyzeMessage(t));
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
    const text = pool[i % pool.length];
    const s = performance.now();
    analyzeMessage(text);
    lat.push(performance.now() - s);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cores = round((cpu.user + cpu.system) / 1e6 / wall, 2);
  rows.push({ scenario: 'Message triage, typical 1-2 KB message', mode: 'in-process', clients: 1, note: `${cores} cores busy`, target: { metric: 'throughput', value: 5000 }, result: result(lat, wall) });
  notes.push(`Typical messages: 2,000 generated ru (75%) / en texts (bench/analyzer-gen.ts, not the eval data): greeting, problem, details, timelines, some trigger sentences and tried steps, signature, quoted history in ~35%; ${Math.round(chars)} characters (${Math.round(bytes)} UTF-8 bytes) on average, 1,000-2,100 characters. Throughput = messages / wall time of a closed loop on one JS thread (process CPU during the loop: ${cores} cores, incl. GC threads).`);

  // 2. 20 KB messages
  const big = Array.from({ length: 200 }, (_, i) => customerMessage(10_000 + i, 20_480));
  timeAll(big.slice(0, 20), (t) => analyzeMessage(t));
  const tb = performance.now();
  const bigLat = timeAll(big, (t) => analyzeMessage(t), 3);
  rows.push({ scenario: 'Message triage, 20 KB message', mode: 'in-process', clients: 1, note: '200 texts × 3', target: { metric: 'p99', value: 5 }, result: result(bigLat, (performance.now() - tb) / 1000) });
  log(`analyzer: 20 KB messages p99 ${rows.at(-1)!.result.p99} ms`);

  // 3. reply coach: 300-800 character replies with the customer message and a context
  const cases = Array.from({ length: 2000 }, (_, i) => replyCase(i));
  const coach = (c: (typeof cases)[number]) => coachReply(c.reply, { customerMessage: c.customerMessage, context: c.context, sentAt: c.sentAt, timeZone: c.timeZone });
  timeAll(cases, coach);
  const tc = performance.now();
  const coachLat = timeAll(cases, coach, 2);
  rows.push({ scenario: 'Reply coach, 300-800 char reply + customer message + context', mode: 'in-process', clients: 1, note: '2,000 replies × 2', target: { metric: 'p95', value: 10 }, result: result(coachLat, (performance.now() - tc) / 1000) });
  log(`analyzer: coach p95 ${rows.at(-1)!.result.p95} ms`);

  // 4. 1 MB adversarial inputs, each as a message, as a reply and as the customer message of a reply;
  // in a worker thread, stopped at STOP_MS so a pathological input cannot hang the bench
  const typical = cases[0];
  const guard = analyzerGuard([
    { fn: 'analyzeMessage', text: pool[0] },
    { fn: 'coachReply', text: typical.reply, opts: { customerMessage: typical.customerMessage, context: typical.context, sentAt: typical.sentAt, timeZone: typical.timeZone } },
  ]);
  const adversarial: AdversarialRow[] = [];
  const ms = async (job: Job) => {
    const r = await guard.call(job, STOP_MS);
    return r.stopped ? STOP_MS : r.error ? NaN : round(r.ms);
  };
  for (const a of adversarialInputs()) {
    const row: AdversarialRow = {
      name: a.name, chars: a.text.length,
      messageMs: await ms({ fn: 'analyzeMessage', text: a.text }),
      asReplyMs: await ms({ fn: 'coachReply', text: a.text, opts: { customerMessage: typical.customerMessage, context: { unresolved: true, our_fault: true, customer_asked_cause: true }, sentAt: typical.sentAt, timeZone: typical.timeZone } }),
      asCustomerMessageMs: await ms({ fn: 'coachReply', text: typical.reply, opts: { customerMessage: a.text, context: typical.context, sentAt: typical.sentAt, timeZone: typical.timeZone } }),
    };
    adversarial.push(row);
    log(`analyzer: adversarial "${a.name}": ${[row.messageMs, row.asReplyMs, row.asCustomerMessageMs].map(show).join(' / ')} ms`);
  }
  await guard.close();
  const all = adversarial.flatMap((a) => [a.messageMs, a.asReplyMs, a.asCustomerMessageMs]);
  const advLat = all.filter((x) => !Number.isNaN(x));
  const stopped = all.filter((x) => x >= STOP_MS).length;
  const worstOf = (a: AdversarialRow) => Math.max(...[a.messageMs, a.asReplyMs, a.asCustomerMessageMs].filter((x) => !Number.isNaN(x)), 0);
  const worst = adversarial.reduce((w, a) => (worstOf(a) > worstOf(w) ? a : w));
  const advResult = { ...result(advLat, advLat.reduce((a, b) => a + b, 0) / 1000), errors: all.length - advLat.length };
  rows.push({ scenario: `Adversarial 1 MB inputs (${adversarial.length} texts × message / reply / customer message)`, mode: 'in-process', clients: 1,
    note: `slowest: ${worst.name}${stopped ? `; ${stopped} call(s) stopped at ${STOP_MS / 1000} s` : ''}${advResult.errors ? `; ${advResult.errors} threw` : ''}`, target: { metric: 'max', value: 1000 }, result: advResult });
  notes.push(`Adversarial inputs (bench/analyzer-gen.ts adversarialInputs, also run by server/analyzer/adversarial.test.ts): repeated trigger words, promises, "!!!", CAPS, a 1 MB line of ">", deepening quotes, reply headers, digits/colons, glued words, a single 1 MB word, newlines only, negations, random characters, emoji. Each is timed once as analyzeMessage input, as the reply of coachReply and as its customerMessage, in a warmed-up worker thread; a call still running after ${STOP_MS / 1000} s is stopped and counted as ${STOP_MS} ms ("≥ ${STOP_MS} (stopped)"), an exception as "threw".`);
  notes.push('Latencies are per call (performance.now around one synchronous call), nearest-rank percentiles. Other engineers may run tests on this machine at the same time.');
  return { rows, adversarial, notes };
}

export function analyzerTable(rows: AnalyzerRow[]): string {
  const head = '| Scenario | Mode | Calls | Throughput (/s) | p50 ms | p95 ms | p99 ms | max ms | Target |\n|---|---|---:|---:|---:|---:|---:|---:|---|';
  return [head, ...rows.map((r) => {
    const x = r.result;
    return `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.mode} | ${x.requests.toLocaleString('en')} | ${x.throughput.toLocaleString('en')} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.max} | ${verdict(r.target, x).text} |`;
  })].join('\n');
}

export function writeAnalyzerReport(r: { startedAt: string; commit: string; seconds: number; rows: AnalyzerRow[]; adversarial: AdversarialRow[]; notes: string[] }): { json: string; md: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version, loadavgAtEnd: os.loadavg()[0].toFixed(1) };
  const json = path.join(RESULTS_DIR, `${r.startedAt.slice(0, 10)}-${r.commit}-analyzer.json`);
  fs.writeFileSync(json, JSON.stringify({ ...r, machine, verdicts: r.rows.map((x) => ({ scenario: x.scenario, ...verdict(x.target, x.result) })) }, null, 2) + '\n');
  const md = path.join(RESULTS_DIR, 'analyzer-latest.md');
  const adv = ['| Input (1 MB) | analyzeMessage ms | coachReply as reply ms | as customer message ms |', '|---|---:|---:|---:|',
    ...r.adversarial.map((a) => `| ${a.name} | ${show(a.messageMs)} | ${show(a.asReplyMs)} | ${show(a.asCustomerMessageMs)} |`)];
  fs.writeFileSync(md, [`# Slovo analyzer benchmark — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit}`, '',
    `Machine: ${Object.entries(machine).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '',
    analyzerTable(r.rows), '', '## Adversarial inputs', '', ...adv, '', '## Notes', '', ...r.notes.map((n) => `- ${n}`), ''].join('\n'));
  return { json, md };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--seconds');
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const r = await runAnalyzerBench(console.log, { seconds: i >= 0 ? Number(argv[i + 1]) : 5 });
  const files = writeAnalyzerReport({ startedAt, commit: gitShort(), seconds: Math.round((performance.now() - t0) / 1000), ...r });
  console.log('\n' + analyzerTable(r.rows) + '\n');
  console.log(`results: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.md)}`);
}
