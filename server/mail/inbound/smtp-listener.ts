// Built-in SMTP listener (SLOVO_SMTP_PORT): an MX or forwarding target for the channels'
// addresses. No AUTH (it takes inbound delivery, it is no relay): RCPT TO must be an active
// channel's address or its plus-address, else 550. The bytes are stored exactly as received
// (no Received: header added — dedup across paths compares content) once per recipient
// channel, and 250 is sent only after every receiveRaw committed; a storage failure is 451.
import os from 'node:os';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Deps } from '../../deps.ts';
import { baseAddress } from '../reply-token.ts';
import { receiveRaw } from '../receive.ts';

const MAX_RECIPIENTS = 50;
const MAX_CLIENTS = 100;

class SmtpError extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
  }
}

type Session = SMTPServerSession & { channels?: Set<string> };

async function channelFor(deps: Deps, address: string): Promise<string | null> {
  const r = await deps.db.selectFrom('mail_channels').select('id').where('address', '=', baseAddress(address)).where('active', '=', true).executeTakeFirst();
  return r?.id ?? null;
}

/** Reads the DATA stream, keeping at most maxBytes (the rest is drained, then refused). */
function readData(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) chunks.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(stream.sizeExceeded || size > maxBytes ? null : Buffer.concat(chunks, size)));
  });
}

export function createSmtpServer(deps: Deps): SMTPServer {
  const maxBytes = deps.config.SLOVO_SMTP_MAX_BYTES;
  return new SMTPServer({
    name: os.hostname(),
    banner: 'Slovo inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: MAX_CLIENTS,
    socketTimeout: 60_000, // idle client / command timeout
    closeTimeout: 10_000,
    logger: false,
    onMailFrom(_address, session: Session, callback) {
      session.channels = new Set(); // a new transaction on the same connection starts empty
      callback();
    },
    onRcptTo(address, session: Session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(new SmtpError(452, `Too many recipients (at most ${MAX_RECIPIENTS})`));
      channelFor(deps, address.address).then(
        (id) => {
          if (!id) return callback(new SmtpError(550, `<${address.address}>: no such mailbox`));
          (session.channels ??= new Set()).add(id);
          callback();
        },
        (err) => {
          deps.log.error({ err }, 'smtp: recipient lookup failed');
          callback(new SmtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session: Session, callback) {
      readData(stream, maxBytes).then(async (raw) => {
        if (!raw) return callback(new SmtpError(552, `Message exceeds the size limit of ${maxBytes} bytes`));
        const ids: string[] = [];
        try {
          for (const channelId of session.channels ?? []) ids.push((await receiveRaw(deps, { channelId, path: 'smtp', raw, pathRef: session.id })).mailId);
        } catch (err) {
          deps.log.error({ err }, 'smtp: mail not stored');
          return callback(new SmtpError(451, 'Temporary failure storing the message, try again later'));
        }
        callback(null, `Message stored as ${ids.join(',')}`);
      }, (err) => callback(err as Error));
    },
  });
}

export async function startSmtpListener(deps: Deps): Promise<(() => Promise<void>) | null> {
  const port = deps.config.SLOVO_SMTP_PORT;
  if (!port) return null;
  const server = createSmtpServer(deps);
  server.on('error', (err) => deps.log.error({ err }, 'smtp listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, deps.config.SLOVO_SMTP_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  deps.log.info({ port, host: deps.config.SLOVO_SMTP_HOST }, 'smtp listener started');
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
