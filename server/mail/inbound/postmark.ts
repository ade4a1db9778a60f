// Postmark inbound JSON → the raw mail. RawEmail ("include raw email") is taken as is;
// otherwise the mail is rebuilt with MailComposer, keeping the ORIGINAL Message-ID (from
// Headers; Postmark's MessageID is its own id), Date, addresses, threading headers, bodies and
// attachments — deterministically, so a retried webhook gives the same bytes, and the pipeline
// dedups it against an IMAP copy of the same mail by Message-ID.
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';

const Addr = z.object({ Email: z.string().max(998), Name: z.string().max(998).optional().default('') });

export const PostmarkInbound = z.object({
  From: z.string().max(998).optional(),
  FromFull: Addr.optional(),
  To: z.string().max(100_000).optional(),
  ToFull: z.array(Addr).max(1000).optional(),
  Cc: z.string().max(100_000).optional(),
  CcFull: z.array(Addr).max(1000).optional(),
  ReplyTo: z.string().max(998).optional(),
  Subject: z.string().max(100_000).optional(),
  MessageID: z.string().max(200).optional(),
  Date: z.string().max(200).optional(),
  TextBody: z.string().optional(),
  HtmlBody: z.string().optional(),
  Headers: z.array(z.object({ Name: z.string().min(1).max(200), Value: z.string().max(100_000) })).max(2000).optional(),
  Attachments: z.array(z.object({
    Name: z.string().max(1000).optional(),
    Content: z.string(),
    ContentType: z.string().max(200).optional(),
    ContentLength: z.number().optional(),
    ContentID: z.string().max(1000).optional(),
  })).max(1000).optional(),
  RawEmail: z.string().optional(),
}).passthrough();
export type PostmarkPayload = z.infer<typeof PostmarkInbound>;

// Headers the composer writes itself (from the payload's own fields or the MIME structure).
const OWN = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references', 'mime-version', 'content-type', 'content-transfer-encoding']);

const addr = (a: z.infer<typeof Addr>) => ({ name: a.Name ?? '', address: a.Email });

/** The raw mail bytes for a Postmark inbound payload. */
export async function postmarkRaw(p: PostmarkPayload): Promise<Buffer> {
  if (p.RawEmail) return Buffer.from(p.RawEmail, 'utf8');
  const header = (name: string) => p.Headers?.find((h) => h.Name.toLowerCase() === name)?.Value;
  // stable across retries of the same webhook: the boundaries come from the payload, not chance
  const seed = createHash('sha256').update(p.MessageID ?? JSON.stringify(p)).digest('hex').slice(0, 24);
  const messageId = header('message-id') ?? (p.MessageID ? `<${p.MessageID}@inbound.postmarkapp.com>` : undefined);
  const mail = {
    from: p.FromFull ? addr(p.FromFull) : p.From,
    to: p.ToFull?.length ? p.ToFull.map(addr) : p.To || undefined,
    cc: p.CcFull?.length ? p.CcFull.map(addr) : p.Cc || undefined,
    replyTo: p.ReplyTo || undefined,
    subject: p.Subject ?? '',
    messageId,
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    date: header('date') ?? p.Date ?? undefined,
    headers: (p.Headers ?? []).filter((h) => !OWN.has(h.Name.toLowerCase())).map((h) => ({ key: h.Name, value: h.Value })),
    text: p.TextBody || undefined,
    html: p.HtmlBody || undefined,
    attachments: (p.Attachments ?? []).map((a) => ({
      filename: a.Name || 'attachment',
      content: Buffer.from(a.Content, 'base64'),
      contentType: a.ContentType || 'application/octet-stream',
      ...(a.ContentID ? { cid: a.ContentID.replace(/^<|>$/g, '') } : {}),
    })),
    baseBoundary: seed,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  return new MailComposer(mail as ConstructorParameters<typeof MailComposer>[0]).compile().build();
}
