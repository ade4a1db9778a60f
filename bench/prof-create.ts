// Dev tool: per-statement time of createTicket on the 1M dataset (not part of npm run bench).
import { startCluster } from './cluster.ts';
import { recordingDeps, type Captured } from './keeping-deps.ts';
import { cleanupExtra } from './generate.ts';
import { createTicket } from '../server/modules/tickets/tickets.service.ts';
import { CreateTicketBody } from '../api/tickets.ts';
import pg from 'pg';

const cluster = await startCluster({});
const out: Captured[] = [];
const deps = recordingDeps(cluster.url, out, 4);
const c = new pg.Client({ connectionString: cluster.url }); await c.connect();
const cust = (await c.query(`select e.email from customer_emails e limit 200`)).rows.map((r) => r.email);
const agent = (await c.query(`select id from users where role = 'agent' limit 1`)).rows[0];
const grp = (await c.query(`select id from groups limit 1`)).rows[0];
await c.end();
const actor = { kind: 'user', id: agent.id, role: 'agent', level: 1, name: 'a', email: 'a@x', locale: 'ru', scopes: ['read','write'] } as any;
const N = Number(process.argv[2] ?? 300);
for (let i = 0; i < N; i++) {
  if (i === 50) out.length = 0;
  const body = CreateTicketBody.parse({ subject: `Проблема ${i}`, requester: { email: cust[i % cust.length] }, message: { body: 'Здравствуйте. Не приходят письма с понедельника. Помогите пожалуйста.' }, groupId: grp.id, tags: ['refund'], priority: 'normal' });
  await createTicket(deps, actor, body);
}
const agg = new Map<string, { n: number; ms: number }>();
for (const q of out) { const k = q.sql.replace(/\s+/g, ' ').slice(0, 140); const a = agg.get(k) ?? { n: 0, ms: 0 }; a.n++; a.ms += q.ms; agg.set(k, a); }
const total = out.reduce((s, q) => s + q.ms, 0);
console.log(`statements/create ${(out.length / (N - 50)).toFixed(1)}, db ms/create ${(total / (N - 50)).toFixed(2)}`);
for (const [k, a] of [...agg].sort((x, y) => y[1].ms - x[1].ms).slice(0, 25)) console.log(`${(a.ms / (N - 50)).toFixed(3)} ms  x${(a.n / (N - 50)).toFixed(1)}  ${k}`);
await deps.close();
await cleanupExtra(cluster.url);
await cluster.stop();
