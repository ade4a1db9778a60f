// A real SMTP server (smtp-server) that records what it receives, for tests.
// It can refuse the next N messages with a 4xx/5xx reply at MAIL FROM, RCPT TO or DATA.
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.ts';

export type SinkMessage = { raw: Buffer; from: string; to: string[]; at: Date };

export type SinkFailure = {
  /** SMTP reply code, e.g. 451 (temporary) or 550 (permanent). */
  code: number;
  /** how many attempts to refuse before accepting again (Infinity: always) */
  times: number;
  /** where to refuse; default 'data' (after the message body was sent) */
  stage?: 'mail' | 'rcpt' | 'data';
  message?: string;
};

export type SmtpSink = {
  port: number;
  host: string;
  messages: SinkMessage[];
  /** every attempt (accepted or refused) at the stage where failures are checked */
  attempts: { stage: string; code: number }[];
  /** resolves with messages once at least n arrived; rejects after ms */
  waitFor(n: number, ms?: number): Promise<SinkMessage[]>;
  /** replace the failure plan (null: accept everything) */
  fail(f: SinkFailure | null): void;
  close(): Promise<void>;
};

/** tls: offer STARTTLS with smtp-server's built-in self-signed certificate. */
export async function startSmtpSink(opts: { failure?: SinkFailure; user?: string; password?: string; tls?: boolean } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const attempts: { stage: string; code: number }[] = [];
  let failure: SinkFailure | null = opts.failure ?? null;
  let waiters: (() => void)[] = [];

  const refuse = (stage: 'mail' | 'rcpt' | 'data'): Error | null => {
    if (!failure || (failure.stage ?? 'data') !== stage) return null;
    if (failure.times <= 0) return null;
    failure.times--;
    attempts.push({ stage, code: failure.code });
    const err = new Error(failure.message ?? (failure.code >= 500 ? 'Mailbox unavailable' : 'Try again later')) as Error & { responseCode: number };
    err.responseCode = failure.code;
    return err;
  };

  const server = new SMTPServer({
    disabledCommands: opts.tls ? [] : ['STARTTLS'],
    disableReverseLookup: true,
    closeTimeout: 1000, // close() ends open client connections after a second
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.user === undefined || (auth.username === opts.user && auth.password === opts.password)) return cb(null, { user: auth.username });
      const err = new Error('Invalid credentials') as Error & { responseCode: number };
      err.responseCode = 535;
      cb(err);
    },
    onMailFrom(_addr, _session, cb) {
      cb(refuse('mail') ?? undefined);
    },
    onRcptTo(_addr, _session, cb) {
      cb(refuse('rcpt') ?? undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const err = refuse('data');
        if (err) return cb(err);
        attempts.push({ stage: 'data', code: 250 });
        messages.push({
          raw: Buffer.concat(chunks),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          at: new Date(),
        });
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
        cb();
      });
    },
  });
  server.on('error', () => {});

  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    port,
    host: '127.0.0.1',
    messages,
    attempts,
    fail(f) {
      failure = f;
    },
    waitFor(n, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`smtp sink: ${messages.length}/${n} messages after ${ms} ms`)), ms);
        const check = () => {
          if (messages.length >= n) {
            clearTimeout(deadline);
            resolve(messages);
          } else waiters.push(check);
        };
        check();
      });
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
