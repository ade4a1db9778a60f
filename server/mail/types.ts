// The contract between the stages of the inbound mail pipeline.
// receive → parse (worker thread) → thread → apply. See ARCHITECTURE.md.
import type { MailPath } from '../db/types.ts';

export type { MailPath };

export type Address = { address: string; name: string };

/** Headers the thread stage needs to spot auto-replies, bounces, lists and loops. */
export type LoopHeaders = {
  autoSubmitted: string | null; // RFC 3834
  precedence: string | null; // bulk | list | junk | auto_reply
  xAutoreply: string | null; // X-Autoreply / X-Autorespond / X-Auto-Response-Suppress
  listId: string | null;
  listUnsubscribe: string | null;
  returnPath: string | null; // "<>" for bounces
  xSlovoLoop: string | null; // X-Slovo-Loop: set on everything we send
  xSlovoProbe: string | null; // X-Slovo-Probe: heartbeat probe token
};

/** What parse stores in inbound_mails.parsed (JSON). Attachment bytes go to blobs. */
export type ParsedMail = {
  messageId: string | null; // without angle brackets, lower-cased domain part kept as sent
  inReplyTo: string[];
  references: string[];
  from: Address | null;
  replyTo: Address | null;
  sender: Address | null;
  to: Address[];
  cc: Address[];
  deliveredTo: string[]; // Delivered-To / X-Original-To, lower case
  subject: string;
  date: string | null; // ISO
  html: string; // sanitized for display; remote images blocked (data-remote-src), cid: mapped to attachment URLs later
  text: string; // full plain text
  visibleText: string; // what the sender wrote now: quoted history and signature folded away
  quotedText: string; // the folded part ('' when none)
  attachments: ParsedAttachment[];
  loop: LoopHeaders;
  dsn: { isDsn: boolean; action: string | null; status: string | null; originalMessageId: string | null };
  charsetWarnings: string[]; // e.g. "declared utf-8 but invalid; decoded as windows-1251"
  parseMs: number;
};

export type ParsedAttachment = {
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
  contentId: string | null; // without <>
  inline: boolean;
};

export type ParseLimits = {
  maxBytes: number; // raw size
  maxHeaderBytes: number; // one header block
  maxDepth: number; // MIME nesting
  maxParts: number;
  timeMs: number; // budget per mail
  maxAttachmentBytes: number; // decoded, per attachment
};

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 40 * 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
  maxDepth: 20,
  maxParts: 500,
  timeMs: 2000,
  maxAttachmentBytes: 25 * 1024 * 1024,
};

/** The parser's answer: a mail, or a stable reason to quarantine it. */
export type ParseResult =
  | { ok: true; mail: ParsedMail; blobs: { sha256: string; data: Buffer }[] }
  | { ok: false; code: QuarantineCode; reason: string };

export const QUARANTINE_CODES = [
  'too_large', // raw over maxBytes
  'header_too_large',
  'too_deep', // MIME nesting over maxDepth
  'too_many_parts',
  'parse_timeout', // over the time budget
  'parse_failed', // the parser threw
  'attachment_too_large',
  'no_sender', // no usable From address
  'loop', // loop detected past the allowed few
  'apply_failed', // thread/apply threw after retries
] as const;
export type QuarantineCode = (typeof QUARANTINE_CODES)[number];

/** Why a mail was accepted but not turned into a ticket message (stage 'ignored'). */
export const IGNORE_CODES = ['bounce', 'auto_reply', 'own_message', 'probe', 'mailing_list'] as const;
