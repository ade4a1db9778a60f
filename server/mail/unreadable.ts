// A mail the parser refused, released by an admin: it becomes a message that says so,
// with the original source attached, so nothing is lost and the agent can open it.
import { createHash } from 'node:crypto';
import { headerValue, messageIdOf } from './receive.ts';
import type { ParseResult } from './types.ts';

function firstAddress(v: string | null): { address: string; name: string } | null {
  const m = v && /([^<>\s"]+@[^<>\s"]+)/.exec(v);
  return m ? { address: m[1].toLowerCase(), name: '' } : null;
}

export function unreadable(raw: Buffer, reason: string): ParseResult {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const from = firstAddress(headerValue(raw, 'From'));
  const subject = (headerValue(raw, 'Subject') ?? '').slice(0, 300);
  const text = `Slovo could not read this mail (${reason}). The original is attached as original.eml.\nSlovo не смог прочитать это письмо (${reason}). Исходное письмо во вложении original.eml.`;
  return {
    ok: true,
    blobs: [{ sha256, data: raw }],
    mail: {
      messageId: messageIdOf(raw), inReplyTo: [], references: [], from, replyTo: null, sender: null, to: [], cc: [], deliveredTo: [],
      subject, date: null, html: `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`, text, visibleText: text, quotedText: '',
      attachments: [{ sha256, size: raw.length, filename: 'original.eml', contentType: 'message/rfc822', contentId: null, inline: false }],
      loop: { autoSubmitted: null, precedence: null, xAutoreply: null, listId: null, listUnsubscribe: null, returnPath: null, xSlovoLoop: null, xSlovoProbe: null },
      dsn: { isDsn: false, action: null, status: null, originalMessageId: null }, charsetWarnings: [], parseMs: 0,
    },
  };
}
