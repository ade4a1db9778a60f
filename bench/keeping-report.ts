// Keeping benchmark results: bench/results/<date>-<commit>-keeping.json and keeping-latest.md.
import fs from 'node:fs';
import path from 'node:path';
import type { KeepingDataset } from './keeping-gen.ts';
import type { PriorityResult } from './keeping-priority.ts';
import type { SweepResult } from './keeping-sweep.ts';
import { RESULTS_DIR, table, type Row } from './report.ts';

export type KeepingReport = {
  startedAt: string; finishedAt: string; seconds: number; commit: string; machine: Record<string, string | number>;
  datasets: { sweep?: KeepingDataset; priority?: KeepingDataset };
  sweep: SweepResult | null; priority: PriorityResult | null; create: Row[]; createStatements: { sql: string; ms: number }[]; notes: string[];
};

const n = (x: number) => x.toLocaleString('en');
const ok = (b: boolean) => (b ? '✅' : '❌');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.ceil(s.length / 2) - 1]; };
const cpuText = (runs: { cpu: { node: number; postgres: number } }[]) =>
  `CPU per run (median): node ${median(runs.map((x) => x.cpu.node))} s + postgres ${median(runs.map((x) => x.cpu.postgres))} s = ${Math.round(median(runs.map((x) => x.cpu.node + x.cpu.postgres)) * 100) / 100} s`;

function dataset(name: string, d?: KeepingDataset): string {
  if (!d) return '';
  const c = d.counts;
  return `- ${name}: ${n(c.open_tickets)} open + ${n(c.solved_tickets)} solved tickets (no messages), ${n(c.ticket_sla)} ticket_sla rows, ${n(c.open_promises)} open` +
    ` + ${n(c.broken_promises)} broken promises, ${n(c.care_flags)} care flags, ${n(c.follow_ups)} third-party follow-ups, ${n(c.snoozed)} snoozed tickets, ${n(d.customers)} customers,` +
    ` ${n(d.organizations)} organizations, 10 groups, 50 users; due at ${d.sweepAt}: ${n(c.due_sla)} SLA, ${n(c.due_promises)} promises, ${n(c.due_care)} care flags,` +
    ` ${n(c.due_follow_ups)} follow-ups, ${n(c.due_snoozes)} snoozes (${d.reused ? 'reused; it was ' : ''}generated in ${d.seconds} s: ${Object.entries(d.phases).map(([k, v]) => `${k} ${v} s`).join(', ')}).`;
}

function summary(r: KeepingReport): string[] {
  const lines = ['| Scenario | Result | Target |', '|---|---|---|'];
  const s = r.sweep;
  if (s?.available && s.p50 !== null && s.max !== null) {
    const first = s.runs.map((x) => x.firstCallMs).sort((a, b) => a - b);
    const calls = Math.max(...s.runs.map((x) => x.calls));
    lines.push(`| Sweep: one full sweep, every source, notifications + e-mails written (${s.runs.length} runs) | p50 ${n(s.p50)} ms, max ${n(s.max)} ms` +
      `${calls > 1 ? ` (${calls} sweep() calls until nothing due; first call p50 ${n(first[Math.ceil(first.length / 2) - 1])} ms)` : ''}; ${n(s.runs[0].notifications)} notifications, ${n(s.runs[0].outbox)} e-mails per sweep; ${cpuText(s.runs)}. The score refreshes it queued (${n(s.runs[0].refresh.tickets)} tickets) then take p50 ${n(median(s.runs.map((x) => x.refresh.ms)))} ms in the priority.refresh worker | ≤ 2,000 ms ${ok(s.max <= 2000)} |`);
    for (const p of s.plans.filter((x) => x.find)) {
      lines.push(`| Sweep find, ${p.source}${p.captured ? (p.name.includes('one statement') ? ' (find and advance in one statement)' : '') : ' (contract SQL, not captured)'} | ${p.flags.scans.join('; ') || '?'}${p.flags.heapFetches !== null ? `, Heap Fetches ${n(p.flags.heapFetches)}` : ''} | index-only ${ok(p.flags.indexOnly && !p.flags.seqScan)} |`);
    }
  } else {
    lines.push('| Sweep | not measured: sweep() missing | ≤ 2,000 ms |');
  }
  const p = r.priority;
  if (p) {
    lines.push(`| Priority recompute after a weight change, ${n(p.runs[0]?.tickets ?? 0)} unsolved tickets (${p.runs.length} runs) | p50 ${n(p.p50)} ms, max ${n(p.max)} ms (${p.runs.map((x) => n(x.changed)).join(' / ')} changed); ${cpuText(p.runs)} | ≤ 10,000 ms ${ok(p.max <= 10_000)} |`);
    lines.push(`| Priority first computation (parts empty → scored), ${n(p.first.tickets)} tickets | ${n(p.first.ms)} ms (${n(p.first.changed)} written) | |`);
    lines.push(`| refreshPriority, one ticket per call, ${n(p.single.calls)} calls in a row | ${p.single.perSecond}/s, p50 ${p.single.p50} ms, p95 ${p.single.p95} ms, max ${p.single.max} ms | |`);
  }
  return lines;
}

const plan = (x: { name: string; sql: string; params: unknown[]; plan: string }) =>
  [`### ${x.name}`, '', '```sql', x.sql.trim(), `-- params: ${JSON.stringify(x.params)}`, '```', '', '```', x.plan, '```', ''];

export function keepingMarkdown(r: KeepingReport): string {
  const s = r.sweep;
  const p = r.priority;
  return [
    `# Slovo keeping benchmark (issue 6) — ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit}`, '',
    `Machine: ${Object.entries(r.machine).map(([k, v]) => `${k} ${v}`).join(', ')}. Bench run: ${r.seconds} s.`, '',
    dataset('Sweep database', r.datasets.sweep), dataset('Priority database', r.datasets.priority), '',
    ...summary(r), '',
    ...(r.create.length ? ['## Create ticket with the keeping hooks on', '', table(r.create), ''] : []),
    ...(r.createStatements.length ? ['Statements of one ticket create with this commit (createTicket in the bench process after 3 warm-up creates; the first is the create itself, the rest the keeping hooks):', '',
      '| # | ms | SQL (first 200 characters) |', '|---:|---:|---|', ...r.createStatements.map((q, i) => `| ${i + 1} | ${q.ms} | \`${q.sql.replaceAll('|', '\\|')}\` |`), ''] : []),
    ...(s?.available ? ['## Sweep runs', '', '| Run | Wall ms (until nothing due) | First call ms | Calls | CPU s node / postgres | SLA rows advanced | Promises advanced | Notifications | E-mails (outbox) | Left due | Jobs queued | Queued score refreshes run after: tickets, ms | Load avg (1 min) |', '|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|---:|',
      ...s.runs.map((x) => `| ${x.run} | ${n(x.drainMs)} | ${n(x.firstCallMs)} | ${x.calls} | ${x.cpu.node} / ${x.cpu.postgres} | ${n(x.slaAdvanced)} | ${n(x.promisesAdvanced)} | ${n(x.notifications)} | ${n(x.outbox)} | ${Object.entries(x.leftDue).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} | ${Object.entries(x.queued).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} | ${n(x.refresh.tickets)}, ${n(x.refresh.ms)} ms | ${x.loadavg} |`),
      '', `sweep() returned (run 1): \`${JSON.stringify(s.runs[0]?.result)}\``, ''] : []),
    ...(p ? ['## Priority recompute runs', '', '| Run | Weights override | ms | CPU s node / postgres | Tickets | Changed | Load avg (1 min) |', '|---:|---|---:|---|---:|---:|---:|',
      ...[p.first, ...p.runs].map((x) => `| ${x.run || 'first'} | \`${JSON.stringify(x.weights ?? 'defaults')}\` | ${n(x.ms)} | ${x.cpu.node} / ${x.cpu.postgres} | ${n(x.tickets)} | ${n(x.changed)} | ${x.loadavg} |`), ''] : []),
    '## Notes', '', ...r.notes.map((x) => `- ${x}`), '',
    ...(s?.available ? ['## Statements of one sweep (captured in order, with their time in the capture run)', '', '| # | ms | SQL (first 300 characters) |', '|---:|---:|---|',
      ...s.statements.map((q, i) => `| ${i + 1} | ${q.ms} | \`${q.sql.replaceAll('|', '\\|')}\` |`), ''] : []),
    ...(s?.plans.length ? ['## Sweep plans (EXPLAIN (ANALYZE, BUFFERS) over the re-armed data, writes rolled back)', '', ...s.plans.flatMap(plan)] : []),
    ...(p?.batch ? ['## Priority recompute: one batch, statement by statement (weights changed, rolled back)', '', '| # | ms | SQL (first 200 characters) |', '|---:|---:|---|',
      ...p.batch.statements.map((q, i) => `| ${i + 1} | ${q.ms} | \`${q.sql.replaceAll('|', '\\|')}\` |`), '', ...p.batch.plans.flatMap(plan)] : []),
  ].join('\n');
}

export function writeKeepingReport(r: KeepingReport): { json: string; md: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = path.join(RESULTS_DIR, `${r.startedAt.slice(0, 10)}-${r.commit}-keeping.json`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = path.join(RESULTS_DIR, 'keeping-latest.md');
  fs.writeFileSync(md, keepingMarkdown(r));
  return { json, md };
}
