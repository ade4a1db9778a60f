import type { z } from 'zod';
import type { Message as MessageShape } from '../../../api/tickets.ts';
import type { Message } from '../../db/types.ts';
import { isoReq } from '../../http/types.ts';

type Att = { id: string; filename: string; content_type: string; size: string | number; blob_sha256: string };

export function presentAttachment(a: Att) {
  return { id: a.id, filename: a.filename, contentType: a.content_type, size: Number(a.size), sha256: a.blob_sha256, url: `/api/v1/attachments/${a.id}` };
}

export function presentMessage(m: Message & { author_name: string | null; attachments: Att[] }): z.infer<typeof MessageShape> {
  return {
    id: m.id,
    ticketId: m.ticket_id,
    kind: m.kind,
    author: { type: m.author_type, id: m.author_user_id ?? m.author_customer_id, name: m.author_name },
    bodyHtml: m.body_html,
    bodyText: m.body_text,
    channel: m.channel,
    attachments: m.attachments.map(presentAttachment),
    createdAt: isoReq(m.created_at),
  };
}
