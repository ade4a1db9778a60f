// Writes the results: a markdown table to stdout and bench/results/latest.md, and the
// full record to bench/results/<date>-<short>.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetInfo } from './generate.ts';
import type { Plan } from './explain.ts';
import type { LoadResult, MemSample } from './stats.ts';

export type Row = {
  scenario: string; mode: 'HTTP' | 'SQL' | 'in-process'; clients: number; target?: { metric: 'p95' | 'throughput'; value: number };
  note?: string; result: LoadResult; cpu?: { wallSeconds: number; slovoCores: number; postgresCores: number; machineBusyCores: number };
};
export type Memory = { idle: MemSample; createLoad: { samples: number; peak: MemSample; mean: MemSample } | null };
export type Report = {
  startedAt: string; finishedAt: string; seconds: number; commit: string; machine: Record<string, string | number>;
  dataset: DatasetInfo; rows: Row[]; memory: Memory; plans: Plan[]; notes: string[];
};

export const RESULTS_DIR = path.join(import.meta.dirname, 'results');

export function gitShort(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'nogit';
  }
}

export function verdict(r: Row): string {
  if (!r.target) return '';
  const ok = r.target.metric === 'p95' ? r.result.p95 <= r.target.value : r.result.throughput >= r.target.value;
  const want = r.target.metric === 'p95' ? `p95 ≤ ${r.target.value} ms` : `≥ ${r.target.value.toLocaleString('en')}/s`;
  return `${want} ${ok ? '✅' : '❌'}`;
}

export function table(rows: Row[]): string {
  const head = '| Scenario | Mode | Clients | Requests | Throughput (/s) | p50 ms | p95 ms | p99 ms | Errors | CPU Slovo / PG / all | Target |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|';
  const lines = rows.map((r) => {
    const x = r.result;
    return `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.mode} | ${r.clients} | ${x.requests.toLocaleString('en')} | ${x.throughput.toLocaleString('en')} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.errors} | ${r.cpu ? `${r.cpu.slovoCores} / ${r.cpu.postgresCores} / ${r.cpu.machineBusyCores}` : ''} | ${verdict(r)} |`;
  });
  return [head, ...lines].join('\n');
}

function memoryTable(m: Memory): string {
  const row = (name: string, s: MemSample) => `| ${name} | ${s.nodeRssMb} | ${s.pgRssMb} | ${s.pgPssMb} | ${s.pgProcesses} |`;
  const lines = ['| When | Slovo node RSS MB | Postgres RSS sum MB | Postgres PSS sum MB | Postgres processes |', '|---|---:|---:|---:|---:|', row('idle (after start)', m.idle)];
  if (m.createLoad) lines.push(row('create load, peak', m.createLoad.peak), row('create load, mean', m.createLoad.mean));
  return lines.join('\n');
}

export function markdown(r: Report): string {
  const d = r.dataset;
  return [
    `# Slovo benchmark — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit}`,
    '',
    `Machine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Dataset: ${d.tickets.toLocaleString('en')} tickets, ${d.messages.toLocaleString('en')} messages, ${d.customers.toLocaleString('en')} customers, ${d.groups} groups, ${d.tags.length} tags` +
      ` (${d.reused ? 'reused from an earlier run, which ' : ''}generated in ${d.seconds} s: ${Object.entries(d.phases).map(([k, v]) => `${k} ${v} s`).join(', ')}). Bench run: ${r.seconds} s.`,
    '',
    table(r.rows),
    '',
    '## Memory',
    '',
    memoryTable(r.memory),
    '',
    'RSS counts the shared_buffers pages each postgres process has touched in every one of them; PSS splits shared pages between processes (the fair sum).',
    '',
    '## Notes',
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
    '## Plans (EXPLAIN (ANALYZE, BUFFERS), after the runs above)',
    '',
    ...r.plans.flatMap((p) => [`### ${p.name}`, '', '```sql', p.sql, `-- params: ${JSON.stringify(p.params)}`, '```', '', '```', p.plan, '```', '']),
  ].join('\n');
}

export function writeReport(r: Report): { json: string; md: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = path.join(RESULTS_DIR, `${r.startedAt.slice(0, 10)}-${r.commit}.json`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = path.join(RESULTS_DIR, 'latest.md');
  fs.writeFileSync(md, markdown(r));
  return { json, md };
}

/** Mail-only runs (`--only mail`): the table and notes, in mail-latest.md and a JSON record. */
export function writeMailReport(r: { startedAt: string; commit: string; seconds: number; rows: Row[]; notes: string[] }): { json: string; md: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = path.join(RESULTS_DIR, `${r.startedAt.slice(0, 10)}-${r.commit}-mail.json`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = path.join(RESULTS_DIR, 'mail-latest.md');
  fs.writeFileSync(md, [`# Slovo mail benchmark — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit}`, '', table(r.rows), '', '## Notes', '', ...r.notes.map((n) => `- ${n}`), ''].join('\n'));
  return { json, md };
}
