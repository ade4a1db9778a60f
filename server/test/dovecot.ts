// A private Dovecot IMAP server for one test: own temp dir, free port on 127.0.0.1,
// passwd-file users, Maildir. stop()/start() keep the mail, so a backlog survives a restart.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, openSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './ports.ts';

export type DovecotUser = { user: string; password: string };

export type Dovecot = {
  host: string;
  port: number;
  dir: string;
  users: DovecotUser[];
  /** IMAP APPEND as the user (exact bytes); returns the new UID when the server reports it. */
  append(user: string, raw: Buffer, folder?: string): Promise<number | undefined>;
  /** Local delivery: writes the file into the user's Maildir/new (as a MDA would). */
  deliverMaildir(user: string, raw: Buffer): void;
  /** Local delivery of many mails that land at once: all written to Maildir/tmp first, then moved to new. */
  deliverMaildirMany(user: string, raws: Buffer[]): void;
  /** A signed-in imapflow client (caller logs out). */
  client(user: string): Promise<ImapFlow>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

const NOBODY = 65534;
const running = new Set<string>();
process.once('exit', () => {
  for (const pidFile of running) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {}
  }
});

function findDovecot(): string {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('dovecot is not installed (Debian: apt-get install dovecot-imapd); IMAP tests need a real Dovecot');
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'; // a zombie is gone
  } catch {
    return false;
  }
}

/** Pids of the process's children, grandchildren, … (from /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) if (pp === p) out.push(pid), walk(pid);
  };
  walk(root);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(dir: string, port: number, tls: boolean): string {
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
${tls ? `ssl = yes\nssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : 'ssl = no'}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
first_valid_uid = 1
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
}
service anvil {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 100
}
`;
}

/** tls: offer STARTTLS with a fresh self-signed certificate (openssl). */
export async function startDovecot(opts: { users?: DovecotUser[]; tls?: boolean } = {}): Promise<Dovecot> {
  const bin = findDovecot();
  const users = opts.users ?? [{ user: 'support@example.test', password: 'secret' }];
  const dir = mkdtempSync(join(tmpdir(), 'slovo-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d), { recursive: true });
  chownSync(join(dir, 'mail'), NOBODY, NOBODY);
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}\n`).join(''), { mode: 0o644 });
  const port = await freePort();
  const conf = join(dir, 'dovecot.conf');
  if (opts.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=imap.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    chmodSync(join(dir, 'key.pem'), 0o644);
  }
  writeFileSync(conf, config(dir, port, !!opts.tls));
  const pidFile = join(dir, 'run', 'master.pid');
  const clients = new Map<string, ImapFlow>();
  const folders = new Set<string>(); // user + folder known to exist
  let up = false;

  const masterPid = (): number | null => {
    try {
      return Number(readFileSync(pidFile, 'utf8').trim()) || null;
    } catch {
      return null;
    }
  };

  const canConnect = async (): Promise<boolean> => {
    const net = await import('node:net');
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
    });
  };

  const start = async (): Promise<void> => {
    if (up) return;
    // The daemon keeps inherited fds open: send its output to a file, not a pipe.
    const out = openSync(join(dir, 'start.log'), 'a');
    try {
      execFileSync(bin, ['-c', conf], { stdio: ['ignore', out, out] });
    } catch (e) {
      const log = ['start.log', 'dovecot.log'].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').slice(-2000) : '')).join('\n');
      throw new Error(`dovecot did not start: ${e}\n${log}`);
    } finally {
      closeSync(out);
    }
    running.add(pidFile);
    const until = Date.now() + 10_000;
    while (!(await canConnect())) {
      if (Date.now() > until) throw new Error(`dovecot is not listening on ${port}`);
      await sleep(50);
    }
    up = true;
  };

  const dropClients = async () => {
    const all = [...clients.values()];
    clients.clear();
    await Promise.all(all.map((c) => c.logout().catch(() => c.close())));
  };

  const stop = async (): Promise<void> => {
    await dropClients();
    const pid = masterPid();
    up = false;
    if (!pid) return;
    // the master alone would leave imap processes (and their client connections) behind
    const all = [pid, ...descendants(pid)];
    for (const p of all) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {}
    }
    const until = Date.now() + 3000;
    while (all.some(alive)) {
      if (Date.now() > until) {
        for (const p of all) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {}
        }
      }
      await sleep(25);
    }
    running.delete(pidFile);
  };

  const client = async (user: string): Promise<ImapFlow> => {
    const u = users.find((x) => x.user === user);
    if (!u) throw new Error(`unknown dovecot user ${user}`);
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false }, auth: { user: u.user, pass: u.password }, logger: false, disableAutoIdle: true });
    await c.connect();
    return c;
  };

  const cached = async (user: string): Promise<ImapFlow> => {
    const c = clients.get(user);
    if (c && c.usable) return c;
    const n = await client(user);
    n.on('error', () => clients.delete(user));
    n.on('close', () => clients.delete(user));
    clients.set(user, n);
    return n;
  };

  const append = async (user: string, raw: Buffer, folder = 'INBOX'): Promise<number | undefined> => {
    const c = await cached(user);
    if (folder !== 'INBOX' && !folders.has(`${user}\n${folder}`)) {
      const list = await c.list();
      if (!list.some((f) => f.path === folder)) await c.mailboxCreate(folder);
      folders.add(`${user}\n${folder}`);
    }
    const r = await c.append(folder, raw);
    if (!r) throw new Error(`APPEND to ${folder} failed`);
    return r.uid;
  };

  const maildir = (user: string): string => {
    const md = join(dir, 'mail', user, 'Maildir');
    for (const d of [join(dir, 'mail', user), md, join(md, 'new'), join(md, 'cur'), join(md, 'tmp')]) {
      if (!existsSync(d)) {
        mkdirSync(d);
        chownSync(d, NOBODY, NOBODY);
      }
    }
    return md;
  };
  const writeTmp = (md: string, raw: Buffer): string => {
    const name = `${Date.now()}.M${randomBytes(6).toString('hex')}P${process.pid}.slovo-test`;
    writeFileSync(join(md, 'tmp', name), raw);
    chownSync(join(md, 'tmp', name), NOBODY, NOBODY);
    return name;
  };
  const deliverMaildirMany = (user: string, raws: Buffer[]): void => {
    const md = maildir(user);
    const names = raws.map((raw) => writeTmp(md, raw));
    for (const name of names) renameSync(join(md, 'tmp', name), join(md, 'new', name));
  };
  const deliverMaildir = (user: string, raw: Buffer): void => deliverMaildirMany(user, [raw]);

  await start();
  return {
    host: '127.0.0.1',
    port,
    dir,
    users,
    append,
    deliverMaildir,
    deliverMaildirMany,
    client,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
