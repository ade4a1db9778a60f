// The mail channel's wire shapes: channels (mailboxes), inbound mails and quarantine.
import { z } from 'zod';
import { Email, Id, Timestamp } from './common.ts';
import { TimeZone } from './people.ts';

const Host = z.string().trim().min(1).max(255);
const Port = z.number().int().min(1).max(65535);
const Secret = z.string().min(1).max(500);
/** STARTTLS on a plain connection: auto (when offered), require (fail without), never. */
const StartTls = z.enum(['auto', 'require', 'never']).default('auto');
/** false trusts any certificate (self-signed servers on a private network); default true. */
const CheckCertificate = z.boolean().default(true);

export const ImapSettings = z.object({
  host: Host,
  port: Port.default(993),
  secure: z.boolean().default(true),
  starttls: StartTls,
  checkCertificate: CheckCertificate,
  user: z.string().min(1).max(255),
  password: Secret.optional(), // write-only; kept when omitted on update
  folders: z.array(z.string().min(1).max(200)).min(1).max(20).default(['INBOX']),
  processed: z.enum(['flag', 'move']).default('flag'), // what happens after the raw mail is committed
  moveTo: z.string().min(1).max(200).default('Slovo/Processed'),
  idle: z.boolean().default(true), // IMAP IDLE; polling runs anyway as a safety net
  pollSeconds: z.number().int().min(5).max(3600).default(60),
});

export const SmtpOutSettings = z.object({
  host: Host,
  port: Port.default(587),
  secure: z.boolean().default(false),
  starttls: StartTls,
  checkCertificate: CheckCertificate,
  user: z.string().max(255).optional(),
  password: Secret.optional(), // write-only
  fromName: z.string().max(200).optional(),
});

export const WebhookSettings = z.object({
  mailgunSigningKey: Secret.optional(), // write-only; checks Mailgun's signature
});

export const ProbeSettings = z.object({
  enabled: z.boolean().default(false),
  intervalMinutes: z.number().int().min(1).max(24 * 60).default(30),
});

export const HealthSettings = z.object({
  silenceMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(), // fixed window instead of the learned rhythm
  fetchErrorMinutes: z.number().int().min(1).max(24 * 60).optional(), // a path failing this long raises an alert (default 5)
  timeZone: TimeZone.optional(), // hours of week for the learned rhythm (default UTC; set it where clocks change for DST)
});

export const ChannelSettings = z.object({
  imap: ImapSettings.nullable().optional(),
  smtpOut: SmtpOutSettings.nullable().optional(),
  webhooks: WebhookSettings.optional(),
  probe: ProbeSettings.optional(),
  health: HealthSettings.optional(),
  replyToToken: z.boolean().optional(), // Reply-To: support+t<ticket>-<sig>@… (needs plus-addressing)
});

export const CreateChannelBody = z.object({
  name: z.string().trim().min(1).max(100),
  address: Email,
  groupId: Id.nullable().optional(),
  active: z.boolean().default(true),
  settings: ChannelSettings.default({}),
});

export const UpdateChannelBody = CreateChannelBody.partial().refine((b) => Object.keys(b).length > 0, 'nothing to change');

const Redacted = z.record(z.string(), z.unknown());

export const Channel = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  groupId: Id.nullable(),
  active: z.boolean(),
  settings: Redacted, // passwords and keys replaced by { set: true }
  webhookToken: z.string().optional(), // admins only
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const InboundStage = z.enum(['received', 'parsed', 'threaded', 'applied', 'duplicate', 'ignored', 'quarantined', 'released']);

export const InboundMail = z.object({
  id: Id,
  channelId: Id,
  path: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  messageId: z.string().nullable(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  stage: InboundStage,
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  ticketId: Id.nullable(),
  ticketMessageId: Id.nullable(),
  duplicateOf: Id.nullable(),
  attempts: z.number().int(),
  receipts: z.array(z.object({ path: z.string(), pathRef: z.string().nullable(), receivedAt: Timestamp })).optional(),
  receivedAt: Timestamp,
  updatedAt: Timestamp,
});

export const InboundQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  stage: InboundStage.optional(),
  channelId: Id.optional(),
});
