import pino from 'pino';
import { loadConfig } from '../config.ts';
import { createDb } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openOpsDb } from '../ops/connect.ts';
import { DemoError, loadDemo } from '../ops/demo.ts';

export async function run(args: string[]): Promise<number | void> {
  if (args.length) {
    console.error('usage: slovo demo   (loads demo organizations, customers, agents and tickets once)');
    return 2;
  }
  const config = loadConfig();
  const ops = await openOpsDb(config, (m) => console.error(m));
  try {
    await migrate(ops.url, (m) => console.error(m));
    const { db } = createDb(ops.url, 2);
    const started = Date.now();
    try {
      const r = await loadDemo(db, { deps: { config, log: pino({ level: 'warn' }) } });
      const c = r.counts;
      const k = r.keeping;
      const lines = [
        `Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.organizations} organizations, ${c.customers} customers, ` +
          `${c.groups} groups, ${c.agents} agents, ${c.tickets} tickets with ${c.messages} messages.`,
        `Keeping the word: ${k.policies} SLA policies, ${k.rules} escalation rules, ${k.careFlags} care flag, ${k.promises} promises, ` +
          `SLA clocks on ${k.ticketsWithSla} unsolved tickets.`,
        ``,
        `Demo agents (one password for all, shown once): ${r.password}`,
        ...r.agents.map((a) => `  ${a.email.padEnd(40)} ${a.role.padEnd(12)} L${a.level}  ${a.name}`),
      ];
      console.log(lines.join('\n'));
    } catch (e) {
      if (e instanceof DemoError) {
        console.error(`slovo demo: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      await db.destroy();
    }
  } finally {
    await ops.close();
  }
}
